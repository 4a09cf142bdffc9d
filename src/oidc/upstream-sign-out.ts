/**
 * Signing out of TechPass also ends the session at the integrated identity provider the
 * session signed in through, when that provider publishes an `end_session_endpoint` and
 * its administrator turned `endSession` on (RP-Initiated Logout 1.0 at the upstream).
 *
 * After the provider's own sign-out (`POST /logout/confirm`, the whole session ended), the
 * redirect it answers (to the application's post-logout URI, or TechPass's signed-out page)
 * is kept, signed, in `state`; the browser goes to the upstream's end-session endpoint with
 * `client_id`, `logout_hint` and `post_logout_redirect_uri` = `/login/federation/signed-out`, which
 * the HTTP layer serves: it checks the signature and sends the browser on to where the
 * provider meant to. A session that did not sign in through a provider (no `fed` in its amr)
 * goes straight on, as before.
 */
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { UserId } from '../domain/ids.js';
import type { UpstreamProvider } from '../domain/identity-providers.js';
import { signValue, verifyValue } from '../platform/signed-cookie.js';
import type { Store } from '../persistence/store.js';

/** Under /login (Fastify's), not /logout (the provider's). Register it at the provider as a post-logout redirect URI. */
export const UPSTREAM_SIGN_OUT_DONE_PATH = '/login/federation/signed-out';

/** The master-key derivation that signs the kept redirect (the HTTP layer checks it with the same). */
export const UPSTREAM_SIGN_OUT_KEY = 'upstream-sign-out';

export interface UpstreamSignOutDeps {
  store: Pick<Store, 'federatedIdentities' | 'upstreamProviders' | 'users'>;
  /** Signs the redirect kept in `state` (the cookie key: only TechPass can make one). */
  key: Buffer;
  publicUrl: string;
}

/** The upstream sign-out this session calls for, if any. */
async function upstreamToEnd(deps: UpstreamSignOutDeps, accountId: string): Promise<UpstreamProvider | null> {
  for (const link of await deps.store.federatedIdentities.ofUser(accountId as UserId)) {
    const provider = await deps.store.upstreamProviders.byId(link.providerId);
    if (provider?.endSession && provider.metadata.end_session_endpoint) return provider;
  }
  return null;
}

export function endUpstreamSessionsOnSignOut(provider: Provider, deps: UpstreamSignOutDeps): void {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.method !== 'POST' || ctx.path !== '/logout/confirm' || ctx.status < 300 || ctx.status >= 400) return;
    const oidc = (ctx as unknown as KoaContextWithOIDC).oidc;
    const session = oidc?.session as { accountId?: string; amr?: string[] } | undefined;
    if (!oidc?.params?.logout || !session?.accountId || !session.amr?.includes('fed')) return;
    const destination = ctx.response.get('location');
    if (!destination) return;
    const upstream = await upstreamToEnd(deps, session.accountId);
    if (!upstream) return;
    const user = await deps.store.users.findById(session.accountId as UserId);
    const url = new URL(upstream.metadata.end_session_endpoint!);
    url.searchParams.set('client_id', upstream.clientId);
    url.searchParams.set('post_logout_redirect_uri', `${deps.publicUrl}${UPSTREAM_SIGN_OUT_DONE_PATH}`);
    url.searchParams.set('state', signValue(deps.key, destination));
    if (user) url.searchParams.set('logout_hint', user.email);
    ctx.redirect(url.href);
  });
}

/** Where the browser goes after the upstream's sign-out: the destination kept in a state only TechPass signs, or null. */
export function afterUpstreamSignOut(key: Buffer, state: string | undefined, publicUrl: string): string | null {
  const destination = verifyValue(key, state);
  if (!destination) return null;
  try {
    return new URL(destination, publicUrl).href;
  } catch {
    return null;
  }
}
