/**
 * The integrated identity providers as sign-in reads them, cached per node. There are
 * a handful, so the cache holds all of them (credentials opened) as one list, loaded
 * again whenever their fingerprint (every provider's id and revision) moves; when it is
 * read again is cache-freshness.ts's rule: every `refreshMs` (KEY_REFRESH_SECONDS), at
 * once after another process commits on SQLite, and after this node's own writes.
 *
 * `uncachedProviderDirectory` answers the same questions straight from the database:
 * inside a transaction, where the cache must not be filled with what may roll back.
 */
import { providerForEmail, servesEmail, type UpstreamProvider } from '../domain/identity-providers.js';
import type { IdentityProviderDirectory, IdentityProviderRepository } from '../domain/repositories.js';
import { cacheFreshness, type CacheFreshness } from './cache-freshness.js';

function answersFrom(all: () => Promise<UpstreamProvider[]>): IdentityProviderDirectory {
  const enabled = async () => (await all()).filter((p) => p.enabled);
  return {
    forEmail: async (email) => providerForEmail(await all(), email),
    byName: async (name) => (await enabled()).find((p) => p.name === name) ?? null,
    byId: async (id) => (await enabled()).find((p) => p.id === id) ?? null,
    async claimedBy(email) {
      const provider = (await all()).find((p) => servesEmail(p, email));
      if (!provider) return null;
      const { clientCredentials: _secret, ...withoutCredentials } = provider;
      return withoutCredentials;
    },
  };
}

export function uncachedProviderDirectory(providers: Pick<IdentityProviderRepository, 'upstream'>): IdentityProviderDirectory {
  return answersFrom(() => providers.upstream());
}

export interface CachedProviderDirectory {
  readonly directory: IdentityProviderDirectory;
  /** Called after each write this node makes to identity providers. */
  changed(): void;
}

export function cachedProviderDirectory(
  source: { providers: Pick<IdentityProviderRepository, 'upstream' | 'revision'>; externalChanges?: () => number },
  options: { refreshMs: number },
): CachedProviderDirectory {
  let loaded: Promise<UpstreamProvider[]> | null = null;
  let generation = 0;
  const freshness: CacheFreshness = cacheFreshness(
    { fingerprint: () => source.providers.revision(), ...(source.externalChanges ? { externalChanges: source.externalChanges } : {}) },
    options,
    () => {
      loaded = null;
      generation += 1;
    },
  );

  const all = async (): Promise<UpstreamProvider[]> => {
    await freshness.ensureFresh();
    if (loaded) return loaded;
    const started = generation;
    const loading = source.providers.upstream();
    loaded = loading;
    try {
      return await loading;
    } catch (error) {
      if (generation === started) loaded = null;
      throw error;
    } finally {
      // A load that started before the entries were dropped answers its caller but is not kept.
      if (generation !== started && loaded === loading) loaded = null;
    }
  };

  return { directory: answersFrom(all), changed: () => freshness.changed() };
}
