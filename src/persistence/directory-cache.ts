/**
 * A per-node cache of what the provider reads on every token, introspection and
 * sign-in request: client records (the application, its secret digests and
 * certificates) by client id, and namespaces by id (DESIGN.md §5: "clients, keys
 * and policies are cached with invalidation that reaches every node within seconds").
 *
 * What the entries are valid for is the directory's fingerprint (`fingerprint()`:
 * a value that changes with every write to applications, secrets or certificates,
 * see applications.ts). It is read again:
 *
 *   - every `refreshMs` (a change made by another node is seen within that time);
 *   - as soon as another process has committed to the database (SQLite only:
 *     `externalChanges()`, its data_version, read once per turn of the event loop;
 *     e.g. a `techpass` CLI command);
 *   - on every lookup after a write by this node (`changed()`), until the new
 *     fingerprint is seen: the write may belong to a transaction that has not
 *     committed yet, and a lookup in between must not keep the old record.
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

export interface CachedClientDirectory extends ClientDirectory {
  findClient(clientId: string, options?: { fresh?: boolean }): Promise<ClientRecord | null>;
}

export interface DirectoryCache {
  readonly clients: CachedClientDirectory;
  findNamespace(id: NamespaceId): Promise<Namespace | null>;
  /** Called after each write this node makes to applications, secrets or certificates. */
  changed(): void;
}

export interface DirectorySource {
  readonly clients: ClientDirectory;
  readonly namespaces: Pick<NamespaceRepository, 'findById'>;
  /** Changes with every write to applications, secrets or certificates, on any node. */
  fingerprint(): Promise<string>;
  /** A counter that moves when another process commits to the database, where the engine can tell cheaply. */
  externalChanges?: () => number;
}

/** How long after a write of its own a node keeps checking, should that write never commit (a rollback). */
const OWN_WRITE_WINDOW_MS = 10_000;

export function directoryCache(source: DirectorySource, options: { refreshMs: number }): DirectoryCache {
  // Monotonic time, not the injected clock: tests that stop the clock must not stop invalidation.
  const now = () => performance.now();
  let clients = new Map<string, Promise<ClientRecord | null>>();
  let namespaces = new Map<string, Promise<Namespace | null>>();
  let fingerprint: string | null = null;
  let checkedAt = -Infinity;
  let ownWriteUntil = 0;
  let external = source.externalChanges?.();
  let checking: Promise<void> | null = null;

  const drop = () => {
    clients = new Map();
    namespaces = new Map();
  };

  const check = async () => {
    const seen = await source.fingerprint();
    checkedAt = now();
    if (seen !== fingerprint) {
      drop();
      fingerprint = seen;
      ownWriteUntil = 0;
    }
  };

  // Another process's commit is looked for once per turn of the event loop, not per lookup.
  let externalNow = external;
  let externalRead = false;
  const readExternal = () => {
    if (externalRead || !source.externalChanges) return;
    externalNow = source.externalChanges();
    externalRead = true;
    setImmediate(() => (externalRead = false));
  };

  const ensureFresh = async () => {
    readExternal();
    const t = now();
    if (t - checkedAt < options.refreshMs && t >= ownWriteUntil && externalNow === external) return;
    external = externalNow;
    checking ??= check().finally(() => (checking = null));
    await checking;
  };

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
    changed() {
      drop();
      ownWriteUntil = now() + OWN_WRITE_WINDOW_MS;
    },
  };
}
