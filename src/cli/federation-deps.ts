/** Wires sign-in through integrated identity providers to the store: the provider directory, the upstream strategy, the callback. */
import { federationCallbackUrl } from '../domain/identity-providers.js';
import type { FederationDeps } from '../flows/sign-in-federation.js';
import type { Config } from '../platform/config.js';
import { guardedFetch } from '../platform/outbound-http.js';
import type { Store } from '../persistence/store.js';
import { upstreamKeys } from '../strategies/upstream-oidc/keys.js';
import { upstreamOidcStrategy } from '../strategies/upstream-oidc/strategy.js';

export function federationDeps(
  store: Pick<Store, 'upstreamProviders'>,
  config: Pick<Config, 'PUBLIC_URL' | 'OUTBOUND_ALLOW_PRIVATE'>,
): FederationDeps {
  // Calls to a provider keep the outbound rules (no special-use addresses unless allowed, a deadline, no redirects).
  const fetch = guardedFetch({ allowPrivate: config.OUTBOUND_ALLOW_PRIVATE, timeoutMs: 10_000 });
  return {
    directory: store.upstreamProviders,
    strategy: upstreamOidcStrategy({ fetch, keys: upstreamKeys(fetch) }),
    callbackUrl: federationCallbackUrl(config.PUBLIC_URL),
  };
}
