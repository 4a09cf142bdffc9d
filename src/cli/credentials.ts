/**
 * Where `techpass login` keeps what it got: one file, readable by its owner only (0600,
 * in a 0700 directory), `$TECHPASS_CONFIG_DIR/credentials.json`, else
 * `$XDG_CONFIG_HOME/techpass/credentials.json`, else `~/.config/techpass/credentials.json`.
 * One entry per server (its URL), and the last server signed in to remembered as the
 * default. Written whole to a temporary file, then renamed: never half a file.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { CommandError } from './output.js';

export interface ServerCredentials {
  clientId: string;
  accessToken: string;
  refreshToken: string | null;
  /** When the access token expires (ms since the epoch). */
  expiresAt: number;
  tokenEndpoint: string;
  revocationEndpoint: string | null;
  /** Who signed in (from /api/v1/me), for `whoami` and messages. */
  email: string | null;
}

export interface CredentialsFile {
  default: string | null;
  servers: Record<string, ServerCredentials>;
}

export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.TECHPASS_CONFIG_DIR || path.join(env.XDG_CONFIG_HOME || path.join(homedir(), '.config'), 'techpass');
  return path.join(dir, 'credentials.json');
}

export function readCredentials(file = credentialsPath()): CredentialsFile {
  if (!existsSync(file)) return { default: null, servers: {} };
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<CredentialsFile>;
    return { default: parsed.default ?? null, servers: parsed.servers ?? {} };
  } catch {
    throw new CommandError(`${file} is not readable JSON: remove it and run \`techpass login\` again`, 'login.credentials_invalid');
  }
}

export function writeCredentials(content: CredentialsFile, file = credentialsPath()): void {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}

/** Changes one server's entry (null: forgets it), keeping the rest. */
export function updateServer(server: string, entry: ServerCredentials | null, options: { makeDefault?: boolean } = {}): CredentialsFile {
  const content = readCredentials();
  if (entry) content.servers[server] = entry;
  else delete content.servers[server];
  if (options.makeDefault && entry) content.default = server;
  if (!entry && content.default === server) content.default = Object.keys(content.servers)[0] ?? null;
  writeCredentials(content);
  return content;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * A server's URL as entries are keyed: its origin and path, without a trailing slash.
 * https, or http to a loopback host only (tokens never cross a network in the clear).
 */
export function normaliseServer(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CommandError(
      `--server must be a URL such as https://techpass.example.gov.sg (got ${JSON.stringify(value)})`,
      'input.invalid',
      'server',
    );
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname))) {
    throw new CommandError(
      `--server must use https:// (http:// only for this machine: localhost, 127.0.0.1, [::1]); got ${value}`,
      'input.invalid',
      'server',
    );
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new CommandError('--server is the server URL alone, without query, fragment or credentials', 'input.invalid', 'server');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * The server a command works on: `--server URL`; `--server` alone, the default
 * `techpass login` remembered; else TECHPASS_SERVER; else none (local mode).
 */
export function chosenServer(option: string | boolean | undefined, env: NodeJS.ProcessEnv = process.env): string | null {
  if (typeof option === 'string') return normaliseServer(option);
  if (option === true) {
    const remembered = readCredentials().default;
    if (!remembered) throw new CommandError('no server is remembered: run `techpass login --server URL` first', 'login.required', 'server');
    return remembered;
  }
  if (env.TECHPASS_SERVER) return normaliseServer(env.TECHPASS_SERVER);
  return null;
}
