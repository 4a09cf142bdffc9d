/**
 * The platform's own client, `techpass-cli` (flows/platform-cli.ts), is created the first
 * time anyone asks the provider for it (`techpass login` against this server): the
 * client directory the provider reads answers it after ensuring it, once, under a lock
 * every node shares. A server nobody logs in to from a terminal never gets it, so its
 * namespaces stay the ones its admins made until then.
 */
import { CLI_CLIENT_ID, ensurePlatformCli } from '../flows/platform-cli.js';
import type { ClientDirectory, ClientRecord } from '../domain/repositories.js';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { Store } from '../persistence/store.js';

export function withPlatformCli(store: Store, clock: Clock, logger: Logger): ClientDirectory {
  let ensuring: Promise<unknown> | null = null;
  const ensure = () =>
    (ensuring ??= store
      .withLock('platform-cli', () =>
        ensurePlatformCli({
          users: store.users,
          namespaces: store.namespaces,
          audit: store.audit,
          forNamespace: (id) => store.forNamespace(id),
          clock,
          transaction: (fn) => store.transaction((repos) => fn(repos)),
        }),
      )
      .catch((error: unknown) => logger.error({ err: error }, 'the TechPass CLI application could not be created'))
      .finally(() => {
        ensuring = null;
      }));
  return {
    findApplication: (clientId) => store.clients.findApplication(clientId),
    async findClient(clientId): Promise<ClientRecord | null> {
      const found = await store.clients.findClient(clientId);
      if (found || clientId !== CLI_CLIENT_ID) return found;
      await ensure();
      return store.clients.findClient(clientId, { fresh: true });
    },
  };
}
