/**
 * Baseline: vanilla oidc-provider (the version in node_modules), its in-memory adapter,
 * configured like src/oidc/provider.ts where it matters for cost: ES256 JWT access tokens
 * for client_credentials through resourceIndicators, ES256 ID tokens, PKCE, refresh-token
 * rotation, introspection and userinfo, ES256 + RS256 keys published. Two clients (one
 * authenticates with a secret, one with private_key_jwt: oidc-provider allows one method
 * per client). No interactions: tokens for the refresh, introspection and userinfo
 * scenarios are minted by GET /__bench/mint?n=N (a session, a grant, a refresh token and
 * an access token each, the same shape a sign-in leaves behind).
 *
 * Environment: PORT, BENCH_CLIENT_SECRET, BENCH_CLIENT_JWK (public JWK of the
 * private_key_jwt client's key, JSON).
 */
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const resource = `${issuer}/iam`;

const signingKey = async (alg, kid) => ({ ...(await exportJWK((await generateKeyPair(alg, { extractable: true })).privateKey)), alg, kid, use: 'sig' });
const common = { redirect_uris: ['http://127.0.0.1/cb'], response_types: ['code'], id_token_signed_response_alg: 'ES256' };

const provider = new Provider(issuer, {
  jwks: { keys: [await signingKey('ES256', 'es256'), await signingKey('RS256', 'rs256')] },
  clients: [
    {
      ...common,
      client_id: 'bench',
      client_secret: process.env.BENCH_CLIENT_SECRET,
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    {
      ...common,
      client_id: 'bench-jwt',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [JSON.parse(process.env.BENCH_CLIENT_JWK)] },
    },
  ],
  findAccount: async (_ctx, sub) => ({
    accountId: sub,
    claims: async () => ({ sub, name: 'Bench User', given_name: 'Bench', family_name: 'User', email: `${sub}@bench.localhost`, email_verified: true }),
  }),
  claims: { openid: ['sub'], profile: ['name', 'given_name', 'family_name'], email: ['email', 'email_verified'] },
  scopes: ['openid', 'offline_access', 'profile', 'email'],
  routes: { token: '/token', jwks: '/jwks', userinfo: '/userinfo', introspection: '/introspect', revocation: '/revoke' },
  pkce: { required: () => true },
  conformIdTokenClaims: false,
  rotateRefreshToken: true,
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    userinfo: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: (ctx) => (ctx.oidc.params?.grant_type === 'client_credentials' ? resource : undefined),
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({ scope: 'iam', audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: 600, jwt: { sign: { alg: 'ES256' } } }),
    },
  },
  clockTolerance: 5,
});

/** A signed-in user's tokens, as a sign-in would leave them: session-bound, openid profile email. */
async function mint(i) {
  const accountId = `usr_bench_${i}`;
  const client = await provider.Client.find('bench');
  const grant = new provider.Grant({ accountId, clientId: 'bench' });
  grant.addOIDCScope('openid profile email');
  const grantId = await grant.save();
  const session = new provider.Session({ accountId, loginTs: Math.floor(Date.now() / 1000), authorizations: { bench: { grantId, sid: `sid${i}` } } });
  await session.save(3600);
  const shape = { accountId, client, grantId, scope: 'openid profile email', gty: 'authorization_code', sessionUid: session.uid, expiresWithSession: true };
  const refreshToken = await new provider.RefreshToken({ ...shape, authTime: Math.floor(Date.now() / 1000) }).save();
  const accessToken = await new provider.AccessToken(shape).save();
  return { refreshToken, accessToken };
}

const callback = provider.callback();
let minted = 0;
createServer(async (req, res) => {
  if (req.url === '/healthz') return res.end('ok');
  if (req.url?.startsWith('/__bench/mint')) {
    const n = Number(new URL(req.url, issuer).searchParams.get('n') ?? 1);
    const tokens = [];
    for (let i = 0; i < n; i += 1) tokens.push(await mint((minted += 1)));
    res.setHeader('content-type', 'application/json');
    return res.end(JSON.stringify(tokens));
  }
  return callback(req, res);
}).listen(port, '127.0.0.1');
process.once('SIGTERM', () => process.exit(0));
