/**
 * Integrated identity providers: upstream OpenID Connect providers (a government
 * Microsoft Entra ID tenant, any OIDC provider) whose people sign in there first.
 * A platform administrator registers each one; this module holds what a provider
 * is and the rules its settings obey. Pure: no I/O (the discovery check lives in
 * strategies/upstream-oidc, storage in persistence).
 *
 * Rules:
 *   - name: the provider's slug (3–40 lower-case letters, digits, dashes), unique;
 *   - issuer: https, or http on a loopback host (127.0.0.1, [::1], localhost,
 *     *.localhost) for development and tests; no query, fragment or credentials;
 *   - scopes: OAuth scope tokens, `openid` among them (default `openid email profile`);
 *   - domains: e-mail domain patterns (email-domains.ts); a provider serves at least
 *     one, and no address may fall under two providers' patterns (enabled or not,
 *     so enabling a provider never creates a conflict);
 *   - home-realm discovery (`providerForEmail`) therefore finds at most one provider.
 */
import type { CertificateFacts } from '../platform/x509.js';
import { checkDomainPattern, domainMatches, emailDomain, normaliseDomainPattern, patternsOverlap } from './email-domains.js';
import type { IdentityProviderId } from './ids.js';

/** The one callback path for every provider: register `<TechPass issuer>/login/federation/callback` upstream. */
export const FEDERATION_CALLBACK_PATH = '/login/federation/callback';

export const federationCallbackUrl = (publicUrl: string) => `${publicUrl.replace(/\/+$/, '')}${FEDERATION_CALLBACK_PATH}`;

export const DEFAULT_SCOPES: readonly string[] = ['openid', 'email', 'profile'];

/**
 * Which upstream claims give the account's attributes. `subject` names one claim:
 * the link between an upstream identity and a TechPass account is (issuer, that
 * claim), so it must never fall back to another claim. The others list candidates,
 * the first present (a non-empty string) wins.
 */
export interface ClaimMapping {
  subject: string;
  email: string[];
  givenName: string[];
  familyName: string[];
  agency: string[];
  department: string[];
}

/**
 * Defaults for plain OIDC and Entra ID alike:
 *   - subject `sub` (Entra: unique per tenant, user and app registration; set `oid`
 *     to keep links when the app registration is replaced);
 *   - email: `email`, else `preferred_username`, else `upn` (Entra often leaves
 *     `email` out and puts the user principal name in `preferred_username` (v2.0)
 *     or `upn` (v1.0));
 *   - given/family name: `given_name` / `family_name`;
 *   - agency: `agency`, else `companyname` (Entra's optional claim for the company
 *     name); department: `department` (an Entra optional or mapped claim).
 */
export const DEFAULT_CLAIMS: Readonly<ClaimMapping> = Object.freeze({
  subject: 'sub',
  email: ['email', 'preferred_username', 'upn'],
  givenName: ['given_name'],
  familyName: ['family_name'],
  agency: ['agency', 'companyname'],
  department: ['department'],
});

export const CLAIM_KEYS = ['subject', 'email', 'givenName', 'familyName', 'agency', 'department'] as const;
export type ClaimKey = (typeof CLAIM_KEYS)[number];

/** Our certificate for `private_key_jwt`: the admin uploads it at the provider; its key signs our client assertions. */
export interface ProviderCertificate {
  pem: string;
  /** base64url SHA-1 of the DER (JOSE `x5t`: what Entra ID expects in the assertion header). */
  x5t: string;
  /** base64url SHA-256 of the DER (JOSE `x5t#S256`; also the assertion's `kid`). */
  x5tS256: string;
  subject: string;
  notBefore: number;
  notAfter: number;
  /** The JWS algorithm the key signs assertions with (RS256, ES256, ES384, ES512, EdDSA). */
  alg: string;
}

/** How TechPass authenticates at the provider's token endpoint, without the secret itself. */
export type ClientAuthentication = { method: 'client_secret'; secretSetAt: number } | { method: 'private_key_jwt'; certificate: ProviderCertificate };

export type ClientAuthMethod = ClientAuthentication['method'];

