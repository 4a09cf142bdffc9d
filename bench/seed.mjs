/**
 * The benchmark's directory: N users with namespaces, applications, groups, memberships
 * and assignments in realistic proportions (per 1,000,000 users: 2,000 namespaces,
 * 10,000 applications, 20,000 groups, 2 group memberships per user, 1 user in 10 assigned
 * to an application directly; scaled down proportionally). Kept in bench/.data/<engine>-<N>/
 * and reused by later runs (delete the directory to seed again).
 *
 * The schema is the real one (`techpass migrate`); the bench's own namespace, application,
 * client secret and certificate are made with the CLI, so their storage is the real one.
 * Everything else is inserted in batches (multi-row INSERTs, one transaction per 5,000
 * users) through Kysely on the compiled database module. Every user gets the same
 * argon2id hash (one hash, same parameters as src/strategies/password/hash.ts) so seeding
 * does not hash a million times, and the same TOTP seed (MFA is mandatory), sealed per
 * factor row under the master key as `techpass user create --totp-secret` stores it (the
 * row id is bound into the seal, so each row has its own). Every user has accepted the
 * bench application's terms (the sign-in scenario is a returning user's).
 *
 * PostgreSQL: a cluster from scripts/pg-cluster.mjs, moved to <dir>/cluster so it
 * outlives the run (pg-cluster removes the clusters it started when the process exits)
 * and restarted with pgCtl by later runs.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { createDatabase, pgCtl, startCluster } from '../scripts/pg-cluster.mjs';
import { testHelper } from './helpers.mjs';
import { BIN, ROOT, techpassEnv } from './servers.mjs';

export const DATA = path.join(ROOT, 'bench', '.data');
/** The seeded password (test/helpers/directory.ts uses the same). */
export const PASSWORD = 'Correct-Horse-Battery-9';
export const REDIRECT_URI = 'http://127.0.0.1:9/cb';
export const email = (i) => `user${i}@bench.localhost`;
/**
 * Directories seeded by an older bench lack what the scenarios now need: seed again.
 * 2: TOTP factors. 3: no SQLite statistics (an ANALYZE left the planner facts that no real
 * TechPass database has).
 */
const SEED_VERSION = 3;

const id = (prefix) => prefix + randomBytes(16).toString('base64url');

function cli(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args, '--json'], { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.once('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`techpass ${args.join(' ')}: ${out}`))));
  });
}

