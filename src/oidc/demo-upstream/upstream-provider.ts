/**
 * A small, independent upstream OpenID Connect provider: a real oidc-provider on its
 * own node:http server, with its own keys, users, clients and in-memory storage. The
 * demo (`npm start`) runs one as the "WOG account" public officers sign in with;
 * tests run one (or two) as the upstream TechPass federates to, and use its hooks to
 * make it answer wrongly: a tampered ID token, another `iss` on the authorization
 * response, an `error=` answer. It shares nothing with TechPass's provider.
 *
 * Authorization code flow only, PKCE S256 required, RFC 9207 `iss` on authorization
 * responses, RS256 ID tokens that carry the profile claims (as Entra ID's do), client
 * authentication by secret (basic or post) or private_key_jwt, RP-initiated logout.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type ClientMetadata, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { pageHeaders } from '../../platform/page-policy.js';
import { decodeIdToken, strayKey, tokenForger } from './id-token-tampering.js';
import { memoryStorage } from './memory-storage.js';
import { generateSigningKey, UPSTREAM_SIGNING_ALG, type UpstreamSigningKey } from './upstream-keys.js';
import { errorPage, signedOutPage, signOutPage, UPSTREAM_STYLESHEET, UPSTREAM_STYLESHEET_PATH } from './upstream-pages.js';
import { signInPage, type SignInDeps } from './upstream-sign-in.js';
import type { UpstreamClient, UpstreamOptions, UpstreamProvider, UpstreamRecord, UpstreamUser } from './upstream-types.js';

export const UPSTREAM_ROUTES = {
  authorization: '/authorize',
  token: '/token',
  jwks: '/jwks',
  userinfo: '/userinfo',
  end_session: '/logout',
  revocation: '/revoke',
} as const;

function clientMetadata(client: UpstreamClient): ClientMetadata {
  const method = client.tokenEndpointAuthMethod ?? (client.jwks || client.jwksUri ? 'private_key_jwt' : 'client_secret_basic');
  return {
    client_id: client.clientId,
    ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
    ...(client.jwks ? { jwks: client.jwks as ClientMetadata['jwks'] } : {}),
    ...(client.jwksUri ? { jwks_uri: client.jwksUri } : {}),
    client_name: client.name ?? client.clientId,
    token_endpoint_auth_method: method,
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris ?? [],
    response_types: ['code'],
    grant_types: ['authorization_code'],
  };
}

function userClaims(user: UpstreamUser): Record<string, unknown> {
  return {
    sub: user.sub,
    email: user.email,
    email_verified: user.emailVerified ?? true,
    given_name: user.givenName,
    family_name: user.familyName,
    name: `${user.givenName} ${user.familyName}`,
    ...(user.agency ? { agency: user.agency } : {}),
    ...(user.department ? { department: user.department } : {}),
  };
}

/** Consent is implied (a first-party sign-in): the grant covers whatever the request asks. */
async function impliedGrant(ctx: KoaContextWithOIDC) {
  const { oidc } = ctx;
  const grantId = (oidc.result?.consent as { grantId?: string } | undefined)?.grantId ?? oidc.session!.grantIdFor(oidc.client!.clientId);
  const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  const grant =
    existing && existing.accountId === oidc.account!.accountId
      ? existing
      : new oidc.provider.Grant({ accountId: oidc.account!.accountId, clientId: oidc.client!.clientId });
  grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
  grant.addOIDCClaims([...oidc.requestParamClaims]);
  await grant.save();
  return grant;
}

