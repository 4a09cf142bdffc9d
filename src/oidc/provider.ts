/**
 * The OpenID provider: oidc-provider configured, not re-implemented. This is the
 * only module that imports oidc-provider's runtime. Everything it stores goes
 * through the database adapter; clients are TechPass applications; keys come
 * from the signing-key store.
 */
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Config } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import { CLIENT_ADDRESS_HEADER } from '../platform/request-origin.js';
import { constantTimeEqual, digestSecret, type MasterKey } from '../platform/secrets.js';
import type { Clock } from '../platform/clock.js';
import type { Store } from '../persistence/store.js';
import type { ApplicationId, NamespaceId } from '../domain/ids.js';
import { accountFinder, CLAIMS, tokenClaims } from './accounts.js';
import { adapterFactory } from './adapter.js';
import { assertClientAssertion, CLIENT_AUTH_METHODS, clientAuthMethod, replayDetectionUnique } from './client-authentication.js';
import { inlineSigningKeys } from './inline-signing-keys.js';
import { EXTERNAL_SIGNING_ACK, patchOidcProvider } from './patches/oidc-provider.js';
import { TECHPASS_CLIENT_PROPERTIES } from './clients.js';
import { introspectionAllowed } from './introspection-policy.js';
import { outboundFetch } from './outbound-fetch.js';
import { installPageHeaders } from './page-headers.js';
import { tokenRequestStorage } from './token-requests.js';
import { endRememberedSessionsOnSignOut, interactionConfiguration, type InteractionDeps } from './interactions.js';
import { recordSessionBrowsers } from './session-browsers.js';
import { cookieSigner } from './cookie-signatures.js';
import { UPSTREAM_SIGN_OUT_KEY } from '../strategies/upstream-oidc/sign-out.js';
import { endUpstreamSessionsOnSignOut } from './upstream-sign-out.js';
import { withPlatformCli } from './platform-client.js';
import { DEVICE_ROUTES, deviceFlowFeature, installDeviceFlowLimits } from './device-flow.js';

/** Paths the provider answers; everything else belongs to the HTTP layer. */
export const PROVIDER_ROUTES = {
  authorization: '/authorize',
  token: '/token',
  jwks: '/jwks',
  userinfo: '/userinfo',
  introspection: '/introspect',
  revocation: '/revoke',
  end_session: '/logout',
  pushed_authorization_request: '/par',
  ...DEVICE_ROUTES,
} as const;

export const PROVIDER_PATH_PREFIXES = ['/.well-known/openid-configuration', ...Object.values(PROVIDER_ROUTES)];

export interface ProviderDeps {
  config: Config;
  store: Store;
  masterKey: MasterKey;
  clock: Clock;
  logger: Logger;
  jwks: { keys: Array<Record<string, unknown>> };
  interactions: InteractionDeps;
}

type StoredSecret = { id: string; digest: string; expiresAt: number };

/** The live secret whose digest is `digest`, if any; every secret is compared, so timing does not reveal which one matched. */
function liveSecretMatching(secrets: StoredSecret[], digest: string, now: number): StoredSecret | undefined {
  let matched: StoredSecret | undefined;
  for (const secret of secrets) {
    if (constantTimeEqual(secret.digest, digest) && secret.expiresAt > now) matched = secret;
  }
  return matched;
}

/** How often one node records that a secret was used (its `lastUsedAt`, shown by the management API). */
const SECRET_USE_RECORD_MS = 60_000;

/** The resource (audience) of the TechPass automation API, the default for machine callers. */
export const apiResource = (config: Config) => `${config.PUBLIC_URL}/iam`;

/**
 * The resource (audience) of the management API (`/api/v1/…`): tokens acting for a
 * person, with that person's role (src/http/management-api.ts checks them).
 */
export const managementApiResource = (config: Config) => `${config.PUBLIC_URL}/api`;

/**
 * The management API as a resource server. Its tokens act with the full role of the
 * person signed in, platform admins included, so only applications a platform admin
 * allowed (`managementApi`, stored as `urn:techpass:management_api`) may ask for
 * them; any other tenant application asking gets invalid_target. Never for client
 * credentials: an application is no person.
 */
