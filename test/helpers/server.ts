/**
 * Starts the real TechPass server, in this process, on a free loopback port,
 * against a fresh database of the engine under test. `env` is what a CLI child
 * process needs to reach the same database.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../src/platform/config.js';
import { createLogger } from '../../src/platform/logger.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/cli/server.js';
import { freshDatabaseTarget, type DatabaseTarget } from './database.js';

export interface TestServer {
  url: string;
  issuer: string;
  config: Config;
  env: Record<string, string>;
  server: RunningServer;
  /** Every log line the server wrote, parsed. */
  logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export function databaseUrl(target: DatabaseTarget): string {
  return target.engine === 'sqlite' ? `sqlite:${target.file}` : target.url;
}

/** The environment of a TechPass node on `target`: a fresh data dir and master key unless given. */
export async function nodeEnv(target: DatabaseTarget, extra: Record<string, string> = {}, publicHost = '127.0.0.1'): Promise<Record<string, string>> {
  const port = await freePort();
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://${publicHost}:${port}`,
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'techpass-data-')),
    DATABASE_URL: databaseUrl(target),
    MASTER_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'info',
    ...extra,
  };
}

/**
 * `publicHost` is the host name in PUBLIC_URL: `localhost` where a browser needs
 * a host name rather than an IP address (WebAuthn's relying party id).
 */
export async function startTestServer(
  options: { target?: DatabaseTarget; env?: Record<string, string>; publicHost?: string; server?: Omit<ServerOptions, 'logger'> } = {},
): Promise<TestServer> {
  const target = options.target ?? (await freshDatabaseTarget());
  const env = await nodeEnv(target, options.env, options.publicHost);
  const config = loadConfig(env);
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const server = await startServer(config, { ...options.server, logger: createLogger(env.LOG_LEVEL ?? 'info', sink) });
  return {
    url: server.url,
    issuer: config.PUBLIC_URL,
    config,
    env,
    server,
    logs,
    close: () => server.close(),
  };
}
