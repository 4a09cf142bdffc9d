/**
 * A per-node cache of what the provider reads on every token, introspection and
 * sign-in request: client records (the application, its secret digests and
 * certificates) by client id, and namespaces by id (DESIGN.md §5: "clients, keys
 * and policies are cached with invalidation that reaches every node within seconds").
 *
 * The entries are valid for one value of the directory's fingerprint (a value that
 * changes with every write to applications, secrets or certificates, see
 * applications.ts), read again as cache-freshness.ts says: every `refreshMs`, at
 * once after another process commits (SQLite), and after this node's own writes.
 *
 * Only what exists is cached (an unknown client id is asked for every time, so an
 * application created elsewhere is usable at once), and a load that started before
 * the entries were dropped is not kept. `findClient(id, { fresh: true })` reads past
 * the cache and stores what it read: the provider uses it when a presented secret
 * matches no cached digest, so a secret added on another node works at once.
 * Namespaces never change once created, so they stay until the next drop.
 */
import type { Application, Namespace } from '../domain/directory.js';
import type { NamespaceId } from '../domain/ids.js';
import type { ClientDirectory, ClientRecord, NamespaceRepository } from '../domain/repositories.js';
import { cacheFreshness, type FingerprintSource } from './cache-freshness.js';

export interface CachedClientDirectory extends ClientDirectory {
  findClient(clientId: string, options?: { fresh?: boolean }): Promise<ClientRecord | null>;
}

export interface DirectoryCache {
  readonly clients: CachedClientDirectory;
  findNamespace(id: NamespaceId): Promise<Namespace | null>;
  /** Called after each write this node makes to applications, secrets or certificates. */
  changed(): void;
}

/** `fingerprint()` changes with every write to applications, secrets or certificates, on any node. */
export interface DirectorySource extends FingerprintSource {
  readonly clients: ClientDirectory;
  readonly namespaces: Pick<NamespaceRepository, 'findById'>;
}

export function directoryCache(source: DirectorySource, options: { refreshMs: number }): DirectoryCache {
  let clients = new Map<string, Promise<ClientRecord | null>>();
  let namespaces = new Map<string, Promise<Namespace | null>>();
  const freshness = cacheFreshness(source, options, () => {
    clients = new Map();
    namespaces = new Map();
  });
  const { ensureFresh } = freshness;

  /** Answers from `map` or loads into it; keeps only a found value, and only if the entries were not dropped meanwhile. */
  const cached = async <T>(which: () => Map<string, Promise<T | null>>, key: string, load: () => Promise<T | null>): Promise<T | null> => {
    await ensureFresh();
    const map = which();
    const hit = map.get(key);
    if (hit) return hit;
    const loading = load();
    map.set(key, loading);
    try {
      const value = await loading;
      if (value === null) map.delete(key);
      return value;
    } catch (error) {
      map.delete(key);
      throw error;
    }
  };

  const findClient = async (clientId: string, opts?: { fresh?: boolean }): Promise<ClientRecord | null> => {
    if (!opts?.fresh)
      return cached(
        () => clients,
        clientId,
        () => source.clients.findClient(clientId),
      );
    await ensureFresh();
    const map = clients;
    const record = await source.clients.findClient(clientId);
    if (record && map === clients) map.set(clientId, Promise.resolve(record));
    return record;
  };

  return {
    clients: {
      findClient,
      async findApplication(clientId: string): Promise<Application | null> {
        return (await findClient(clientId))?.application ?? null;
      },
    },
    findNamespace: (id) =>
      cached(
        () => namespaces,
        id,
        () => source.namespaces.findById(id),
      ),
    changed: () => freshness.changed(),
  };
}