function managementApiServer(config: Config, ctx: KoaContextWithOIDC, client: { [key: string]: unknown }) {
  if (ctx.oidc.params?.grant_type === 'client_credentials') {
    throw new errors.InvalidTarget('the management API acts for people: use the authorization code or the device authorization grant');
  }
  if (client['urn:techpass:management_api'] !== true) {
    throw new errors.InvalidTarget('this application may not ask for management API tokens');
  }
  return {
    scope: 'api',
    audience: managementApiResource(config),
    accessTokenFormat: 'jwt' as const,
    accessTokenTTL: config.ACCESS_TOKEN_TTL,
    jwt: { sign: { alg: 'ES256' as const } },
  };
}

export function buildProvider(deps: ProviderDeps): Provider {
  const { config, store, masterKey, clock, logger } = deps;
  const secure = config.PUBLIC_URL.startsWith('https://');
  // One HMAC per client, not per request: the marker depends on nothing but the client id.
  const markers = new Map<string, string>();
  const marker = (clientId: string) => {
    let value = markers.get(clientId);
    if (value === undefined) {
      value = masterKey.derive(`client-secret-marker:${clientId}`).toString('base64url');
      markers.set(clientId, value);
    }
    return value;
  };

  const tokenRequests = tokenRequestStorage(store.oidcModels, {
    paths: [PROVIDER_ROUTES.token, PROVIDER_ROUTES.userinfo, PROVIDER_ROUTES.introspection],
    onError: (error) => logger.error({ err: error }, 'the token response could not be stored'),
  });
  const configuration: Configuration = {
    // The platform's CLI application is created when first asked for (platform-client.ts).
    adapter: adapterFactory(tokenRequests.models, withPlatformCli(store, clock, logger), marker, clock),
    // The current ES256 key signs on the request's thread (inline-signing-keys.ts).
    jwks: { keys: inlineSigningKeys(deps.jwks.keys) } as Configuration['jwks'],
    findAccount: accountFinder(store.users, store),
    claims: CLAIMS,
    extraTokenClaims: tokenClaims(store),
    // One application may use secrets (basic or post) and certificates (private_key_jwt): see client-authentication.ts.
    clientAuthMethods: CLIENT_AUTH_METHODS,
    assertJwtClientAuthClaimsAndHeader: assertClientAssertion({ maxLifetimeSeconds: config.CLIENT_ASSERTION_MAX_LIFETIME, clock }),
    fetch: outboundFetch(config.OUTBOUND_ALLOW_PRIVATE),
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    routes: PROVIDER_ROUTES,
    pkce: { required: () => true },
    conformIdTokenClaims: false,
    rotateRefreshToken: true,
    acrValues: ['urn:techpass:aal1', 'urn:techpass:aal2', 'urn:techpass:aal3'],
    // Like Entra ID: applications allowed the refresh grant get a refresh token
    // with every sign-in, without having to ask for offline_access.
    issueRefreshToken: async (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('openid'),
    allowOmittingSingleRegisteredRedirectUri: false,
    extraClientMetadata: { properties: TECHPASS_CLIENT_PROPERTIES },
    cookies: {
      keys: cookieSigner([masterKey.derive('cookies').toString('base64url')]),
      names: secure
        ? { session: '__Host-techpass_session', interaction: '__Secure-techpass_interaction', resume: '__Secure-techpass_resume' }
        : { session: 'techpass_session', interaction: 'techpass_interaction', resume: 'techpass_resume' },
      long: { httpOnly: true, sameSite: 'lax', secure },
      short: { httpOnly: true, sameSite: 'lax', secure },
    },
    ttl: {
      AccessToken: config.ACCESS_TOKEN_TTL,
      ClientCredentials: config.ACCESS_TOKEN_TTL,
      AuthorizationCode: 60,
      IdToken: config.ID_TOKEN_TTL,
      RefreshToken: config.REFRESH_TOKEN_TTL,
      Interaction: 3600,
      Session: config.SESSION_TTL,
      Grant: config.REFRESH_TOKEN_TTL,
      DeviceCode: config.DEVICE_CODE_TTL,
    },
    features: {
      devInteractions: { enabled: false },
      externalSigningSupport: { enabled: true, ack: EXTERNAL_SIGNING_ACK },
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: introspectionAllowed },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      deviceFlow: deviceFlowFeature(deps.interactions.pages.device),
      resourceIndicators: {
        enabled: true,
        defaultResource: (ctx: KoaContextWithOIDC) =>
          ctx.oidc.params?.grant_type === 'client_credentials' ? apiResource(config) : (undefined as unknown as string),
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx: KoaContextWithOIDC, resource: string, client) => {
          if (resource === managementApiResource(config)) return managementApiServer(config, ctx, client as unknown as { [key: string]: unknown });
          if (resource !== apiResource(config)) {
            throw new errors.InvalidTarget(`unknown resource ${resource}`);
          }
          return {
            scope: 'iam',
            audience: resource,
            accessTokenFormat: 'jwt',
            accessTokenTTL: config.ACCESS_TOKEN_TTL,
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
    clockTolerance: 5,
  };

  const interactionConfig = interactionConfiguration(deps.interactions);
  const provider = new Provider(config.PUBLIC_URL, {
    ...configuration,
    ...interactionConfig,
    features: { ...configuration.features, ...interactionConfig.features } as Configuration['features'],
  });
  installPageHeaders(provider, { secure });
  endRememberedSessionsOnSignOut(provider, deps.interactions);
  recordSessionBrowsers(provider, {
    sessions: deps.interactions.store.ownSessions,
    remembered: deps.interactions.store.rememberedAccounts,
    cookieKey: deps.interactions.cookieKey,
    cookieName: deps.interactions.cookieName,
  });
  endUpstreamSessionsOnSignOut(provider, {
    store: deps.interactions.store,
    key: masterKey.derive(UPSTREAM_SIGN_OUT_KEY),
    publicUrl: config.PUBLIC_URL,
  });
  // Discovery is the same for every request (its URLs come from PUBLIC_URL, never from
  // the request's Host), so a cache may keep it a while; key rotation does not change it.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/.well-known/openid-configuration' && ctx.status === 200) ctx.set('cache-control', 'public, max-age=300');
  });
  provider.use(tokenRequests.middleware);
  installDeviceFlowLimits(provider, store.rateLimits);
  // Koa reads the request's scheme, host and address from headers the HTTP layer pins
  // on every request (platform/request-origin.ts), never from what the client sent.
  provider.proxy = true;
  provider.proxyIpHeader = CLIENT_ADDRESS_HEADER;
  // Client secrets are stored as digests; any live one authenticates (rollover). The
  // client's metadata may come from this node's cache: a secret that matches none of its
  // digests is checked once more against the database, so a secret just added on another
  // node works at once (a secret revoked elsewhere stops working within KEY_REFRESH_SECONDS).
  // When each secret's use was last recorded by this node: at most one write a minute per secret.
  const recorded = new Map<string, number>();
  const recordUse = (client: InstanceType<Provider['Client']>, secret: StoredSecret) => {
    const now = clock.now();
    if ((recorded.get(secret.id) ?? -Infinity) > now - SECRET_USE_RECORD_MS) return;
    if (recorded.size > 10_000) recorded.clear();
    recorded.set(secret.id, now);
    const namespaceId = (client as { 'urn:techpass:namespace'?: string })['urn:techpass:namespace'];
    if (!namespaceId) return;
    store
      .forNamespace(namespaceId as NamespaceId)
      .applications.recordSecretUse(client.clientId as ApplicationId, secret.id, now)
      .catch((error: unknown) => logger.warn({ err: error }, "a client secret's last use could not be recorded"));
  };
  const compareClientSecret = async (client: InstanceType<Provider['Client']>, actual: string) => {
    const digest = digestSecret(actual);
    const cached = (client as { 'urn:techpass:secrets'?: StoredSecret[] })['urn:techpass:secrets'];
    let matched = liveSecretMatching(cached ?? [], digest, clock.now());
    if (!matched) {
      const fresh = await store.clients.findClient(client.clientId, { fresh: true });
      matched = fresh ? liveSecretMatching(fresh.secrets, digest, clock.now()) : undefined;
    }
    if (matched) recordUse(client, matched);
    return matched !== undefined;
  };
  // The members of oidc-provider TechPass replaces, each documented (and checked first) there.
  patchOidcProvider(provider, {
    compareClientSecret,
    clientAuthMethod,
    replayDetectionUnique: replayDetectionUnique({ models: store.oidcModels, clock }),
  });
  provider.on('server_error', (_ctx, error) => logger.error({ err: error }, 'provider error'));
  return provider;
}
