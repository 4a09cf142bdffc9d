/**
 * The per-node provider directory reads the providers once per revision: not on every
 * sign-in, and again as soon as its fingerprint moves or this node writes. (The tests
 * in test/idp-directory.test.ts run it on both engines, across nodes.)
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLAIMS, type UpstreamProvider } from '../domain/identity-providers.js';
import { asIdentityProviderId } from '../domain/ids.js';
import { cachedProviderDirectory } from './identity-provider-directory.js';

const provider = (name: string, domains: string[], enabled = true): UpstreamProvider => ({
  id: asIdentityProviderId(`idp_${name}`),
  name,
  displayName: name,
  issuer: `https://${name}.example`,
  clientId: name,
  clientAuth: { method: 'client_secret', secretSetAt: 0 },
  scopes: ['openid'],
  domains,
  claims: DEFAULT_CLAIMS,
  endSession: false,
  enabled,
  metadata: { issuer: `https://${name}.example`, authorization_endpoint: 'x', token_endpoint: 'x', jwks_uri: 'x' },
  discoveredAt: 0,
  createdAt: 0,
  updatedAt: 0,
  clientCredentials: () => ({ method: 'client_secret', clientSecret: `secret of ${name}` }),
});

function source(initial: UpstreamProvider[]) {
  let providers = initial;
  let revision = 'r1';
  const reads = { upstream: 0, revision: 0 };
  return {
    reads,
    set(next: UpstreamProvider[], rev: string) {
      providers = next;
      revision = rev;
    },
    providers: {
      upstream: async () => {
        reads.upstream += 1;
        return providers;
      },
      revision: async () => {
        reads.revision += 1;
        return revision;
      },
    },
  };
}

describe('the provider directory cache', () => {
  it('answers home-realm discovery, by name and by id from one read, enabled providers only', async () => {
    const src = source([provider('wog', ['*.gov.sg']), provider('off', ['off.example.sg'], false)]);
    const { directory } = cachedProviderDirectory(src, { refreshMs: 60_000 });
    expect((await directory.forEmail('jane@tech.gov.sg'))?.name).toBe('wog');
    expect(await directory.forEmail('jane@off.example.sg')).toBeNull();
    expect((await directory.byName('wog'))?.clientCredentials()).toEqual({ method: 'client_secret', clientSecret: 'secret of wog' });
    expect(await directory.byName('off')).toBeNull();
    expect((await directory.byId(asIdentityProviderId('idp_wog')))?.name).toBe('wog');
    const claimed = await directory.claimedBy('jane@off.example.sg');
    expect(claimed).toMatchObject({ name: 'off', enabled: false });
    expect(claimed).not.toHaveProperty('clientCredentials');
    expect(src.reads.upstream).toBe(1);
  });

  it('reads again once the revision moves, when it is next checked', async () => {
    const src = source([provider('wog', ['*.gov.sg'])]);
    const { directory } = cachedProviderDirectory(src, { refreshMs: 30 });
    expect(await directory.forEmail('a@b.gov.sg')).not.toBeNull();
    src.set([], 'r2');
    expect(await directory.forEmail('a@b.gov.sg')).not.toBeNull();
    await new Promise((r) => setTimeout(r, 40));
    expect(await directory.forEmail('a@b.gov.sg')).toBeNull();
    expect(src.reads.upstream).toBe(2);
  });

  it("reads again at once after this node's own write", async () => {
    const src = source([provider('wog', ['*.gov.sg'])]);
    const cache = cachedProviderDirectory(src, { refreshMs: 60_000 });
    expect(await cache.directory.forEmail('a@b.gov.sg')).not.toBeNull();
    src.set([], 'r2');
    cache.changed();
    expect(await cache.directory.forEmail('a@b.gov.sg')).toBeNull();
  });

  it("reads again at once after another process's commit, where the engine tells (SQLite)", async () => {
    const src = source([provider('wog', ['*.gov.sg'])]);
    let commits = 0;
    const { directory } = cachedProviderDirectory({ ...src, externalChanges: () => commits }, { refreshMs: 60_000 });
    expect(await directory.forEmail('a@b.gov.sg')).not.toBeNull();
    src.set([], 'r2');
    commits += 1;
    await new Promise((r) => setImmediate(r));
    expect(await directory.forEmail('a@b.gov.sg')).toBeNull();
  });
});
