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
import type { Store } from '../persistence/store.js';
import { endsUpstreamSession, upstreamSignOutUrl } from '../strategies/upstream-oidc/sign-out.js';

export interface UpstreamSignOutDeps {
  store: Pick<Store, 'federatedIdentities' | 'upstreamProviders' | 'users'>;
  /** Signs the redirect kept in `state` (derived from the master key: UPSTREAM_SIGN_OUT_KEY). */
  key: Buffer;
  publicUrl: string;
}

/** The upstream sign-out this account calls for, if any. */
async function upstreamToEnd(deps: UpstreamSignOutDeps, accountId: string): Promise<UpstreamProvider | null> {
  for (const link of await deps.store.federatedIdentities.ofUser(accountId as UserId)) {
    const provider = await deps.store.upstreamProviders.byId(link.providerId);
    if (provider && endsUpstreamSession(provider)) return provider;
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
    ctx.redirect(upstreamSignOutUrl(upstream, { key: deps.key, publicUrl: deps.publicUrl, destination, ...(user ? { loginHint: user.email } : {}) }));
  });
}
