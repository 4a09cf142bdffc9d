/**
 * TechPass applications as OIDC client metadata, built afresh at each lookup so a
 * change (a switch, a new secret, a certificate expiring) applies to the next request.
 *
 * Credentials: secrets are never stored in a recoverable form; the provider receives
 * a per-client marker it can never be shown, and `compareClientSecret` (see
 * client-authentication.ts) checks the presented secret against the stored digests,
 * any of which may be live at once. Certificates become the client's `jwks`: one
 * verification key per certificate inside its validity window, with `kid` = the
 * certificate's `x5t#S256` and its `x5t` / `x5t#S256` thumbprints alongside.
 * `urn:techpass:auth_methods` lists every method the application may use; the
 * registered `token_endpoint_auth_method` is only the default among them.
 */
import { isLiveCertificate } from '../domain/certificates.js';
import type { ClientRecord } from '../domain/repositories.js';

/** The grant type of the device authorization grant (RFC 8628 §3.4). */
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export type ClientAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

export interface CertificateJwk extends Record<string, unknown> {
  kid: string;
  x5t: string;
  'x5t#S256': string;
  use: 'sig';
}

export interface TechpassClientMetadata {
  client_id: string;
  client_secret?: string;
  client_name: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: ClientAuthMethod;
  id_token_signed_response_alg: string;
  jwks?: { keys: CertificateJwk[] };
  backchannel_logout_uri?: string;
  client_uri?: string;
  'urn:techpass:namespace': string;
  'urn:techpass:secrets': Array<{ id: string; digest: string; expiresAt: number }>;
  'urn:techpass:auth_methods': ClientAuthMethod[];
  'urn:techpass:sign_in_enabled': boolean;
  'urn:techpass:assignment_required': boolean;
  /** People signing in through it may get management API tokens (provider.ts). */
  'urn:techpass:management_api': boolean;
}

/** The custom metadata properties the provider must accept (see provider.ts). */
export const TECHPASS_CLIENT_PROPERTIES = [
  'urn:techpass:namespace',
  'urn:techpass:secrets',
  'urn:techpass:auth_methods',
  'urn:techpass:sign_in_enabled',
  'urn:techpass:assignment_required',
  'urn:techpass:management_api',
];

export function clientMetadata(record: ClientRecord, secretMarker: string, now: number): TechpassClientMetadata {
  const { application: app, secrets, certificates } = record;
  // An application without redirect URIs (a terminal's, signing in by device grant only) has no browser flow.
  const browser = app.redirectUris.length > 0;
  const grantTypes = browser ? ['authorization_code', 'refresh_token'] : ['refresh_token'];
  if (!app.isPublic) grantTypes.push('client_credentials');
  // The device authorization grant (RFC 8628): public clients the platform allowed it.
  if (app.isPublic && app.deviceGrant) grantTypes.push(DEVICE_CODE_GRANT);
  const responseTypes = browser ? ['code'] : [];
  if (app.implicitGrant && browser) {
    grantTypes.push('implicit');
    responseTypes.push('id_token', 'code id_token');
  }

  const keys: CertificateJwk[] = app.isPublic
    ? []
    : certificates
        .filter((c) => isLiveCertificate(c, now))
        .map((c) => ({ ...c.publicJwk, kid: c.x5tS256, x5t: c.x5t, 'x5t#S256': c.x5tS256, use: 'sig' as const }));
  const liveSecret = secrets.some((s) => s.expiresAt > now);
  const methods: ClientAuthMethod[] = app.isPublic
    ? ['none']
    : [
        ...(liveSecret || keys.length === 0 ? (['client_secret_basic', 'client_secret_post'] as const) : []),
        ...(keys.length > 0 ? (['private_key_jwt'] as const) : []),
      ];

  return {
    client_id: app.id,
    ...(app.isPublic ? {} : { client_secret: secretMarker }),
    client_name: app.name,
    redirect_uris: app.redirectUris,
    post_logout_redirect_uris: app.logoutUrl ? [app.logoutUrl] : [],
    grant_types: grantTypes,
    response_types: responseTypes,
    token_endpoint_auth_method: methods[0]!,
    id_token_signed_response_alg: 'ES256',
    ...(keys.length > 0 ? { jwks: { keys } } : {}),
    ...(app.backchannelLogoutUri ? { backchannel_logout_uri: app.backchannelLogoutUri } : {}),
    ...(app.homepageUrl ? { client_uri: app.homepageUrl } : {}),
    'urn:techpass:namespace': app.namespaceId,
    'urn:techpass:secrets': secrets.map((s) => ({ id: s.id, digest: s.digest, expiresAt: s.expiresAt })),
    'urn:techpass:auth_methods': methods,
    'urn:techpass:sign_in_enabled': app.signInEnabled,
    'urn:techpass:assignment_required': app.assignmentRequired,
    'urn:techpass:management_api': app.managementApi,
  };
}
