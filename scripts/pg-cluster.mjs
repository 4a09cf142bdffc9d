// Throwaway PostgreSQL clusters for the test suite and the bench.
//
// Plain ESM JavaScript (types in pg-cluster.d.mts) so that both vitest
// (TypeScript) and plain `node` scripts can import it.
//
// A cluster lives in one temporary directory:
//   DIR/data          the data directory (initdb)
//   DIR/postgres.log  the server log (pg_ctl -l)
//   DIR/.s.PGSQL.N    the unix socket
// Port, listen address, socket directory and the test-only durability
// settings are written into DIR/data/postgresql.conf, so a bare
// `pg_ctl start` (see pgCtl) brings the server back on the same port.
//
// initdb and postgres refuse to run as root: as root everything runs as the
// `postgres` user (`runuser -u postgres -- …`) in a directory it owns.

import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { appendFile, chmod, chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const SUPERUSER = 'techpass';
const RUN_AS = 'postgres';

/**
 * Directory holding the PostgreSQL server binaries (initdb, pg_ctl,
 * postgres), or null when they are not installed.
 * Order: $TECHPASS_PG_BIN, the newest /usr/lib/postgresql/<version>/bin
 * (Debian), then the directory of `pg_ctl` on PATH (if `initdb` and
 * `postgres` sit next to it).
 * @returns {string | null}
 */
export function findPostgresBin() {
  const hasServer = (dir) => ['initdb', 'pg_ctl', 'postgres'].every((name) => isExecutable(join(dir, name)));

  const fromEnv = process.env.TECHPASS_PG_BIN;
  if (fromEnv) {
    if (!hasServer(fromEnv)) {
      throw new Error(`TECHPASS_PG_BIN=${fromEnv} does not contain initdb, pg_ctl and postgres`);
    }
    return fromEnv;
  }

  const debianRoot = '/usr/lib/postgresql';
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const dir = join(debianRoot, version, 'bin');
      if (hasServer(dir)) return dir;
    }
  }

  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && hasServer(dir)) return dir;
  }
  return null;
}

/** How to get the binaries, for error messages. */
export const INSTALL_HINT = 'install the PostgreSQL server (Debian/Ubuntu: `apt-get install postgresql`) or set TECHPASS_PG_BIN';

