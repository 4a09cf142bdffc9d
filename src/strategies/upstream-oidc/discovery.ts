/**
 * Checks an upstream provider's discovery document (OpenID Connect Discovery 1.0,
 * RFC 8414) before TechPass relies on it, and says exactly what is wrong:
 *
 *   idp.discovery_unreachable            no answer: a network error, a timeout, an
 *                                        address TechPass does not call, a 5xx
 *   idp.discovery_not_oidc               an answer, but not a discovery document: another
 *                                        status (404…), not JSON, a required endpoint
 *                                        missing or not a URL, no code flow, no
 *                                        asymmetric ID token signature
 *   idp.discovery_issuer_mismatch        the document's `issuer` is not the configured
 *                                        issuer, character for character (Discovery §4.3)
 *   idp.discovery_no_s256                PKCE with S256 not offered
 *   idp.discovery_client_auth_unsupported  the token endpoint does not take the client
 *                                        authentication chosen
 *
 * PKCE: RFC 8414 reads an absent `code_challenge_methods_supported` as "no PKCE", and
 * that is refused, except for Microsoft Entra ID (login.microsoftonline.com and its
 * national clouds), which supports S256 but has never advertised it (Microsoft's
 * authorization code flow documentation; a long-known gap in its metadata).
 *
 * The document is fetched under the outbound rules of platform/outbound-http.ts
 * (deadline, no redirects, size limit; private addresses only when allowed).
 */
import { ErrorCodes } from '../../contracts/errors.js';
import { fail, ok, type Result } from '../../contracts/result.js';
import type { ClientAuthMethod, DiscoveredMetadata } from '../../domain/identity-providers.js';
import { OutboundError, readBoundedText, type OutboundFetch } from '../../platform/outbound-http.js';

/** A discovery document is a few kilobytes; Entra's is about 2 KB. */
const MAX_DOCUMENT_BYTES = 256 * 1024;

/** Hosts of the Microsoft identity platform, which supports PKCE S256 without advertising it. */
const ENTRA_HOSTS = new Set(['login.microsoftonline.com', 'login.microsoftonline.us', 'login.partner.microsoftonline.cn']);

export interface DiscoveryOptions {
  fetch: OutboundFetch;
  /** The client authentication TechPass will use at the token endpoint (and, for private_key_jwt, its algorithm). */
  clientAuth: { method: ClientAuthMethod; alg?: string };
}

/** Discovery §4: the issuer, without a terminating slash, then /.well-known/openid-configuration. */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

const unreachable = (url: string, why: string) =>
  fail(ErrorCodes.discoveryUnreachable, `cannot read the discovery document at ${url}: ${why}`, 'issuer');
const notOidc = (url: string, why: string) =>
  fail(
    ErrorCodes.discoveryNotOidc,
    `${url} is not an OpenID Connect discovery document: ${why}; check the issuer (it is the URL before /.well-known/openid-configuration)`,
    'issuer',
  );

async function fetchDocument(url: string, fetch: OutboundFetch): Promise<Result<unknown>> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' } });
  } catch (error) {
    if (error instanceof OutboundError)
      return unreachable(url, error.reason === 'refused' ? `TechPass does not call it: ${error.message}` : error.message);
    throw error;
  }
  if (response.status >= 500) {
    await response.body?.cancel();
    return unreachable(url, `the provider answered HTTP ${response.status}; try again once it is working`);
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    const location = response.headers.get('location');
    return notOidc(url, `it answered HTTP ${response.status}${location ? ` (a redirect to ${location}, which TechPass does not follow)` : ''}`);
  }
  let text: string;
  try {
    text = await readBoundedText(response, MAX_DOCUMENT_BYTES);
  } catch (error) {
    if (!(error instanceof OutboundError)) throw error;
    return error.reason === 'too_large' ? notOidc(url, error.message) : unreachable(url, error.message);
  }
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    return notOidc(url, `it is not JSON (${response.headers.get('content-type') ?? 'no content type'})`);
  }
}

/** Whether `value` is an endpoint TechPass may call for this issuer: https, or http on the issuer's own loopback scheme. */
function endpointProblem(value: unknown, issuer: URL): string | null {
  if (typeof value !== 'string') return value === undefined ? 'is missing' : 'is not a string';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `is not an absolute URL (${JSON.stringify(value)})`;
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && issuer.protocol === 'http:')) return null;
  return `must be an https URL (got ${value})`;
}

const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;

