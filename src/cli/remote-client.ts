/**
 * Remote mode of the management client (`--server`): the server's `/api/v1` over
 * HTTPS (or http to this machine) with the access token `techpass login` stored for
 * it. An access token about to expire is refreshed first; a 401 is answered by one
 * refresh and one retry. Refusals come back as the API's error (`refusalOf`).
 */
import { MANAGEMENT_API } from '../contracts/management.js';
import { readCredentials } from './credentials.js';
import type { ApiAnswer, ApiMethod, ApiRequest, ManagementClient } from './management-types.js';
import { needsRefresh, refresh, unreachable } from './oauth-client.js';
import { CommandError } from './output.js';

export interface RemoteDeps {
  refusalOf(status: number, body: unknown): CommandError;
  queryString(query: ApiRequest['query']): string;
}

export async function remoteManagementClient(server: string, deps: RemoteDeps): Promise<ManagementClient> {
  let entry = readCredentials().servers[server];
  if (!entry) throw new CommandError(`not signed in to ${server}: run \`techpass login --server ${server}\``, 'login.required', 'server');
  if (needsRefresh(entry)) entry = await refresh(server, entry);

  const send = async (method: ApiMethod, url: string, request: ApiRequest, token: string) => {
    try {
      return await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(request.ifMatch ? { 'if-match': request.ifMatch } : {}),
        },
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      });
    } catch (error) {
      throw unreachable(url, error);
    }
  };

  return {
    where: server,
    async call<T>(method: ApiMethod, path: string, request: ApiRequest = {}): Promise<ApiAnswer<T>> {
      const url = `${server}${MANAGEMENT_API}${path}${deps.queryString(request.query)}`;
      let res = await send(method, url, request, entry!.accessToken);
      if (res.status === 401) {
        await res.arrayBuffer();
        entry = await refresh(server, entry!);
        res = await send(method, url, request, entry.accessToken);
      }
      const text = await res.text();
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        throw new CommandError(`${server} answered ${res.status} without JSON: is it a TechPass server?`, 'server.invalid', 'server');
      }
      if (res.status >= 300) throw deps.refusalOf(res.status, body);
      return { status: res.status, body: body as T, etag: res.headers.get('etag') ?? undefined };
    },
  };
}
