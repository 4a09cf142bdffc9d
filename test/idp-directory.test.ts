/**
 * The provider registry behind the CLI: secrets sealed at rest, changes reaching
 * every node's directory (the sign-in flow's view) within KEY_REFRESH_SECONDS,
 * updates that check discovery again, links that go with an issuer change or a
 * removal, and the federated identity links' uniqueness, on both engines.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUserId } from '../src/domain/ids.js';
import { setIdentityProviderEnabled } from '../src/flows/identity-providers.js';
import { identityProviderDeps } from '../src/cli/commands/idp-options.js';
import { openDatabase } from '../src/persistence/database.js';
import { runCli } from './helpers/cli.js';
import { engine, freshDatabaseTarget, type DatabaseTarget } from './helpers/database.js';
import { startDiscoveryServer, type DiscoveryServer } from './helpers/discovery-server.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const REFRESH_SECONDS = 1;
/** How long a change made by another process may take to reach a node (SQLite: its commit counter; PostgreSQL: the refresh). */
const SEEN_WITHIN_MS = engine === 'sqlite' ? 500 : REFRESH_SECONDS * 1000 + 1500;
const SECRET = 'upstream-secret-that-must-stay-sealed-7f3a';

describe(`identity provider directory across nodes (${engine})`, () => {
  let target: DatabaseTarget;
  let nodeA: TestServer;
  let nodeB: TestServer;
  let upstream: DiscoveryServer;

  /** The CLI as an operator runs it, with the settings of the node that started last (its PUBLIC_URL is the one recorded). */
  const cliEnv = () => nodeB.env;
  const cli = async (args: string[]) => {
    const res = await runCli([...args, '--json'], cliEnv());
    expect(res.code, res.stderr).toBe(0);
    return res.json as Record<string, unknown>;
  };
  const addProvider = (name: string, issuer: string, domains: string) =>
    cli([
      'idp',
      'add',
      '--name',
      name,
      '--display-name',
      name,
      '--issuer',
      issuer,
      '--client-id',
      `${name}-client`,
      '--client-secret',
      SECRET,
      '--domains',
      domains,
    ]);
  const createUser = async (email: string) =>
    asUserId(
      (await cli(['user', 'create', '--email', email, '--given-name', 'Test', '--family-name', 'Officer', '--password', 'Correct-Horse-Battery-9']))
        .id as string,
    );

  /** Retries until `check` holds or `withinMs` passes; answers how long it took, or null. */
  const seenWithin = async (withinMs: number, check: () => Promise<boolean>): Promise<number | null> => {
    const started = Date.now();
    for (;;) {
      if (await check()) return Date.now() - started;
      if (Date.now() - started > withinMs) return null;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  beforeAll(async () => {
    upstream = await startDiscoveryServer();
    target = await freshDatabaseTarget();
    const env = { MASTER_KEY: randomBytes(32).toString('hex'), OUTBOUND_ALLOW_PRIVATE: 'true', KEY_REFRESH_SECONDS: String(REFRESH_SECONDS) };
    nodeA = await startTestServer({ target, env });
    nodeB = await startTestServer({ target, env });
  });
  afterAll(async () => {
    await nodeA?.close();
    await nodeB?.close();
    await upstream?.close();
  });

  it('keeps the client secret sealed: not in the stored row (nor, on SQLite, anywhere in the database files)', async () => {
    await addProvider('sealed', upstream.issuer('good'), 'sealed.example.sg');
    const db = openDatabase(target);
    try {
      const rows = await sql<Record<string, unknown>>`select * from identity_providers where name = 'sealed'`.execute(db.db);
      expect(rows.rows).toHaveLength(1);
      const row = JSON.stringify(rows.rows[0]);
      expect(row).not.toContain(SECRET);
      expect(String(rows.rows[0]!.credentials_sealed)).toMatch(/^v1\./);
    } finally {
      await db.close();
    }
    if (target.engine === 'sqlite') {
      for (const file of [target.file, `${target.file}-wal`]) {
        expect(readFileSync(file).includes(Buffer.from(SECRET)), file).toBe(false);
      }
    }
    // Opened only for sign-in, with the master key every node shares; never when serialised.
    const provider = await nodeB.server.store.upstreamProviders.byName('sealed');
    expect(provider?.clientCredentials()).toEqual({ method: 'client_secret', clientSecret: SECRET });
    expect(JSON.stringify(provider)).not.toContain(SECRET);
  });

  it(`sees a provider added, disabled and removed by another process ${engine === 'sqlite' ? 'at once' : 'within KEY_REFRESH_SECONDS'}, on every node`, async () => {
    const email = 'jane_tan@tech.agency.gov.sg';
    for (const node of [nodeA, nodeB]) expect(await node.server.store.upstreamProviders.forEmail(email)).toBeNull();
    await addProvider('agency', upstream.issuer('good'), '*.agency.gov.sg');
    for (const node of [nodeA, nodeB]) {
      expect(
        await seenWithin(SEEN_WITHIN_MS, async () => (await node.server.store.upstreamProviders.forEmail(email))?.name === 'agency'),
      ).not.toBeNull();
    }
    await cli(['idp', 'disable', '--name', 'agency']);
    for (const node of [nodeA, nodeB]) {
      expect(await seenWithin(SEEN_WITHIN_MS, async () => (await node.server.store.upstreamProviders.forEmail(email)) === null)).not.toBeNull();
      expect(await node.server.store.upstreamProviders.byName('agency')).toBeNull();
      // A disabled provider still claims its domain: sign-in can say so instead of asking for a password.
      expect(await node.server.store.upstreamProviders.claimedBy(email)).toMatchObject({ name: 'agency', enabled: false });
    }
    await cli(['idp', 'remove', '--name', 'agency']);
    for (const node of [nodeA, nodeB]) {
      expect(await seenWithin(SEEN_WITHIN_MS, async () => (await node.server.store.upstreamProviders.claimedBy(email)) === null)).not.toBeNull();
    }
  });

  it('sees a change made on this node at once, and on the other node within KEY_REFRESH_SECONDS', async () => {
    await addProvider('flip', upstream.issuer('good'), 'flip.example.sg');
    const email = 'a@flip.example.sg';
    for (const node of [nodeA, nodeB]) {
      expect(await seenWithin(SEEN_WITHIN_MS, async () => (await node.server.store.upstreamProviders.forEmail(email)) !== null)).not.toBeNull();
    }
    const result = await setIdentityProviderEnabled(identityProviderDeps(nodeA.server.store, nodeA.config), 'test', 'flip', false);
    expect(result).toMatchObject({ ok: true, value: { changed: true } });
    expect(await nodeA.server.store.upstreamProviders.forEmail(email)).toBeNull();
    const took = await seenWithin(REFRESH_SECONDS * 1000 + 1500, async () => (await nodeB.server.store.upstreamProviders.forEmail(email)) === null);
    expect(took).not.toBeNull();
  });

  it('checks discovery again on every update, and refuses an update whose document broke, changing nothing', async () => {
    await addProvider('recheck', upstream.issuer('other'), 'recheck.example.sg');
    const before = upstream.hits.get('other') ?? 0;
    const updated = await cli([
      'idp',
      'update',
      '--name',
      'recheck',
      '--display-name',
      'Rechecked',
      '--domains',
      'recheck.example.sg,*.recheck.example.sg',
      '--end-session',
    ]);
    expect(updated).toMatchObject({
      displayName: 'Rechecked',
      domains: ['recheck.example.sg', '*.recheck.example.sg'],
      endSession: true,
      unlinked: 0,
    });
    expect(upstream.hits.get('other')).toBe(before + 1);
    const stored = await nodeA.server.store.identityProviders.findByName('recheck');
    const refused = await runCli(['idp', 'update', '--name', 'recheck', '--issuer', upstream.issuer('broken'), '--json'], cliEnv());
    expect(refused.code).toBe(1);
    expect(refused.json).toMatchObject({ error: 'idp.discovery_unreachable' });
    expect(await nodeA.server.store.identityProviders.findByName('recheck')).toEqual(stored);
    const nothing = await runCli(['idp', 'update', '--name', 'recheck', '--json'], cliEnv());
    expect(nothing.json).toMatchObject({ error: 'input.invalid', field: 'changes' });
  });

  it('replaces the secret on update without showing it, and audits that it did', async () => {
    const res = await runCli(['idp', 'update', '--name', 'recheck', '--client-secret', 'a-new-upstream-secret-1234', '--json'], cliEnv());
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).not.toContain('a-new-upstream-secret-1234');
    const provider = await nodeA.server.store.upstreamProviders.byName('recheck');
    expect(provider?.clientCredentials()).toEqual({ method: 'client_secret', clientSecret: 'a-new-upstream-secret-1234' });
    const events = await nodeA.server.store.audit.list({ targetId: provider!.id });
    expect(events.map((e) => e.action)).toEqual(['identity_provider.added', 'identity_provider.updated', 'identity_provider.updated']);
    expect(events[2]!.data).toMatchObject({ credentialsReplaced: true, changes: { clientAuth: 'client_secret' } });
    expect(JSON.stringify(events)).not.toContain('a-new-upstream-secret');
  });

  it('links an upstream identity to one account, and an account once per provider', async () => {
    const store = nodeA.server.store;
    const provider = (await store.identityProviders.findByName('recheck'))!;
    const [ann, ben] = [await createUser('ann@recheck.example.sg'), await createUser('ben@recheck.example.sg')];
    const link = { providerId: provider.id, issuer: provider.issuer, subject: 'upstream-ann', userId: ann };
    expect(await store.federatedIdentities.link(link)).toMatchObject({ ok: true, value: { subject: 'upstream-ann', userId: ann, lastUsedAt: null } });
    expect(await store.federatedIdentities.link({ ...link, userId: ben })).toEqual({ ok: false, conflict: 'subject' });
    expect(await store.federatedIdentities.link({ ...link, subject: 'upstream-ann-2' })).toEqual({ ok: false, conflict: 'user' });
    // A refused link leaves the caller's transaction usable (PostgreSQL would otherwise abort it).
    const inTransaction = await store.transaction(async (tx) => {
      const refused = await tx.federatedIdentities.link({ ...link, userId: ben });
      return { refused, after: await tx.federatedIdentities.link({ ...link, subject: 'upstream-ben', userId: ben }) };
    });
    expect(inTransaction).toMatchObject({ refused: { ok: false, conflict: 'subject' }, after: { ok: true } });
    await store.federatedIdentities.touch(provider.issuer, 'upstream-ann');
    expect((await store.federatedIdentities.find(provider.issuer, 'upstream-ann'))?.lastUsedAt).toEqual(expect.any(Number));
    expect((await store.federatedIdentities.ofUser(ben)).map((l) => l.subject)).toEqual(['upstream-ben']);
    expect(await store.federatedIdentities.find('https://another.issuer', 'upstream-ann')).toBeNull();
  });

  it('unlinks every account when the issuer or the subject claim changes, and when the provider is removed, and audits how many', async () => {
    const store = nodeA.server.store;
    const moved = await cli(['idp', 'update', '--name', 'recheck', '--issuer', upstream.issuer('good')]);
    expect(moved).toMatchObject({ issuer: upstream.issuer('good'), unlinked: 2 });
    const provider = (await store.identityProviders.findByName('recheck'))!;
    const ann = (await store.users.findByLogin('ann@recheck.example.sg'))!.id;
    expect(await store.federatedIdentities.ofUser(ann)).toEqual([]);
    await store.federatedIdentities.link({ providerId: provider.id, issuer: provider.issuer, subject: 'by-sub', userId: ann });
    expect(await cli(['idp', 'update', '--name', 'recheck', '--display-name', 'Same subject'])).toMatchObject({ unlinked: 0 });
    expect(await cli(['idp', 'update', '--name', 'recheck', '--claim', 'subject=oid'])).toMatchObject({ claims: { subject: 'oid' }, unlinked: 1 });
    await store.federatedIdentities.link({ providerId: provider.id, issuer: provider.issuer, subject: 'again', userId: ann });
    expect(await cli(['idp', 'remove', '--name', 'recheck'])).toEqual({ name: 'recheck', removed: true, unlinked: 1 });
    expect(await store.federatedIdentities.find(provider.issuer, 'again')).toBeNull();
    expect(await store.users.findByLogin('ann@recheck.example.sg')).not.toBeNull();
    const [removed] = (await store.audit.list({ targetId: provider.id })).slice(-1);
    expect(removed).toMatchObject({ action: 'identity_provider.removed', data: { name: 'recheck', unlinked: 1 } });
    expect((await store.audit.verify()).ok).toBe(true);
  });
});
