/**
 * The processes under test: TechPass (`node bin/techpass.js serve`, compiled, production
 * mode, logs at warn), the vanilla oidc-provider baseline and the bare node:http server.
 * Each runs as a child process pinned to one core with `taskset`, the way
 * test/helpers/cli.ts starts a node (a trimmed environment, ready once /healthz answers).
 * Also reads a process's CPU time and resident memory from /proc.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.join(ROOT, 'bin', 'techpass.js');

/** A TCP port on 127.0.0.1 that was free a moment ago (as test/helpers/server.ts). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** The environment of a TechPass node (or CLI call) on the bench's database. */
export function techpassEnv(database, port) {
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: database.dataDir,
    DATABASE_URL: database.url,
    MASTER_KEY: database.masterKey,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    // Every virtual client signs in from 127.0.0.1, and a TOTP code refused as already used
    // (an earlier run in the same minute) counts as a failure of that address: the default 50
    // in 15 minutes would refuse every later sign-in of back-to-back runs.
    THROTTLE_FAILURES_PER_IP: '100000',
  };
}

/**
 * Starts `node <args>` pinned to `core`; resolves once `<url>/healthz` answers.
 * `stop()` ends it (SIGTERM, then SIGKILL) and waits for it to exit.
 */
export async function startPinned(name, args, env, { core, url, timeoutMs = 180_000 }) {
  const child = spawn('taskset', ['-c', String(core), process.execPath, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output = (output + d.toString()).slice(-20_000)));
  child.stderr.on('data', (d) => (output = (output + d.toString()).slice(-20_000)));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not start in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // taskset execs node, so the child's pid is the server's pid.
  return {
    name,
    url,
    pid: child.pid,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** User + system CPU seconds the process has used so far (/proc/<pid>/stat fields 14 and 15). */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Resident set size in MB (/proc/<pid>/status VmRSS). */
export function rssMb(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}
