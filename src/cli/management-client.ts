/**
 * How an administrative command reaches the management API (issue 19): one request
 * per command, whichever the mode.
 * - **remote**: `--server URL`; `--server` alone (the server `techpass login` signed in
 *   to last, remembered as the default); or, without `--server`, the environment's
 *   TECHPASS_SERVER. The server's `/api/v1` over HTTPS (http only to this machine) with
 *   the signed-in person's access token and role (remote-client.ts);
 * - **local** (none of those): the API in process (http/management-local.ts) on this
 *   machine's database, as the operator (`cli:<user>`), audited `via: operator`.
 *
 * A command builds the request and formats the answer; it never calls a flow itself,
 * so both modes run the same rules. A refusal (any non-2xx answer) throws a
 * CommandError with the API's code, message and first field.
 */
import { Option } from 'commander';
import type { FastifyInstance } from 'fastify';
import { MANAGEMENT_API } from '../contracts/management.js';
import { systemClock } from '../platform/clock.js';
import { cliActor, withStore, withStoreAndIssuer } from './commands/context.js';
import { managementDeps } from './management-deps.js';
import { chosenServer } from './credentials.js';
import type { ApiAnswer, ApiMethod, ApiRequest, ManagementClient } from './management-types.js';
import { CommandError } from './output.js';
import { remoteManagementClient } from './remote-client.js';

export type { ApiAnswer, ApiMethod, ApiRequest, ManagementClient } from './management-types.js';

export const serverOption = () =>
  new Option(
    '--server [url]',
    'work on this TechPass server through its API, as the person `techpass login` signed in; alone, the server signed in to last (default: TECHPASS_SERVER, else the local database as the operator)',
  );

/** The API's error answer as a CommandError (the CLI maps its field to a flag). */
export function refusalOf(status: number, body: unknown): CommandError {
  const error = (body as { error?: { code?: string; message?: string; fields?: string[] } } | null)?.error;
  if (error && typeof error === 'object' && error.code) {
    return new CommandError(error.message ?? `refused (${status})`, error.code, error.fields?.[0]);
  }
  return new CommandError(`the server answered ${status}`, 'command.failed');
}

export function queryString(query: ApiRequest['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

function localClient(app: FastifyInstance): ManagementClient {
  return {
    where: 'local',
    async call<T>(method: ApiMethod, path: string, request: ApiRequest = {}): Promise<ApiAnswer<T>> {
      const reply = await app.inject({
        method,
        url: `${MANAGEMENT_API}${path}${queryString(request.query)}`,
        headers: request.ifMatch ? { 'if-match': request.ifMatch } : {},
        ...(request.body === undefined ? {} : { payload: request.body as object }),
      });
      const body = reply.body ? (JSON.parse(reply.body) as unknown) : null;
      if (reply.statusCode >= 300) throw refusalOf(reply.statusCode, body);
      const etag = reply.headers.etag;
      return { status: reply.statusCode, body: body as T, etag: typeof etag === 'string' ? etag : undefined };
    },
  };
}

/** Remote mode: the server's API with the token `techpass login` stored for it. */
function remoteClient(server: string): Promise<ManagementClient> {
  return remoteManagementClient(server, { refusalOf, queryString });
}

/**
 * Runs `fn` with a client for the mode the options name, and closes what it opened.
 * `issuer`: the command's answer mails a link, so local mode uses the server's
 * PUBLIC_URL (`withStoreAndIssuer`, ADR 0005).
 */
export async function withManagementClient<T>(
  options: { server?: string | boolean | undefined },
  fn: (client: ManagementClient) => Promise<T>,
  local: { issuer?: boolean } = {},
): Promise<T> {
  const server = chosenServer(options.server);
  if (server !== null) return fn(await remoteClient(server));
  return (local.issuer ? withStoreAndIssuer : withStore)(async (store, cfg) => {
    // Loaded when a command uses it: the API's routes and flows add nothing to other commands' start-up.
    const { buildLocalManagementApi } = await import('../http/management-local.js');
    const app = await buildLocalManagementApi({ ...managementDeps(store, cfg, systemClock), operator: cliActor() });
    try {
      return await fn(localClient(app));
    } finally {
      await app.close();
    }
  });
}

/** Every page of a paged listing: `{ items, nextCursor }` answers followed to the end. */
export async function allApiPages<T>(client: ManagementClient, path: string, query: ApiRequest['query'] = {}): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.call<{ items: T[]; nextCursor: string | null }>('GET', path, { query: { ...query, limit: 200, cursor } });
    all.push(...page.body.items);
    cursor = page.body.nextCursor ?? undefined;
  } while (cursor);
  return all;
}
