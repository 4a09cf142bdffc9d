/**
 * The independent upstream provider of federation tests and of the demo, driven as a
 * relying party drives it: openid-client builds the requests and validates what comes
 * back (ID token signatures too), an HttpBrowser signs in on its pages. Its hooks for
 * negative tests are shown to produce exactly the failures they are named for.
 */
import { generateKeyPair, exportJWK, createRemoteJWKSet, jwtVerify, decodeProtectedHeader } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeIdToken, startDemoUpstream, tamperings, type IdTokenTamper, type UpstreamProvider } from '../src/oidc/demo-upstream/index.js';
import { HttpBrowser, text, type Page } from './helpers/http-browser.js';
import { cancelAtUpstream, signInAtUpstream, startTestUpstream, upstreamUser } from './helpers/upstream.js';

const REDIRECT_URI = 'http://127.0.0.1:9/login/federation/callback';
const POST_LOGOUT_URI = 'http://127.0.0.1:9/signed-out';
const SECRET = 'a-long-client-secret-for-the-upstream-tests';
const EMAIL = 'officer@agency.gov.sg';
/** Why openid-client refused: the message of its error's cause (where the detail is), else its own. */
async function refusal(attempt: Promise<unknown>): Promise<string> {
  const error = await attempt.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  if (!error) return 'accepted';
  return error.cause instanceof Error ? error.cause.message : error.message;
}

const atCallback = (url: string) => url.startsWith(REDIRECT_URI) || url.startsWith(POST_LOGOUT_URI);