function isExecutable(file) {
  try {
    const st = statSync(file);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

function requireBin() {
  const bin = findPostgresBin();
  if (!bin) throw new Error(`PostgreSQL server binaries not found: ${INSTALL_HINT}`);
  return bin;
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Command line for a PostgreSQL binary, as the `postgres` user when we are root. */
function command(bin, program, args) {
  const exe = join(bin, program);
  return isRoot() ? ['runuser', ['-u', RUN_AS, '--', exe, ...args]] : [exe, args];
}

function run(bin, program, args, cwd) {
  const [file, argv] = command(bin, program, args);
  return new Promise((resolve, reject) => {
    // cwd: a directory the postgres user can enter (not /root/…).
    execFile(file, argv, { cwd, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const detail = [stderr, stdout]
          .filter((s) => s && s.trim())
          .join('\n')
          .trim();
        reject(new Error(`${program} ${args.join(' ')} failed: ${error.message}${detail ? `\n${detail}` : ''}`));
      } else {
        resolve(stdout);
      }
    });
  });
}

function runSync(bin, program, args, cwd) {
  const [file, argv] = command(bin, program, args);
  return spawnSync(file, argv, { cwd, stdio: 'ignore', timeout: 30_000 });
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function dataDir(dir) {
  return join(dir, 'data');
}

function logFile(dir) {
  return join(dir, 'postgres.log');
}

function isRunning(dir) {
  return existsSync(join(dataDir(dir), 'postmaster.pid'));
}

async function logTail(dir) {
  try {
    const text = await readFile(logFile(dir), 'utf8');
    return text.split('\n').slice(-30).join('\n');
  } catch {
    return '';
  }
}

function baseUrl(port) {
  return `postgres://${SUPERUSER}@127.0.0.1:${port}/postgres`;
}

function confQuote(value) {
  return `'${String(value).replace(/'/g, "''")}'`;
}

/** Clusters started by this process and not yet stopped: dir -> bin. */
const live = new Map();
let exitHookInstalled = false;

function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort when a caller forgot stop() or the process exits early:
  // synchronous, so it works from the 'exit' event.
  process.on('exit', () => {
    for (const [dir, bin] of live) {
      if (isRunning(dir)) runSync(bin, 'pg_ctl', ['-D', dataDir(dir), '-m', 'immediate', '-w', 'stop'], dir);
      rmSync(dir, { recursive: true, force: true });
    }
    live.clear();
  });
}

/**
 * Start or stop the server of an existing cluster directory (the `dir` that
 * startCluster returned), keeping its data and its port. Stopping an
 * already stopped server, or starting a running one, is a no-op.
 * @param {string} dir
 * @param {'start' | 'stop'} action
 * @returns {Promise<void>}
 */
export async function pgCtl(dir, action) {
  const bin = live.get(dir) ?? requireBin();
  if (action === 'stop') {
    if (!isRunning(dir)) return;
    await run(bin, 'pg_ctl', ['-D', dataDir(dir), '-m', 'fast', '-w', '-t', '60', 'stop'], dir);
  } else if (action === 'start') {
    if (isRunning(dir)) return;
    try {
      await run(bin, 'pg_ctl', ['-D', dataDir(dir), '-l', logFile(dir), '-w', '-t', '60', 'start'], dir);
    } catch (error) {
      const tail = await logTail(dir);
      throw new Error(`${error instanceof Error ? error.message : String(error)}${tail ? `\n--- ${logFile(dir)} ---\n${tail}` : ''}`);
    }
  } else {
    throw new Error(`pgCtl: unknown action ${String(action)}`);
  }
}

/**
 * Create a cluster in a fresh temporary directory and start it on
 * 127.0.0.1 (a random free port unless `port` is given). The superuser is
 * `techpass`, authentication is `trust`, durability is off (tests only).
 * `url` points at the `postgres` maintenance database; use createDatabase
 * for more. stop() stops the server and removes the directory.
 * @param {{ port?: number, parentDir?: string, maxConnections?: number }} [options]
 */
export async function startCluster(options = {}) {
  const bin = requireBin();
  const root = isRoot();
  const parent = options.parentDir ?? tmpdir();
  const dir = await mkdtemp(join(parent, 'techpass-pg-'));
  live.set(dir, bin);
  installExitHook();

  try {
    if (root) {
      const ids = spawnSync('id', ['-u', RUN_AS], { encoding: 'utf8' });
      const uid = Number(ids.stdout?.trim());
      const gids = spawnSync('id', ['-g', RUN_AS], { encoding: 'utf8' });
      const gid = Number(gids.stdout?.trim());
      if (ids.status !== 0 || !Number.isInteger(uid) || !Number.isInteger(gid)) {
        throw new Error(`running as root, but there is no '${RUN_AS}' user to run PostgreSQL as (${INSTALL_HINT})`);
      }
      await chown(dir, uid, gid);
    }
    await chmod(dir, 0o700);

    await run(
      bin,
      'initdb',
      ['-D', dataDir(dir), '-A', 'trust', '-U', SUPERUSER, '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions'],
      dir,
    );

    const settings = [
      '',
      '# techpass test cluster',
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = ${confQuote(dir)}`,
      `max_connections = ${options.maxConnections ?? 300}`,
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      `shared_buffers = '64MB'`,
      'log_min_messages = warning',
      '',
    ].join('\n');
    await appendFile(join(dataDir(dir), 'postgresql.conf'), settings);

    // A port found free can be taken before postgres binds it: retry with
    // another one unless the caller asked for a specific port.
    const attempts = options.port ? 1 : 5;
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = options.port ?? (await freePort());
      // Later lines win: each attempt overrides the previous port.
      await appendFile(join(dataDir(dir), 'postgresql.conf'), `port = ${port}\n`);
      try {
        await pgCtl(dir, 'start');
        break;
      } catch (error) {
        if (attempt >= attempts) throw error;
      }
    }

    const cluster = {
      url: baseUrl(port),
      port,
      dir,
      async stop() {
        if (!live.has(dir) && !existsSync(dir)) return;
        try {
          await pgCtl(dir, 'stop');
        } finally {
          live.delete(dir);
          await rm(dir, { recursive: true, force: true });
        }
      },
    };
    return cluster;
  } catch (error) {
    if (isRunning(dir)) runSync(bin, 'pg_ctl', ['-D', dataDir(dir), '-m', 'immediate', '-w', 'stop'], dir);
    live.delete(dir);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Stop and remove a cluster by its directory (same as cluster.stop()).
 * @param {string} dir
 */
export async function stopCluster(dir) {
  try {
    if (existsSync(dir)) await pgCtl(dir, 'stop');
  } finally {
    live.delete(dir);
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Safety net: stop every cluster whose directory lies directly under
 * `parentDir` (for example clusters a test started and never stopped,
 * possibly from another process). Synchronous, returns how many it stopped.
 * Does not remove the directories.
 * @param {string} parentDir
 * @returns {number}
 */
export function stopClustersUnder(parentDir) {
  if (!existsSync(parentDir)) return 0;
  let stopped = 0;
  for (const name of readdirSync(parentDir)) {
    const dir = join(parentDir, name);
    if (!name.startsWith('techpass-pg-') || !isRunning(dir)) continue;
    const bin = live.get(dir) ?? findPostgresBin();
    if (!bin) continue;
    runSync(bin, 'pg_ctl', ['-D', dataDir(dir), '-m', 'immediate', '-w', 'stop'], dir);
    live.delete(dir);
    stopped++;
  }
  return stopped;
}

/**
 * CREATE DATABASE `name` on the server of `baseUrl`; returns the new
 * database's URL (baseUrl with the database name replaced).
 * @param {string} baseUrl
 * @param {string} name
 * @returns {Promise<string>}
 */
export async function createDatabase(baseUrl, name) {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`createDatabase: invalid database name ${JSON.stringify(name)}`);
  }
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

// `node scripts/pg-cluster.mjs`: start a cluster, print its URL, stop it on
// Ctrl-C (handy for poking at the schema by hand).
if (import.meta.url === `file://${process.argv[1]}`) {
  const cluster = await startCluster();
  console.log(`PostgreSQL ready: ${cluster.url}  (dir ${cluster.dir}); Ctrl-C to stop`);
  const shutdown = () => {
    cluster.stop().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  setInterval(() => {}, 1 << 30);
}

/**
 * The server log of a cluster directory ('' if there is none yet), for
 * diagnosing a failed test.
 * @param {string} dir
 * @returns {string}
 */
export function readClusterLog(dir) {
  try {
    return readFileSync(logFile(dir), 'utf8');
  } catch {
    return '';
  }
}