/** The same, with the secret or private key opened: server-side only, never logged or shown. */
export type ClientCredentials =
  { method: 'client_secret'; clientSecret: string } | { method: 'private_key_jwt'; privateKeyPem: string; certificate: ProviderCertificate };

/** What an administrator gives to set or replace the credentials. */
export type NewClientCredentials =
  { method: 'client_secret'; clientSecret: string } | { method: 'private_key_jwt'; certificatePem: string; privateKeyPem: string };

/** What the provider's discovery document said at the last check (strategies/upstream-oidc/discovery.ts). */
export interface DiscoveredMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  userinfo_endpoint?: string;
  end_session_endpoint?: string;
  /** Absent for Entra ID, which supports S256 without saying so (see discovery.ts). */
  code_challenge_methods_supported?: string[];
  id_token_signing_alg_values_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  token_endpoint_auth_signing_alg_values_supported?: string[];
  response_types_supported?: string[];
  scopes_supported?: string[];
  claims_supported?: string[];
  authorization_response_iss_parameter_supported?: boolean;
}

/** The settings an administrator chooses (everything but the credentials). */
export interface ProviderSettings {
  name: string;
  displayName: string;
  issuer: string;
  clientId: string;
  scopes: string[];
  domains: string[];
  claims: ClaimMapping;
  /** Sign-out of TechPass also ends the upstream session (when the provider publishes an end_session_endpoint). */
  endSession: boolean;
}

export interface IdentityProvider extends ProviderSettings {
  id: IdentityProviderId;
  clientAuth: ClientAuthentication;
  enabled: boolean;
  /** The discovery document as checked when the provider was added or last updated. */
  metadata: DiscoveredMetadata;
  discoveredAt: number;
  createdAt: number;
  updatedAt: number;
}

/**
 * An enabled provider as sign-in uses it. The credentials are behind a method, not a
 * field, so logging or serialising the provider never carries the secret.
 */
export interface UpstreamProvider extends IdentityProvider {
  clientCredentials(): ClientCredentials;
}

export type SettingsProblem = { field: keyof ProviderSettings | 'clientAuth'; message: string };

const NAME = /^[a-z][a-z0-9-]{1,38}[a-z0-9]$/;
/** RFC 6749 §3.3 scope-token. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const CLAIM_NAME = /^[^\s\u0000-\u001f]{1,200}$/;

export function checkProviderName(name: string): string | null {
  return NAME.test(name) ? null : 'must be 3–40 lower-case letters, digits or dashes, starting with a letter (e.g. wog-entra)';
}

const isLoopbackHost = (host: string) =>
  host === '127.0.0.1' || host === '[::1]' || host === 'localhost' || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host);

/** The issuer's problem, or null. Completes "issuer …". */
export function checkIssuer(issuer: string): string | null {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return `${JSON.stringify(issuer)} is not an absolute URL (e.g. https://login.microsoftonline.com/<tenant-id>/v2.0)`;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    return `${issuer} must use https (http only on a loopback host, for development)`;
  }
  if (url.username || url.password) return `${issuer} must not hold a user name or password`;
  if (url.search || url.hash || issuer.includes('#') || issuer.includes('?')) return `${issuer} must not have a query or a fragment`;
  return null;
}

/** Lower-cases and trims the patterns, drops repeats; the first problem is named. */
export function normaliseDomains(domains: string[]): { ok: true; value: string[] } | { ok: false; message: string } {
  const value: string[] = [];
  for (const raw of domains) {
    const pattern = normaliseDomainPattern(raw);
    const problem = checkDomainPattern(pattern);
    if (problem) return { ok: false, message: `${JSON.stringify(raw.trim())} ${problem}` };
    if (!value.includes(pattern)) value.push(pattern);
  }
  if (value.length === 0) return { ok: false, message: 'give at least one e-mail domain the provider serves (e.g. agency.gov.sg or *.gov.sg)' };
  if (value.length > 100) return { ok: false, message: 'at most 100 domain patterns per provider (use a wildcard)' };
  return { ok: true, value };
}