describe('demo upstream provider', () => {
  let upstream: UpstreamProvider;
  let rpKeys: CryptoKeyPair;

  beforeAll(async () => {
    rpKeys = await generateKeyPair('ES256', { extractable: true });
    upstream = await startTestUpstream(
      { clientId: 'techpass', clientSecret: SECRET, redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [POST_LOGOUT_URI] },
      { amr: ['pwd', 'mfa'] },
    );
    upstream.addClient({
      clientId: 'techpass-jwt',
      jwks: { keys: [{ ...(await exportJWK(rpKeys.publicKey)), kid: 'rp-1', use: 'sig', alg: 'ES256' }] },
      redirectUris: [REDIRECT_URI],
    });
  });
  afterAll(async () => upstream?.close());

  async function rp(auth: client.ClientAuth = client.ClientSecretBasic(SECRET), clientId = 'techpass', issuer = upstream.issuer) {
    const config = await client.discovery(new URL(issuer), clientId, undefined, auth, { execute: [client.allowInsecureRequests] });
    // openid-client checks the ID token's signature from the token endpoint only when asked.
    client.enableNonRepudiationChecks(config);
    return config;
  }

  /** Starts an authorization at the upstream and answers its sign-in page. */
  async function start(config: client.Configuration, extra: Record<string, string> = {}, browser = new HttpBrowser()) {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...extra,
    });
    const page = await browser.follow(url.toString(), {}, atCallback);
    return { browser, page, checks: { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true } };
  }

  async function signIn(
    config: client.Configuration,
    extra: Record<string, string> = {},
    credentials: { email: string; password?: string } = { email: EMAIL },
  ) {
    const { browser, page, checks } = await start(config, { login_hint: credentials.email, ...extra });
    const callback = await signInAtUpstream(browser, page, credentials, atCallback);
    expect(callback.stopped).toBe(true);
    return { browser, callback, checks, exchange: () => client.authorizationCodeGrant(config, new URL(callback.url), checks) };
  }

  it('publishes discovery for code + PKCE S256, RFC 9207 iss, RS256 ID tokens and sign-out', async () => {
    const discovery = (await (await fetch(upstream.discoveryUrl)).json()) as Record<string, unknown>;
    expect(discovery.issuer).toBe(upstream.issuer);
    expect(discovery.response_types_supported).toEqual(['code']);
    expect(discovery.code_challenge_methods_supported).toEqual(['S256']);
    expect(discovery.authorization_response_iss_parameter_supported).toBe(true);
    expect(discovery.id_token_signing_alg_values_supported).toEqual(['RS256']);
    expect(discovery.end_session_endpoint).toBe(`${upstream.issuer}/logout`);
    expect(discovery.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'private_key_jwt']),
    );
  });

  it('signs a user in: login_hint prefills the page, the answer carries iss, the ID token has the profile and amr', async () => {
    const config = await rp();
    const { browser, page, checks } = await start(config, { login_hint: EMAIL });
    expect(page.status).toBe(200);
    expect(page.html).toContain(`value="${EMAIL}"`);
    expect(text(page)).toContain('Sign in to your WOG account (demo)');
    expect(page.headers?.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const callback = await signInAtUpstream(browser, page, { email: EMAIL }, atCallback);
    const answer = new URL(callback.url).searchParams;
    expect(answer.get('iss')).toBe(upstream.issuer);
    expect(answer.get('state')).toBe(checks.expectedState);
    const tokens = await client.authorizationCodeGrant(config, new URL(callback.url), checks);
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({
      iss: upstream.issuer,
      aud: 'techpass',
      sub: `upstream-${EMAIL}`,
      nonce: checks.expectedNonce,
      email: EMAIL,
      email_verified: true,
      given_name: 'Jane',
      family_name: 'Tan',
      name: 'Jane Tan',
      agency: 'Test Agency',
      department: 'Digital Services',
      amr: ['pwd', 'mfa'],
    });
    expect(decodeProtectedHeader(tokens.id_token!)).toMatchObject({ alg: 'RS256', kid: upstream.signingKid });
    const request = upstream.seen.authorizations.at(-1)!;
    expect(request).toMatchObject({ login_hint: EMAIL, code_challenge_method: 'S256', nonce: checks.expectedNonce, state: checks.expectedState });
    expect(upstream.seen.tokenRequests.at(-1)).toEqual({ clientId: 'techpass', grantType: 'authorization_code', authMethod: 'client_secret_basic' });
  });

  it('authenticates the client with client_secret_post and with private_key_jwt', async () => {
    await (await signIn(await rp(client.ClientSecretPost(SECRET)))).exchange();
    expect(upstream.seen.tokenRequests.at(-1)?.authMethod).toBe('client_secret_post');
    const tokens = await (await signIn(await rp(client.PrivateKeyJwt({ key: rpKeys.privateKey, kid: 'rp-1' }), 'techpass-jwt'))).exchange();
    expect(tokens.claims()?.aud).toBe('techpass-jwt');
    expect(upstream.seen.tokenRequests.at(-1)).toMatchObject({ clientId: 'techpass-jwt', authMethod: 'private_key_jwt' });
  });

  it('takes an authorization code once', async () => {
    const { exchange } = await signIn(await rp());
    await exchange();
    await expect(exchange()).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a wrong client secret at the token endpoint', async () => {
    const { exchange } = await signIn(await rp(client.ClientSecretBasic('not-the-secret')));
    await expect(exchange()).rejects.toMatchObject({ status: 401, cause: [{ parameters: { error: 'invalid_client' } }] });
  });

  it('shows an error for a wrong password or an unknown address, keeps the address typed, and signs in after', async () => {
    const { browser, page, exchange } = await (async () => {
      const config = await rp();
      const started = await start(config);
      return { ...started, exchange: (callback: Page) => client.authorizationCodeGrant(config, new URL(callback.url), started.checks) };
    })();
    const wrong = await signInAtUpstream(browser, page, { email: EMAIL, password: 'Not-The-Password-1' }, atCallback);
    expect(wrong.status).toBe(401);
    expect(wrong.stopped).toBe(false);
    expect(text(wrong)).toContain('That e-mail address and password do not match an account here.');
    expect(wrong.html).toContain(`value="${EMAIL}"`);
    const unknown = await signInAtUpstream(browser, wrong, { email: 'nobody@agency.gov.sg' }, atCallback);
    expect(unknown.status).toBe(401);
    const callback = await signInAtUpstream(browser, unknown, { email: EMAIL.toUpperCase() }, atCallback);
    expect((await exchange(callback)).claims()?.email).toBe(EMAIL);
  });

  it('answers error=access_denied (with state and iss) when the user cancels', async () => {
    const config = await rp();
    const { browser, page, checks } = await start(config);
    const callback = await cancelAtUpstream(browser, page, atCallback);
    const answer = new URL(callback.url).searchParams;
    expect(answer.get('error')).toBe('access_denied');
    expect(answer.get('state')).toBe(checks.expectedState);
    expect(answer.get('iss')).toBe(upstream.issuer);
    await expect(client.authorizationCodeGrant(config, new URL(callback.url), checks)).rejects.toMatchObject({ error: 'access_denied' });
  });

  it('answers with a chosen error at once while authorizationError is set', async () => {
    upstream.authorizationError = { error: 'temporarily_unavailable', error_description: 'maintenance' };
    try {
      const { page } = await start(await rp());
      expect(page.stopped).toBe(true);
      expect(new URL(page.url).searchParams.get('error')).toBe('temporarily_unavailable');
    } finally {
      upstream.authorizationError = null;
    }
  });

  it('puts another iss (or none) on the authorization response for mix-up tests; openid-client refuses both', async () => {
    for (const iss of ['https://login.other-upstream.example', null]) {
      upstream.authorizationResponseIss = iss;
      try {
        const { callback, exchange } = await signIn(await rp());
        expect(new URL(callback.url).searchParams.get('iss')).toBe(iss);
        expect(await refusal(exchange())).toMatch(/"iss" \(issuer\)/);
      } finally {
        upstream.authorizationResponseIss = undefined;
      }
    }
  });

  const cases: Array<[string, IdTokenTamper, RegExp]> = [
    ['wrong aud', tamperings.wrongAudience, /"aud"/],
    ['wrong azp', tamperings.wrongAuthorizedParty, /"azp"/],
    ['wrong nonce', tamperings.wrongNonce, /"nonce"/],
    ['missing nonce', tamperings.missingNonce, /"nonce"/],
    ['expired', tamperings.expired, /"exp"/],
    ['another issuer', tamperings.otherIssuer(), /"iss"/],
    ['a bad signature', tamperings.badSignature, /signature/],
    ['claims altered after signing', tamperings.alteredClaims, /signature/],
    ['alg none', tamperings.algNone, /alg/],
    ['HS256 with the public key', tamperings.hs256WithPublicKey, /alg/],
  ];
  it.each(cases)('tamper: an ID token with %s is refused by openid-client', async (_name, tamper, reason) => {
    upstream.tamper = tamper;
    try {
      const { exchange } = await signIn(await rp());
      expect(await refusal(exchange())).toMatch(reason);
    } finally {
      upstream.tamper = null;
    }
  });

  it('tamper: an ID token issued in the future passes openid-client (it does not check iat) but not a check of its age', async () => {
    upstream.tamper = tamperings.issuedInTheFuture;
    try {
      const tokens = await (await signIn(await rp())).exchange();
      const remote = createRemoteJWKSet(new URL(`${upstream.issuer}/jwks`));
      await expect(jwtVerify(tokens.id_token!, remote, { issuer: upstream.issuer, audience: 'techpass', maxTokenAge: 3600 })).rejects.toThrow(
        /"iat"/,
      );
    } finally {
      upstream.tamper = null;
    }
  });

  it('tamper helpers: the genuine claims re-signed with the upstream key pass, and the forger signs as claimed', async () => {
    const seen: string[] = [];
    upstream.tamper = (token, forger) => {
      seen.push(forger.unsigned(token), forger.hmacWithPublicKey(token, { alg: 'HS384', secret: 'jwk' }));
      return forger.sign(token);
    };
    try {
      const tokens = await (await signIn(await rp())).exchange();
      expect(tokens.claims()?.email).toBe(EMAIL);
    } finally {
      upstream.tamper = null;
    }
    expect(decodeIdToken(seen[0]!).header.alg).toBe('none');
    expect(seen[0]!.endsWith('.')).toBe(true);
    expect(decodeIdToken(seen[1]!).header).toMatchObject({ alg: 'HS384', kid: upstream.signingKid });
  });

  it('rotates its signing key: new kid, JWKS lists new and old, an RP with the old JWKS cached fetches it again', async () => {
    const first = await (await signIn(await rp())).exchange();
    const oldKid = upstream.signingKid;
    const jwksUrl = new URL(`${upstream.issuer}/jwks`);
    // jose refetches a cached JWKS when a token names an unknown kid (no cooldown here).
    const remote = createRemoteJWKSet(jwksUrl, { cooldownDuration: 0 });
    await jwtVerify(first.id_token!, remote, { issuer: upstream.issuer, audience: 'techpass' });
    const fetchesBefore = upstream.seen.jwksRequests;

    const { kid } = await upstream.rotateKeys();
    expect(kid).not.toBe(oldKid);
    expect(upstream.signingKid).toBe(kid);
    const published = (await (await fetch(jwksUrl)).json()) as { keys: Array<{ kid: string; d?: string }> };
    expect(published.keys.map((k) => k.kid)).toEqual([kid, oldKid]);
    expect(published.keys.every((k) => k.d === undefined)).toBe(true);

    const second = await (await signIn(await rp())).exchange();
    expect(decodeProtectedHeader(second.id_token!).kid).toBe(kid);
    const before = upstream.seen.jwksRequests;
    await jwtVerify(second.id_token!, remote, { issuer: upstream.issuer, audience: 'techpass' });
    expect(upstream.seen.jwksRequests).toBe(before + 1);
    expect(before).toBeGreaterThan(fetchesBefore);

    await upstream.rotateKeys({ keepPrevious: false });
    expect(upstream.jwks().keys.map((k) => k.kid)).toEqual([upstream.signingKid]);
    await expect(jwtVerify(first.id_token!, createRemoteJWKSet(jwksUrl), { issuer: upstream.issuer })).rejects.toThrow();
  });

  it('keeps a session (a second sign-in asks nothing) until RP-initiated logout ends it', async () => {
    const config = await rp();
    const { browser, exchange } = await signIn(config);
    const tokens = await exchange();
    const again = await start(config, {}, browser);
    expect(again.page.stopped).toBe(true);
    expect(new URL(again.page.url).searchParams.get('code')).toBeTruthy();

    const logoutUrl = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: POST_LOGOUT_URI, state: 'bye' });
    const confirm = await browser.follow(logoutUrl.toString(), {}, atCallback);
    expect(text(confirm)).toContain('Sign out of your WOG account (demo)?');
    const logoutForm = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(confirm.html)!;
    const fields = Object.fromEntries([...logoutForm[2]!.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    expect(fields.logout).toBe('yes');
    const done = await browser.follow(new URL(logoutForm[1]!, upstream.issuer).toString(), { form: fields }, atCallback);
    expect(done.url).toBe(`${POST_LOGOUT_URI}?state=bye`);
    expect(upstream.seen.signOuts.at(-1)).toEqual({ clientId: 'techpass', accountId: `upstream-${EMAIL}` });

    const afterwards = await start(config, {}, browser);
    expect(afterwards.page.stopped).toBe(false);
    expect(afterwards.page.html).toContain('name="password"');
  });

  it('runs two upstreams side by side with their own keys, users and sessions', async () => {
    const other = await startTestUpstream(
      { clientId: 'techpass', clientSecret: SECRET, redirectUris: [REDIRECT_URI] },
      { users: [upstreamUser('someone@other.gov.sg', { sub: 'other-1' })] },
    );
    try {
      expect(other.issuer).not.toBe(upstream.issuer);
      expect(other.signingKid).not.toBe(upstream.signingKid);
      const { browser } = await signIn(await rp());
      const config = await client.discovery(new URL(other.issuer), 'techpass', undefined, client.ClientSecretBasic(SECRET), {
        execute: [client.allowInsecureRequests],
      });
      // The first upstream's session cookie does not sign the browser in at the second.
      const { page, checks } = await start(config, {}, browser);
      expect(page.stopped).toBe(false);
      const refused = await signInAtUpstream(browser, page, { email: EMAIL }, atCallback);
      expect(refused.status).toBe(401);
      const callback = await signInAtUpstream(browser, refused, { email: 'someone@other.gov.sg' }, atCallback);
      const tokens = await client.authorizationCodeGrant(config, new URL(callback.url), checks);
      expect(tokens.claims()).toMatchObject({ iss: other.issuer, sub: 'other-1' });
    } finally {
      await other.close();
    }
  });

  it('startDemoUpstream: the WOG account (demo) with jane_tan@agency.gov.localhost and a client for TechPass', async () => {
    const demo = await startDemoUpstream({ port: 0, publicHost: '127.0.0.1', redirectUri: REDIRECT_URI, clientSecret: SECRET });
    try {
      expect(demo).toMatchObject({ clientId: 'techpass-demo', displayName: 'WOG account (demo)', domains: ['agency.gov.localhost'] });
      const jane = demo.users.find((u) => u.email === 'jane_tan@agency.gov.localhost')!;
      expect(jane.password).toBe('Demo-WOG-2026');
      const config = await rp(client.ClientSecretBasic(SECRET), demo.clientId, demo.issuer);
      const { page } = await start(config, { login_hint: jane.email });
      expect(text(page)).toContain('to continue to TechPass (demo)');
      const tokens = await (await signIn(config, {}, jane)).exchange();
      expect(tokens.claims()).toMatchObject({ sub: 'wog-demo-jane-tan', email: jane.email, agency: 'Demo Agency', amr: ['pwd', 'mfa'] });
    } finally {
      await demo.close();
    }
  });
});