function checkClientAuth(doc: Record<string, unknown>, wanted: DiscoveryOptions['clientAuth']): Result<void> {
  // Absent: the token endpoint takes client_secret_basic only (RFC 8414 §2).
  const methods = strings(doc.token_endpoint_auth_methods_supported) ?? ['client_secret_basic'];
  if (wanted.method === 'client_secret') {
    if (methods.includes('client_secret_basic') || methods.includes('client_secret_post')) return ok(undefined);
    return fail(
      ErrorCodes.discoveryClientAuthUnsupported,
      `the provider's token endpoint takes ${methods.join(', ')}, not a client secret (client_secret_basic or client_secret_post): use --cert-pem and --key-pem (private_key_jwt)`,
      'clientSecret',
    );
  }
  if (!methods.includes('private_key_jwt')) {
    return fail(
      ErrorCodes.discoveryClientAuthUnsupported,
      `the provider's token endpoint takes ${methods.join(', ')}, not private_key_jwt: use --client-secret`,
      'certPem',
    );
  }
  const algs = strings(doc.token_endpoint_auth_signing_alg_values_supported);
  if (algs && wanted.alg && !algs.includes(wanted.alg)) {
    return fail(
      ErrorCodes.discoveryClientAuthUnsupported,
      `the provider accepts client assertions signed with ${algs.join(', ')}, and the key given signs ${wanted.alg}: use a key of another type`,
      'keyPem',
    );
  }
  return ok(undefined);
}

/** Fetches and checks `issuer`'s discovery document; answers what TechPass keeps of it. */
export async function checkDiscovery(issuer: string, options: DiscoveryOptions): Promise<Result<DiscoveredMetadata>> {
  const url = discoveryUrl(issuer);
  const fetched = await fetchDocument(url, options.fetch);
  if (!fetched.ok) return fetched;
  const doc = fetched.value;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return notOidc(url, 'it is JSON but not an object');
  const d = doc as Record<string, unknown>;

  if (typeof d.issuer !== 'string') return notOidc(url, 'it has no issuer');
  if (d.issuer !== issuer) {
    const hint = d.issuer.includes('{tenantid}')
      ? ": this is a multi-tenant Entra ID endpoint (common, organizations); use the tenant's own issuer, https://login.microsoftonline.com/<tenant-id>/v2.0"
      : `: register the provider with --issuer ${d.issuer} if that is the provider meant`;
    return fail(ErrorCodes.discoveryIssuerMismatch, `the discovery document at ${url} names the issuer ${d.issuer}, not ${issuer}${hint}`, 'issuer');
  }

  const issuerUrl = new URL(issuer);
  for (const field of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const) {
    const problem = endpointProblem(d[field], issuerUrl);
    if (problem) return notOidc(url, `${field} ${problem}`);
  }
  for (const field of ['userinfo_endpoint', 'end_session_endpoint'] as const) {
    if (d[field] === undefined) continue;
    const problem = endpointProblem(d[field], issuerUrl);
    if (problem) return notOidc(url, `${field} ${problem}`);
  }
  const responseTypes = strings(d.response_types_supported);
  if (responseTypes && !responseTypes.some((t) => t.split(' ').includes('code'))) {
    return notOidc(url, `it offers the response types ${responseTypes.join(', ')}, not the authorization code flow (code)`);
  }
  const signingAlgs = strings(d.id_token_signing_alg_values_supported);
  if (signingAlgs && !signingAlgs.some((a) => a !== 'none' && !a.startsWith('HS'))) {
    return notOidc(url, `it signs ID tokens only with ${signingAlgs.join(', ')}; TechPass accepts only public-key signatures (RS256, ES256…)`);
  }

  const pkce = strings(d.code_challenge_methods_supported);
  if (pkce ? !pkce.includes('S256') : !ENTRA_HOSTS.has(issuerUrl.hostname)) {
    return fail(
      ErrorCodes.discoveryNoS256,
      pkce
        ? `the provider offers PKCE with ${pkce.length ? pkce.join(', ') : 'no method'}, not S256, which TechPass requires`
        : 'the provider does not advertise PKCE (no code_challenge_methods_supported); TechPass requires PKCE with S256',
      'issuer',
    );
  }

  const auth = checkClientAuth(d, options.clientAuth);
  if (!auth.ok) return auth;

  const optional = <K extends keyof DiscoveredMetadata>(key: K, value: DiscoveredMetadata[K] | undefined) =>
    value === undefined ? {} : ({ [key]: value } as Pick<DiscoveredMetadata, K>);
  return ok({
    issuer,
    authorization_endpoint: d.authorization_endpoint as string,
    token_endpoint: d.token_endpoint as string,
    jwks_uri: d.jwks_uri as string,
    ...optional('userinfo_endpoint', d.userinfo_endpoint as string | undefined),
    ...optional('end_session_endpoint', d.end_session_endpoint as string | undefined),
    ...optional('code_challenge_methods_supported', pkce),
    ...optional('id_token_signing_alg_values_supported', signingAlgs),
    ...optional('token_endpoint_auth_methods_supported', strings(d.token_endpoint_auth_methods_supported)),
    ...optional('token_endpoint_auth_signing_alg_values_supported', strings(d.token_endpoint_auth_signing_alg_values_supported)),
    ...optional('response_types_supported', responseTypes),
    ...optional('scopes_supported', strings(d.scopes_supported)),
    ...optional('claims_supported', strings(d.claims_supported)),
    ...optional(
      'authorization_response_iss_parameter_supported',
      typeof d.authorization_response_iss_parameter_supported === 'boolean' ? d.authorization_response_iss_parameter_supported : undefined,
    ),
  });
}