/** The database for `users` on `engine`, seeded now or reused; `stop()` stops its PostgreSQL. */
export async function prepareDatabase({ engine, users }, progress) {
  const dir = path.join(DATA, `${engine}-${users}`);
  const metaFile = path.join(dir, 'meta.json');
  const meta = existsSync(metaFile) ? JSON.parse(readFileSync(metaFile, 'utf8')) : null;
  // The cluster lives beside meta.json: a directory copied or moved from another checkout still works.
  if (meta?.clusterDir && meta.clusterDir !== path.join(dir, 'cluster') && existsSync(path.join(dir, 'cluster', 'data'))) {
    meta.clusterDir = path.join(dir, 'cluster');
    const conf = path.join(meta.clusterDir, 'data', 'postgresql.conf');
    writeFileSync(conf, readFileSync(conf, 'utf8').replace(/^unix_socket_directories = .*$/gm, `unix_socket_directories = '${meta.clusterDir}'`));
    writeFileSync(metaFile, JSON.stringify(meta, null, 2));
  }
  if (meta?.seedVersion === SEED_VERSION) {
    progress(`reusing the ${engine} directory of ${users.toLocaleString('en')} users in ${path.relative(ROOT, dir)}`);
    if (engine === 'postgres') await pgCtl(meta.clusterDir, 'start');
    return { ...meta, stop: () => (engine === 'postgres' ? pgCtl(meta.clusterDir, 'stop') : Promise.resolve()) };
  }

  if (meta) progress(`the directory in ${path.relative(ROOT, dir)} was seeded by an older bench: seeding again`);
  if (meta?.clusterDir) await pgCtl(meta.clusterDir, 'stop').catch(() => {});
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let cluster;
  let url = `sqlite:${path.join(dir, 'techpass.db')}`;
  if (engine === 'postgres') {
    progress('starting PostgreSQL');
    cluster = await startCluster({ parentDir: dir });
    url = await createDatabase(cluster.url, 'techpass');
  }
  const database = { engine, url, dataDir: path.join(dir, 'data'), masterKey: randomBytes(32).toString('hex') };
  const env = techpassEnv(database, 3999);

  progress('creating the schema and the bench application with the CLI');
  await cli(['migrate'], env);
  const ns = await cli(['namespace', 'create', '--name', 'bench', '--display-name', 'Benchmark'], env);
  const app = await cli(['app', 'create', '--namespace', 'bench', '--name', 'Bench', '--redirect-uri', REDIRECT_URI], env);
  const { selfSignedCertificate } = await testHelper('x509');
  const cert = selfSignedCertificate({ commonName: 'techpass bench', notAfter: new Date(Date.now() + 365 * 86_400_000) });
  writeFileSync(path.join(dir, 'client.pem'), cert.pem);
  await cli(['app', 'cert', 'add', '--namespace', 'bench', '--app', app.clientId, '--pem', path.join(dir, 'client.pem')], env);

  const { openDatabase } = await import('../dist/persistence/database.js');
  const { hashPassword } = await import('../dist/strategies/password/hash.js');
  const { newTotpSeed } = await import('../dist/strategies/totp/totp.js');
  const { MasterKey } = await import('../dist/platform/secrets.js');
  const passwordHash = await hashPassword(PASSWORD);
  const totpSeed = newTotpSeed();
  const masterKey = MasterKey.parse(database.masterKey);
  const handle = openDatabase(engine === 'postgres' ? { engine, url } : { engine, file: url.slice('sqlite:'.length) });
  await insertDirectory(handle.db, { users, passwordHash, totpSeed, masterKey, benchNamespace: ns.id, benchApp: app.clientId }, progress);
  // PostgreSQL's autovacuum would gather statistics after a load like this; ANALYZE does it now.
  // A TechPass SQLite database never has any (nothing runs ANALYZE, and with them SQLite's
  // STAT4 would prepare statements again at every new binding), so the bench's has none either.
  if (engine === 'postgres') {
    progress('ANALYZE');
    await sql`ANALYZE`.execute(handle.db);
  }
  await handle.close();

  const seeded = {
    seedVersion: SEED_VERSION,
    engine,
    users,
    url,
    dataDir: database.dataDir,
    masterKey: database.masterKey,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    certificateKey: cert.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    certificateKid: cert.x5tS256,
    totpSeed,
  };
  if (cluster) {
    // Out of pg-cluster's reach (it removes its clusters at exit), restarted by later runs.
    await pgCtl(cluster.dir, 'stop');
    seeded.clusterDir = path.join(dir, 'cluster');
    renameSync(cluster.dir, seeded.clusterDir);
    appendFileSync(
      path.join(seeded.clusterDir, 'data', 'postgresql.conf'),
      `unix_socket_directories = '${seeded.clusterDir}'\nshared_buffers = '256MB'\n`,
    );
    await pgCtl(seeded.clusterDir, 'start');
  }
  writeFileSync(metaFile, JSON.stringify(seeded, null, 2));
  return { ...seeded, stop: () => (cluster ? pgCtl(seeded.clusterDir, 'stop') : Promise.resolve()) };
}

