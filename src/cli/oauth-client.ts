/**
 * The CLI as an OAuth client of a TechPass server (issue 19): the device authorization
 * grant (RFC 8628) for `techpass login`, the refresh of its access token, and revocation
 * for `techpass logout`. The client is the platform's public application `techpass-cli`
 * (flows/platform-cli.ts); tokens are for the management API, resource `<server>/api`.
 */
import { CommandError } from './output.js';
import { updateServer, type ServerCredentials } from './credentials.js';

export const CLI_CLIENT_ID = 'techpass-cli';
const SCOPE = 'openid offline_access api';
/** Refresh this long before the access token expires, so a request does not race its expiry. */
const EXPIRY_MARGIN_MS = 30_000;

export interface ServerMetadata {
  device_authorization_endpoint?: string;
  token_endpoint: string;
  revocation_endpoint?: string;
}

export interface DeviceStart {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete?: string;
  expires_in: number;
  interval?: number;
}

export interface TokenAnswer {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
}

const resourceOf = (server: string) => `${server}/api`;

async function form(url: string, fields: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(fields),
    });
  } catch (error) {
    throw unreachable(url, error);
  }
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    // not JSON: the status says what happened
  }
  return { status: res.status, body };
}

export function unreachable(url: string, error: unknown): CommandError {
  const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error instanceof Error ? error.message : String(error));
  return new CommandError(`${new URL(url).origin} could not be reached (${cause})`, 'server.unreachable', 'server');
}

export async function discover(server: string): Promise<ServerMetadata> {
  let res: Response;
  try {
    res = await fetch(`${server}/.well-known/openid-configuration`, { headers: { accept: 'application/json' } });
  } catch (error) {
    throw unreachable(server, error);
  }
  if (!res.ok) throw new CommandError(`${server} is not a TechPass server (discovery answered ${res.status})`, 'server.invalid', 'server');
  return (await res.json()) as ServerMetadata;
}

export async function startDeviceAuthorization(server: string, metadata: ServerMetadata): Promise<DeviceStart> {
  if (!metadata.device_authorization_endpoint) {
    throw new CommandError(
      `${server} does not offer the device authorization grant (a TechPass server too old for \`techpass login\`)`,
      'server.invalid',
      'server',
    );
  }
  const answer = await form(metadata.device_authorization_endpoint, { client_id: CLI_CLIENT_ID, scope: SCOPE, resource: resourceOf(server) });
  if (answer.status !== 200) {
    throw new CommandError(
      `${server} refused to start a sign-in: ${String(answer.body.error_description ?? answer.body.error ?? answer.status)}`,
      'login.refused',
    );
  }
  return answer.body as unknown as DeviceStart;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls the token endpoint as RFC 8628 §3.4–3.5 says: every `interval` seconds (5 when
 * none is given), 5 seconds more at each `slow_down`; `authorization_pending` waits,
 * `access_denied` and `expired_token` end with their own message.
 */
export async function pollForTokens(metadata: ServerMetadata, server: string, start: DeviceStart): Promise<TokenAnswer> {
  let interval = (start.interval ?? 5) * 1000;
  const deadline = Date.now() + start.expires_in * 1000;
  for (;;) {
    await sleep(interval);
    const answer = await form(metadata.token_endpoint, {
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      device_code: start.device_code,
      client_id: CLI_CLIENT_ID,
    });
    if (answer.status === 200) return answer.body as unknown as TokenAnswer;
    const error = String(answer.body.error ?? '');
    if (error === 'authorization_pending' && Date.now() < deadline + interval) continue;
    if (error === 'slow_down') {
      interval += 5000;
      continue;
    }
    if (error === 'access_denied') throw new CommandError('the sign-in was refused in the browser', 'login.denied');
    if (error === 'expired_token' || error === 'authorization_pending') {
      throw new CommandError('the code expired before the sign-in was approved: run `techpass login` again', 'login.expired');
    }
    throw new CommandError(`${server} refused the sign-in: ${String(answer.body.error_description ?? error ?? answer.status)}`, 'login.refused');
  }
}

export function credentialsFrom(
  tokens: TokenAnswer,
  metadata: ServerMetadata,
  email: string | null,
  previous?: ServerCredentials,
): ServerCredentials {
  return {
    clientId: CLI_CLIENT_ID,
    accessToken: tokens.access_token,
    // Refresh tokens rotate: the new one replaces the old; none answered keeps the old.
    refreshToken: tokens.refresh_token ?? previous?.refreshToken ?? null,
    expiresAt: Date.now() + tokens.expires_in * 1000,
    tokenEndpoint: metadata.token_endpoint,
    revocationEndpoint: metadata.revocation_endpoint ?? null,
    email,
  };
}

export const needsRefresh = (entry: ServerCredentials) => entry.expiresAt - EXPIRY_MARGIN_MS <= Date.now();

const loginAgain = (server: string, why: string) => new CommandError(`${why}: run \`techpass login --server ${server}\``, 'login.required', 'server');

/** A new access token from the refresh token; stored at once (the old refresh token is spent). */
export async function refresh(server: string, entry: ServerCredentials): Promise<ServerCredentials> {
  if (!entry.refreshToken) throw loginAgain(server, `the sign-in to ${server} has expired`);
  const answer = await form(entry.tokenEndpoint, {
    grant_type: 'refresh_token',
    refresh_token: entry.refreshToken,
    client_id: entry.clientId,
    resource: resourceOf(server),
  });
  if (answer.status !== 200) {
    // The refresh token is spent or revoked: it is no use any more.
    updateServer(server, { ...entry, refreshToken: null, expiresAt: 0 });
    throw loginAgain(server, `the sign-in to ${server} has ended (${String(answer.body.error ?? answer.status)})`);
  }
  const next = credentialsFrom(
    answer.body as unknown as TokenAnswer,
    { token_endpoint: entry.tokenEndpoint, ...(entry.revocationEndpoint ? { revocation_endpoint: entry.revocationEndpoint } : {}) },
    entry.email,
    entry,
  );
  updateServer(server, next);
  return next;
}

/**
 * Revokes the refresh token at the server, so no new access token comes from it; best
 * effort (false when the server could not be told). The access token is a JWT the API
 * checks on its own: it lives out its few minutes (ACCESS_TOKEN_TTL) and is forgotten here.
 */
export async function revoke(entry: ServerCredentials): Promise<boolean> {
  if (!entry.revocationEndpoint || !entry.refreshToken) return false;
  try {
    const answer = await form(entry.revocationEndpoint, { token: entry.refreshToken, token_type_hint: 'refresh_token', client_id: entry.clientId });
    return answer.status === 200;
  } catch {
    return false;
  }
}
