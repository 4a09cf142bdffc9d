/**
 * TechPass applications as OIDC client metadata. Secrets are never stored in a
 * recoverable form: the provider receives a per-client marker it can never be
 * shown, and `compareClientSecret` (see provider.ts) checks the presented secret
 * against the application's stored digests, any of which may be live at once.
 */
import type { Application, ApplicationSecret } from '../domain/directory.js';

export interface TechpassClientMetadata {
  client_id: string;
  client_secret?: string;
  client_name: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: string;
  id_token_signed_response_alg: string;
  backchannel_logout_uri?: string;
  client_uri?: string;
  'urn:techpass:namespace': string;
  'urn:techpass:secrets': Array<{ digest: string; expiresAt: number }>;
  'urn:techpass:sign_in_enabled': boolean;
  'urn:techpass:assignment_required': boolean;
}

export function clientMetadata(app: Application, secrets: ApplicationSecret[], secretMarker: string): TechpassClientMetadata {
  const grantTypes = ['authorization_code', 'refresh_token'];
  if (!app.isPublic) grantTypes.push('client_credentials');
  const responseTypes = ['code'];
  if (app.implicitGrant) {
    grantTypes.push('implicit');
    responseTypes.push('id_token', 'code id_token');
  }
  return {
    client_id: app.id,
    ...(app.isPublic ? {} : { client_secret: secretMarker }),
    client_name: app.name,
    redirect_uris: app.redirectUris,
    post_logout_redirect_uris: app.logoutUrl ? [app.logoutUrl] : [],
    grant_types: grantTypes,
    response_types: responseTypes,
    token_endpoint_auth_method: app.isPublic ? 'none' : 'client_secret_basic',
    id_token_signed_response_alg: 'ES256',
    ...(app.backchannelLogoutUri ? { backchannel_logout_uri: app.backchannelLogoutUri } : {}),
    ...(app.homepageUrl ? { client_uri: app.homepageUrl } : {}),
    'urn:techpass:namespace': app.namespaceId,
    'urn:techpass:secrets': secrets.map((s) => ({ digest: s.digest, expiresAt: s.expiresAt })),
    'urn:techpass:sign_in_enabled': app.signInEnabled,
    'urn:techpass:assignment_required': app.assignmentRequired,
  };
}