export async function startUpstreamProvider(options: UpstreamOptions): Promise<UpstreamProvider> {
  const host = options.host ?? '127.0.0.1';
  const issuerName = options.issuerName ?? 'WOG account (demo)';
  const users = new Map<string, UpstreamUser>();
  const clients = new Map<string, UpstreamClient>();
  for (const user of options.users) users.set(user.sub, user);
  for (const client of options.clients) clients.set(client.clientId, client);
  const storage = memoryStorage();
  const cookieKey = randomBytes(32).toString('base64url');
  let keys: UpstreamSigningKey[] = [await generateSigningKey()];
  const otherKey = await strayKey();
  const seen: UpstreamRecord = { authorizations: [], tokenRequests: [], signOuts: [], jwksRequests: 0 };

  let current: { provider: Provider; handle: ReturnType<Provider['callback']> } | undefined;
  const server = createServer((req, res) => {
    route(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('upstream error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  const issuer = options.publicUrl?.replace(/\/$/, '') ?? `http://${options.publicHost ?? host}:${port}`;
  const secure = issuer.startsWith('https://');
  const headers = pageHeaders(secure);

  const handle: UpstreamProvider = {
    issuer,
    url,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    issuerName,
    get signingKid() {
      return keys[0]!.kid;
    },
    jwks: () => ({ keys: keys.map((key) => ({ ...key.publicJwk })) }),
    async rotateKeys(rotation = {}) {
      const fresh = await generateSigningKey();
      keys = rotation.keepPrevious === false ? [fresh] : [fresh, ...keys];
      rebuild();
      return { kid: fresh.kid };
    },
    tamper: null,
    authorizationResponseIss: undefined,
    authorizationError: null,
    amr: options.amr ?? ['pwd'],
    addUser(user) {
      users.set(user.sub, user);
    },
    addClient(client) {
      clients.set(client.clientId, client);
      rebuild();
    },
    seen,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  function buildProvider(): Provider {
    const cookiePrefix = `upstream${port}`;
    const cookie = { httpOnly: true, sameSite: 'lax' as const, secure };
    const configuration: Configuration = {
      adapter: storage,
      clients: [...clients.values()].map(clientMetadata),
      jwks: { keys: keys.map((key) => key.privateJwk) } as Configuration['jwks'],
      findAccount: async (_ctx, sub) => {
        const user = users.get(sub);
        return user ? { accountId: sub, claims: async () => userClaims(user) as { sub: string } } : undefined;
      },
      claims: {
        // amr, acr and auth_time come from the session; listed under openid so every ID token has them.
        openid: ['sub', 'amr', 'acr', 'auth_time', 'sid'],
        amr: null,
        acr: null,
        auth_time: null,
        sid: null,
        email: ['email', 'email_verified'],
        profile: ['name', 'given_name', 'family_name', 'agency', 'department'],
      },
      // Like Entra ID: the ID token carries the claims of the scopes, not only userinfo.
      conformIdTokenClaims: false,
      scopes: ['openid', 'email', 'profile'],
      responseTypes: ['code'],
      pkce: { required: () => true },
      clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      enabledJWA: { idTokenSigningAlgValues: [UPSTREAM_SIGNING_ALG] },
      routes: UPSTREAM_ROUTES,
      // Cookie names carry the port: two upstreams on one host (and TechPass) keep theirs apart.
      cookies: {
        keys: [cookieKey],
        names: { session: `${cookiePrefix}_session`, interaction: `${cookiePrefix}_interaction`, resume: `${cookiePrefix}_resume` },
        long: cookie,
        short: cookie,
      },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      loadExistingGrant: impliedGrant,
      ttl: { AuthorizationCode: 60, IdToken: 3600, AccessToken: 3600, Interaction: 3600, Session: 8 * 3600, Grant: 8 * 3600 },
      renderError: async (ctx, out) => {
        ctx.set(headers);
        ctx.type = 'html';
        ctx.body = errorPage(issuerName, String(out.error), out.error_description as string | undefined);
      },
      features: {
        devInteractions: { enabled: false },
        userinfo: { enabled: true },
        revocation: { enabled: true },
        rpInitiatedLogout: {
          enabled: true,
          logoutSource: async (ctx, form) => {
            ctx.set(headers);
            ctx.type = 'html';
            ctx.body = signOutPage(issuerName, form, ctx.oidc.client?.clientName);
          },
          postLogoutSuccessSource: async (ctx) => {
            ctx.set(headers);
            ctx.type = 'html';
            ctx.body = signedOutPage(issuerName);
          },
        },
      },
    };
    const provider = new Provider(issuer, configuration);
    provider.use(async (ctx, next) => {
      if (ctx.path === UPSTREAM_ROUTES.authorization && ctx.method === 'GET') {
        seen.authorizations.push(Object.fromEntries(new URLSearchParams(ctx.querystring)));
      }
      if (ctx.path === UPSTREAM_ROUTES.jwks) seen.jwksRequests += 1;
      await next();
      const body = ctx.body as { id_token?: string } | undefined;
      if (ctx.path === UPSTREAM_ROUTES.token && ctx.status === 200 && handle.tamper && typeof body?.id_token === 'string') {
        body.id_token = await handle.tamper(decodeIdToken(body.id_token), tokenForger(keys[0]!, otherKey));
      }
    });
    provider.on('authorization.success', (_ctx, out) => {
      if (out && handle.authorizationResponseIss !== undefined) out.iss = handle.authorizationResponseIss ?? undefined;
    });
    provider.on('grant.success', (ctx) => {
      const params = ctx.oidc.params as Record<string, unknown>;
      const authMethod = ctx.headers.authorization?.startsWith('Basic ')
        ? 'client_secret_basic'
        : params.client_assertion
          ? 'private_key_jwt'
          : params.client_secret
            ? 'client_secret_post'
            : 'none';
      seen.tokenRequests.push({ clientId: ctx.oidc.client!.clientId, grantType: String(params.grant_type), authMethod });
    });
    provider.on('end_session.success', (ctx) => {
      seen.signOuts.push({ clientId: ctx.oidc.client?.clientId, accountId: ctx.oidc.session?.accountId });
    });
    return provider;
  }

  // The provider is rebuilt when its keys or clients change; sessions and interactions
  // live in `storage` and the cookie key stays, so a sign-in under way carries on.
  function rebuild(): void {
    const provider = buildProvider();
    current = { provider, handle: provider.callback() };
  }
  rebuild();

  const signIn: SignInDeps = {
    provider: () => current!.provider,
    findUser: (email) => [...users.values()].find((u) => u.email.toLowerCase() === email.toLowerCase()),
    clientName: (clientId) => clients.get(clientId)?.name ?? clientId,
    issuerName,
    headers,
    hooks: handle,
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', url).pathname;
    if (path === UPSTREAM_STYLESHEET_PATH && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' });
      res.end(UPSTREAM_STYLESHEET);
      return;
    }
    const interaction = /^\/interaction\/([\w-]+)(?:\/(login|cancel))?$/.exec(path);
    if (interaction) {
      await signInPage(signIn, req, res, interaction[2]);
      return;
    }
    await current!.handle(req, res);
  }

  return handle;
}
