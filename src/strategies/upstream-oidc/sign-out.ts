/**
 * RP-Initiated Logout at an integrated provider: the URL that ends the person's session
 * there, and the way back. Where TechPass's own sign-out was going is kept in `state`,
 * signed with a key only TechPass holds, so the way back cannot be turned into an open
 * redirect. (oidc/upstream-sign-out.ts decides when; http/sign-in-routes.ts serves the way back.)
 */
import type { UpstreamProvider } from '../../domain/identity-providers.js';
import { signValue, verifyValue } from '../../platform/signed-cookie.js';

/** Under /login (served by TechPass's pages, not the provider). Register it at the provider as a post-logout redirect URI. */
export const UPSTREAM_SIGN_OUT_DONE_PATH = '/login/federation/signed-out';

/** The master-key derivation that signs the kept destination. */
export const UPSTREAM_SIGN_OUT_KEY = 'upstream-sign-out';

/** Whether signing out of TechPass also signs out at this provider. */
export const endsUpstreamSession = (provider: Pick<UpstreamProvider, 'endSession' | 'metadata'>) =>
  provider.endSession && Boolean(provider.metadata.end_session_endpoint);

export function upstreamSignOutUrl(
  provider: Pick<UpstreamProvider, 'clientId' | 'metadata'>,
  o: { key: Buffer; publicUrl: string; destination: string; loginHint?: string },
): string {
  const url = new URL(provider.metadata.end_session_endpoint!);
  url.searchParams.set('client_id', provider.clientId);
  url.searchParams.set('post_logout_redirect_uri', `${o.publicUrl}${UPSTREAM_SIGN_OUT_DONE_PATH}`);
  url.searchParams.set('state', signValue(o.key, o.destination));
  if (o.loginHint) url.searchParams.set('logout_hint', o.loginHint);
  return url.href;
}

/** Where the browser goes after the provider's sign-out: the destination kept in `state`, or null when it is not TechPass's. */
export function afterUpstreamSignOut(key: Buffer, state: string | undefined, publicUrl: string): string | null {
  const destination = verifyValue(key, state);
  if (!destination) return null;
  try {
    return new URL(destination, publicUrl).href;
  } catch {
    return null;
  }
}