async function insertDirectory(db, { users, passwordHash, totpSeed, masterKey, benchNamespace, benchApp }, progress) {
  const scale = users / 1_000_000;
  const namespaceCount = Math.max(2, Math.round(2_000 * scale));
  const now = Date.now();
  const batch = async (trx, table, rows, size) => {
    for (let i = 0; i < rows.length; i += size)
      await trx
        .insertInto(table)
        .values(rows.slice(i, i + size))
        .execute();
  };

  const namespaces = [];
  const applications = [];
  const groups = [];
  for (let n = 0; n < namespaceCount; n += 1) {
    const ns = {
      id: id('ns_'),
      name: `tenant${n}`,
      display_name: `Tenant ${n}`,
      description: '',
      directory_id: randomBytes(16).toString('hex'),
      created_at: now,
    };
    namespaces.push(ns);
    for (let a = 0; a < 5; a += 1) {
      applications.push({
        namespace_id: ns.id,
        id: id('app_'),
        name: `app${a}`,
        homepage_url: null,
        logout_url: `https://tenant${n}.example.gov.sg/`,
        redirect_uris: JSON.stringify([`https://tenant${n}.example.gov.sg/cb${a}`]),
        is_public: 0,
        sign_in_enabled: 1,
        assignment_required: a % 2,
        implicit_grant: 0,
        backchannel_logout_uri: null,
        terms_version: 1,
        created_at: now,
        updated_at: now,
      });
    }
    for (let g = 0; g < 10; g += 1) groups.push({ namespace_id: ns.id, id: id('grp_'), name: `group${g}`, description: '', created_at: now });
  }
  const benchGroups = Array.from({ length: 10 }, (_, g) => ({
    namespace_id: benchNamespace,
    id: id('grp_'),
    name: `group${g}`,
    description: '',
    created_at: now,
  }));
  await db.transaction().execute(async (trx) => {
    await batch(trx, 'namespaces', namespaces, 1000);
    await batch(trx, 'applications', applications, 1000);
    await batch(
      trx,
      'application_secrets',
      applications.map((a) => ({
        namespace_id: a.namespace_id,
        id: id('sec_'),
        application_id: a.id,
        digest: randomBytes(32).toString('base64url'),
        hint: 'abcd',
        expires_at: now + 365 * 86_400_000,
        created_at: now,
      })),
      1000,
    );
    await batch(trx, 'groups', [...groups, ...benchGroups], 1000);
    const assigned = applications.flatMap((a, i) =>
      [groups[(i * 2) % groups.length], groups[(i * 2 + 1) % groups.length]]
        .filter((g) => g.namespace_id === a.namespace_id)
        .map((g) => ({ namespace_id: a.namespace_id, application_id: a.id, group_id: g.id, created_at: now })),
    );
    assigned.push(...benchGroups.map((g) => ({ namespace_id: benchNamespace, application_id: benchApp, group_id: g.id, created_at: now })));
    await batch(trx, 'application_group_assignments', assigned, 1000);
  });
  progress(`${namespaces.length} namespaces, ${applications.length} applications, ${groups.length + benchGroups.length} groups`);

  const started = Date.now();
  let lastReport = 0;
  const CHUNK = 5_000;
  for (let start = 0; start < users; start += CHUNK) {
    const userRows = [];
    const members = [];
    const terms = [];
    const direct = [];
    const factors = [];
    const identifiers = [];
    for (let i = start; i < Math.min(users, start + CHUNK); i += 1) {
      const vendor = i % 7 === 3;
      const userId = id('usr_');
      userRows.push({
        id: userId,
        email: email(i),
        username: vendor ? `vendor${i}` : null,
        given_name: `Given${i}`,
        family_name: `Family${i % 997}`,
        account_type: vendor ? 'vendor' : 'officer',
        status: 'active',
        platform_role: null,
        password_hash: passwordHash,
        password_changed_at: now,
        failed_sign_ins: 0,
        locked_at: null,
        mobile: null,
        agency: vendor ? null : `agency${i % 50}`,
        department: null,
        created_at: now,
        updated_at: now,
        status_changed_at: now,
        last_sign_in_at: null,
      });
      // As the repository writes them: every e-mail and username is one row of user_identifiers.
      identifiers.push({ identifier: email(i), user_id: userId, kind: 'email' });
      if (vendor) identifiers.push({ identifier: `vendor${i}`, user_id: userId, kind: 'username' });
      const first = randomInt(groups.length);
      const second = (first + 1 + randomInt(groups.length - 1)) % groups.length;
      for (const g of [groups[first], groups[second]])
        members.push({ namespace_id: g.namespace_id, group_id: g.id, user_id: userId, created_at: now });
      if (i % 10 === 0) {
        const g = benchGroups[randomInt(benchGroups.length)];
        members.push({ namespace_id: benchNamespace, group_id: g.id, user_id: userId, created_at: now });
      }
      if (i % 10 === 5) {
        const a = applications[randomInt(applications.length)];
        direct.push({ namespace_id: a.namespace_id, application_id: a.id, user_id: userId, created_at: now });
      }
      terms.push({ namespace_id: benchNamespace, application_id: benchApp, user_id: userId, version: 1, accepted_at: now });
      const factorId = id('fac_');
      factors.push({
        id: factorId,
        user_id: userId,
        kind: 'totp',
        label: 'Authenticator app',
        secret_sealed: masterKey.seal(totpSeed, `user_factors:${factorId}`),
        public_key: null,
        data: '{}',
        created_at: now,
        last_used_at: null,
        last_used_step: null,
      });
    }
    await db.transaction().execute(async (trx) => {
      await batch(trx, 'users', userRows, 1000);
      await batch(trx, 'user_identifiers', identifiers, 2000);
      await batch(trx, 'group_user_members', members, 2000);
      await batch(trx, 'terms_acceptances', terms, 2000);
      await batch(trx, 'application_user_assignments', direct, 2000);
      await batch(trx, 'user_factors', factors, 1000);
    });
    const done = Math.min(users, start + CHUNK);
    if (Date.now() - lastReport > 2000 || done === users) {
      lastReport = Date.now();
      const elapsed = (Date.now() - started) / 1000;
      const left = (elapsed / done) * (users - done);
      progress(
        `seeding users ${done.toLocaleString('en')}/${users.toLocaleString('en')} (${Math.round((100 * done) / users)}%), ${Math.round(elapsed)} s so far, ~${Math.round(left)} s left`,
      );
    }
  }
}
