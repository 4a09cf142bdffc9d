/**
 * Who may learn that a token is active, and what it says (`sub`, `groups`, `scope`,
 * `tid`…), at the introspection endpoint: the application the token was issued to,
 * or a resource server named in its audience. Any other caller, including an
 * authenticated application of another namespace, learns `active: false`, exactly as
 * for a token that does not exist, so introspection reveals nothing across tenants.
 *
 * oidc-provider calls `features.introspection.allowedPolicy(ctx, client, token)` with
 * the authenticated caller and the found, valid token (lib/actions/introspection.js);
 * its default allows every confidential client.
 */
import type { Client, KoaContextWithOIDC } from 'oidc-provider';

interface IntrospectedToken {
  clientId?: string;
  aud?: string | string[];
}

export function introspectionAllowed(_ctx: KoaContextWithOIDC, caller: Client, token: IntrospectedToken): boolean {
  if (token.clientId === caller.clientId) return true;
  const audience = Array.isArray(token.aud) ? token.aud : token.aud ? [token.aud] : [];
  return audience.includes(caller.clientId);
}
