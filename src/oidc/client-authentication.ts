/**
 * How an application authenticates at the token, introspection, revocation and
 * PAR endpoints. One application may hold client secrets and certificates at
 * once, and may use any of them:
 *
 *   client_secret_basic, client_secret_post   any live secret (provider.ts, compareClientSecret)
 *   private_key_jwt                          an assertion signed by the key of a live certificate
 *
 * oidc-provider registers one `token_endpoint_auth_method` per client and checks the
 * mechanism a request presents against `client.clientAuthMethod`
 * (lib/shared/client_auth.js). Basic and post are already interchangeable there. For
 * assertions that getter is replaced (by patches/oidc-provider.ts, with `clientAuthMethod`
 * below): while the current request (the provider's async-local `Provider.ctx`) carries
 * a `client_assertion` and the application lists `private_key_jwt` among its methods (it
 * has a live certificate, clients.ts), the client's method is `private_key_jwt`;
 * otherwise it is the registered one. Nothing else changes: oidc-provider still
 * verifies the assertion (signature against the certificate keys in the client's
 * `jwks`, iss, sub, aud, exp, jti), and then:
 *
 * - `assertClientAssertion` insists that a certificate named in the header
 *   (`kid` = `x5t#S256`, `x5t`, or `x5t#S256`) is one of the live certificates, and
 *   that the assertion is valid for at most CLIENT_ASSERTION_MAX_LIFETIME seconds
 *   from its `iat` (from now when it has none): a long-lived assertion is a bearer
 *   credential that outlives the moment it was made for;
 * - `ReplayDetection.unique` is made atomic (one INSERT … ON CONFLICT,
 *   `replayDetectionUnique` below), so the same `jti` cannot be used twice even by two
 *   requests racing on two nodes.
 */
import { createHash } from 'node:crypto';
import Provider, { errors, type Client, type KoaContextWithOIDC } from 'oidc-provider';
import type { Clock } from '../platform/clock.js';
import type { OidcModelStore } from '../persistence/repositories/oidc-models.js';
import type { CertificateJwk, ClientAuthMethod } from './clients.js';

/** Every method the provider offers (client_secret_jwt is absent: secrets are kept only as digests). */
export const CLIENT_AUTH_METHODS: ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'];

type ClientWithTechpassMetadata = Client & { 'urn:techpass:auth_methods'?: ClientAuthMethod[] };

function presentsAssertion(): boolean {
  const ctx = Provider.ctx;
  return typeof ctx?.oidc?.params?.client_assertion === 'string';
}

/**
 * What `Client.prototype.clientAuthMethod` answers (installed by patches/oidc-provider.ts):
 * `private_key_jwt` while the request presents an assertion and the application may use
 * one, else the registered method.
 */
export function clientAuthMethod(client: Client): string | undefined {
  const allowed = (client as ClientWithTechpassMetadata)['urn:techpass:auth_methods'] ?? [];
  if (allowed.includes('private_key_jwt') && presentsAssertion()) return 'private_key_jwt';
  return client.tokenEndpointAuthMethod;
}

/** What `ReplayDetection.unique` does (installed by patches/oidc-provider.ts): one atomic claim of (iss, jti) until `exp`. */
export function replayDetectionUnique(deps: { models: OidcModelStore; clock: Clock }) {
  return async (iss: string, jti: string, exp: number): Promise<boolean> => {
    const id = createHash('sha256').update(`${iss}${jti}`).digest('base64url');
    const ttl = Math.max(1, exp - Math.floor(deps.clock.now() / 1000));
    return deps.models.claimOnce('ReplayDetection', id, { jti: id, iss, kind: 'ReplayDetection', exp }, ttl);
  };
}

const NAMING_HEADERS = ['kid', 'x5t', 'x5t#S256'] as const;

/**
 * `assertJwtClientAuthClaimsAndHeader`: runs after the assertion's signature verified
 * against one of the live certificates (and its exp, aud, iss and sub were checked).
 */
export function assertClientAssertion(deps: { maxLifetimeSeconds: number; clock: Clock }) {
  return (_ctx: KoaContextWithOIDC, claims: { iat?: unknown; exp?: unknown }, header: Record<string, unknown>, client: Client): void => {
    assertLifetime(claims, deps.maxLifetimeSeconds, Math.floor(deps.clock.now() / 1000));
    assertCertificateHeader(header, client);
  };
}

function assertLifetime(claims: { iat?: unknown; exp?: unknown }, maxLifetimeSeconds: number, now: number): void {
  const from = typeof claims.iat === 'number' ? claims.iat : now;
  if (typeof claims.exp !== 'number' || claims.exp - from > maxLifetimeSeconds) {
    throw new errors.InvalidClientAuth(`client assertions must expire at most ${maxLifetimeSeconds} seconds after they are issued (iat)`);
  }
}

/** A header that names a certificate must name one of the live ones; a header naming none is fine (some clients send only `alg`). */
function assertCertificateHeader(header: Record<string, unknown>, client: Client): void {
  const named = NAMING_HEADERS.filter((name) => header[name] !== undefined);
  if (named.length === 0) return;
  const keys = (client.jwks?.keys ?? []) as unknown as CertificateJwk[];
  const match = keys.some((key) => named.every((name) => key[name] === header[name]));
  if (!match) {
    throw new errors.InvalidClientAuth(
      `the certificate named by the assertion header (${named.join(', ')}) is not a current certificate of this application`,
    );
  }
}