/** The first problem of `settings` (already trimmed and normalised by the caller), or null. */
export function checkProviderSettings(settings: ProviderSettings): SettingsProblem | null {
  const name = checkProviderName(settings.name);
  if (name) return { field: 'name', message: `name ${name}` };
  if (!settings.displayName.trim() || settings.displayName.length > 100) {
    return { field: 'displayName', message: 'display name is required (at most 100 characters), e.g. "WOG (Microsoft Entra ID)"' };
  }
  const issuer = checkIssuer(settings.issuer);
  if (issuer) return { field: 'issuer', message: `issuer ${issuer}` };
  if (!/^[\x21-\x7e]{1,255}$/.test(settings.clientId)) {
    return { field: 'clientId', message: 'client id is required: up to 255 visible characters, no spaces (the id the provider gave TechPass)' };
  }
  const badScope = settings.scopes.find((s) => !SCOPE_TOKEN.test(s));
  if (badScope !== undefined) return { field: 'scopes', message: `scope ${JSON.stringify(badScope)} is not an OAuth scope token` };
  if (!settings.scopes.includes('openid')) return { field: 'scopes', message: 'scopes must include openid (this is OpenID Connect sign-in)' };
  if (settings.scopes.length > 30) return { field: 'scopes', message: 'at most 30 scopes' };
  const domains = normaliseDomains(settings.domains);
  if (!domains.ok) return { field: 'domains', message: `domain ${domains.message}` };
  for (const key of CLAIM_KEYS) {
    const names = key === 'subject' ? [settings.claims.subject] : settings.claims[key];
    const bad = names.find((n) => !CLAIM_NAME.test(n));
    if (bad !== undefined) return { field: 'claims', message: `claim ${key} names ${JSON.stringify(bad)}, which is not a claim name` };
    if (key === 'subject' || key === 'email') {
      if (names.length === 0) return { field: 'claims', message: `claim ${key} must name at least one claim` };
    }
  }
  return null;
}

/** A domain pattern of `domains` that another provider's pattern overlaps, named for the error. */
export interface DomainConflict {
  domain: string;
  provider: string;
  theirs: string;
}

/** The first overlap between `domains` and those of `others` (the provider itself excluded by the caller). */
export function findDomainConflict(
  domains: readonly string[],
  others: ReadonlyArray<Pick<IdentityProvider, 'name' | 'domains'>>,
): DomainConflict | null {
  for (const domain of domains) {
    for (const other of others) {
      const theirs = other.domains.find((d) => patternsOverlap(domain, d));
      if (theirs !== undefined) return { domain, provider: other.name, theirs };
    }
  }
  return null;
}

export const describeDomainConflict = (c: DomainConflict) =>
  c.domain === c.theirs
    ? `domain ${c.domain} is already served by provider ${c.provider}: each domain belongs to one provider`
    : `domain ${c.domain} overlaps ${c.theirs}, served by provider ${c.provider}: an address could belong to both, and each belongs to one provider`;

/** Whether `provider` serves the domain of `email`. Sign-in must also check this for the e-mail a provider asserts. */
export function servesEmail(provider: Pick<IdentityProvider, 'domains'>, email: string): boolean {
  const domain = emailDomain(email);
  return domain !== null && provider.domains.some((pattern) => domainMatches(pattern, domain));
}

/**
 * Home-realm discovery: the enabled provider serving `email`'s domain, or null. Since no
 * address falls under two providers' patterns (findDomainConflict), there is at most one.
 */
export function providerForEmail<P extends Pick<IdentityProvider, 'enabled' | 'domains'>>(providers: readonly P[], email: string): P | null {
  return providers.find((p) => p.enabled && servesEmail(p, email)) ?? null;
}

/** The JWS algorithm a key signs client assertions with, or null when it cannot. */
export function assertionAlg(key: Pick<CertificateFacts, 'keyType' | 'namedCurve'>): string | null {
  switch (key.keyType) {
    case 'rsa':
      return 'RS256';
    case 'ec':
      return { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' }[key.namedCurve ?? ''] ?? null;
    case 'ed25519':
      return 'EdDSA';
    default:
      return null;
  }
}
