/**
 * The whole relying-party journey with a third-party client (openid-client):
 * authorization code + PKCE, ID token validation, UserInfo, refresh,
 * introspection, revocation and RP-initiated logout; once with a client secret,
 * once with private_key_jwt and a certificate made in the test.
 */
import { webcrypto } from 'node:crypto';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addApplicationCertificate } from '../src/flows/applications.js';
import { administrationDeps } from '../src/cli/demo.js';
import { systemClock } from '../src/platform/clock.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { form, HttpBrowser, text } from './helpers/http-browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { completeSignIn, finishAuthorization, signIn, startAuthorization } from './helpers/sign-in.js';
import { selfSignedCertificate } from './helpers/x509.js';

describe(`OpenID Connect journey (${engine})`, () => {
  let tp: TestServer;
  let app: Awaited<ReturnType<typeof application>>;
  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'journey');
    app = await application(tp, { namespace: 'journey', name: 'Journey', logoutUrl: 'https://app.example.gov.sg/signed-out' });
    await user(tp, 'jane_tan@agency.gov.sg');
  });
  afterAll(() => tp?.close());

  async function journey(config: client.Configuration, browser: HttpBrowser) {
    const { tokens } = await signIn(tp, { ...app, login: 'jane_tan@agency.gov.sg', password: PASSWORD, browser });
    const claims = tokens.claims()!;
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.expires_in).toBeLessThanOrEqual(900);

    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(info.email).toBe('jane_tan@agency.gov.sg');

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.claims()?.sub).toBe(claims.sub);

    const active = await client.tokenIntrospection(config, refreshed.access_token);
    expect(active).toMatchObject({ active: true, sub: claims.sub, client_id: app.clientId, token_type: 'Bearer' });
    // The same lookup finds a refresh token too (introspection reads every token model at once).
    expect(await client.tokenIntrospection(config, refreshed.refresh_token!)).toMatchObject({
      active: true,
      sub: claims.sub,
      client_id: app.clientId,
    });
    expect(await client.tokenIntrospection(config, 'not-a-token-of-this-provider')).toEqual({ active: false });

    await client.tokenRevocation(config, refreshed.refresh_token!);
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await client.tokenIntrospection(config, refreshed.refresh_token!)).toMatchObject({ active: false });

    // RP-initiated logout back to the registered logout URL.
    const logout = client.buildEndSessionUrl(config, {
      id_token_hint: refreshed.id_token!,
      post_logout_redirect_uri: 'https://app.example.gov.sg/signed-out',
    });
    let page = await browser.follow(logout.toString());
    expect(text(page)).toContain('Sign out of TechPass?');
    const confirm = form(page, '/logout/confirm');
    page = await browser.follow(confirm.action, { form: { ...confirm.fields, logout: 'yes' } }, (u) => u.startsWith('https://app.example.gov.sg/'));
    expect(page.stopped).toBe(true);
    expect(page.url).toMatch(/^https:\/\/app\.example\.gov\.sg\/signed-out/);

    // Signed out: the next sign-in in this browser asks for the password again.
    const next = await startAuthorization(tp, app);
    page = await browser.follow(next.url);
    expect(text(page)).toMatch(/Enter password|Sign in/);
  }

  it('runs code + PKCE, UserInfo, refresh, introspection, revocation and logout with a client secret', async () => {
    const config = await client.discovery(new URL(tp.issuer), app.clientId, app.clientSecret, client.ClientSecretBasic(app.clientSecret!), {
      execute: [client.allowInsecureRequests],
    });
    await journey(config, new HttpBrowser());
  });

  it('runs the same journey authenticating the application with private_key_jwt and an uploaded certificate', async () => {
    const cert = selfSignedCertificate({ notAfter: new Date(Date.now() + 86_400_000) });
    const added = await addApplicationCertificate(administrationDeps(tp.server.store, systemClock), 'test', {
      namespace: 'journey',
      clientId: app.clientId,
      pem: cert.pem,
    });
    expect(added.ok).toBe(true);
    const key = await webcrypto.subtle.importKey(
      'pkcs8',
      cert.privateKey.export({ type: 'pkcs8', format: 'der' }),
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign'],
    );
    const config = await client.discovery(new URL(tp.issuer), app.clientId, undefined, client.PrivateKeyJwt({ key, kid: cert.x5tS256 }), {
      execute: [client.allowInsecureRequests],
    });
    await journey(config, new HttpBrowser());
  });

  it('refuses an authorization code used a second time', async () => {
    const browser = new HttpBrowser();
    const start = await startAuthorization(tp, app);
    let page = await browser.follow(start.url);
    page = await browser.follow(form(page, '/identify').action, { form: { ...form(page, '/identify').fields, login: 'jane_tan@agency.gov.sg' } });
    page = await browser.follow(form(page, '/password').action, { form: { ...form(page, '/password').fields, password: PASSWORD } }, (u) =>
      u.startsWith(app.redirectUri),
    );
    page = await completeSignIn(browser, page, { ...app, login: 'jane_tan@agency.gov.sg', password: PASSWORD });
    await finishAuthorization(start, page.url);
    await expect(finishAuthorization(start, page.url)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a post-logout redirect to a URL the application did not register', async () => {
    const browser = new HttpBrowser();
    const { tokens } = await signIn(tp, { ...app, login: 'jane_tan@agency.gov.sg', password: PASSWORD, browser });
    const config = await client.discovery(new URL(tp.issuer), app.clientId, app.clientSecret, undefined, { execute: [client.allowInsecureRequests] });
    const url = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'https://evil.example.com/' });
    const res = await browser.request(url.toString());
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('asks again for the password with prompt=login, and answers login_required to prompt=none without a session', async () => {
    const browser = new HttpBrowser();
    await signIn(tp, { ...app, login: 'jane_tan@agency.gov.sg', password: PASSWORD, browser });
    const again = await startAuthorization(tp, { ...app, prompt: 'login' });
    const page = await browser.follow(again.url);
    expect(text(page)).toContain('Sign in');
    expect(form(page, '/identify')).toBeTruthy();

    const none = await startAuthorization(tp, { ...app, prompt: 'none' });
    const res = await new HttpBrowser().request(none.url);
    const location = new URL(res.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('login_required');

    // With a live session prompt=none succeeds silently.
    const silent = await startAuthorization(tp, { ...app, prompt: 'none' });
    const done = await browser.follow(silent.url, {}, (u) => u.startsWith(app.redirectUri));
    expect(done.stopped).toBe(true);
    expect((await finishAuthorization(silent, done.url)).claims()?.email).toBe('jane_tan@agency.gov.sg');
  });

  it('answers consent_required to prompt=none until the terms are accepted; a returning user then signs in with one interaction', async () => {
    const other = await application(tp, { namespace: 'journey', name: 'Second application' });
    const browser = new HttpBrowser();
    await signIn(tp, { ...app, login: 'jane_tan@agency.gov.sg', password: PASSWORD, browser });

    // A live session is not enough: the second application's terms of use are not accepted yet.
    const none = await startAuthorization(tp, { ...other, prompt: 'none' });
    const refused = await browser.request(none.url);
    expect(new URL(refused.headers.get('location')!).searchParams.get('error')).toBe('consent_required');
    await signIn(tp, { ...other, login: 'jane_tan@agency.gov.sg', password: PASSWORD, browser });
    const silent = await startAuthorization(tp, { ...other, prompt: 'none' });
    expect((await browser.follow(silent.url, {}, (u) => u.startsWith(other.redirectUri))).stopped).toBe(true);

    // In a new browser: identify, password, second factor, all in the login interaction; the
    // scopes are granted with it (no second interaction for consent).
    const fresh = new HttpBrowser();
    const visited: string[] = [];
    const request = fresh.request.bind(fresh);
    fresh.request = (url, init) => (visited.push(new URL(url).pathname), request(url, init));
    const { tokens } = await signIn(tp, { ...other, login: 'jane_tan@agency.gov.sg', password: PASSWORD, browser: fresh });
    expect(tokens.claims()?.email).toBe('jane_tan@agency.gov.sg');
    expect(new Set(visited.filter((p) => p.startsWith('/login/')).map((p) => p.split('/')[2])).size).toBe(1);
  });

  it('fills in the TechPass ID from login_hint', async () => {
    const start = await startAuthorization(tp, app);
    const url = new URL(start.url);
    url.searchParams.set('login_hint', 'jane_tan@agency.gov.sg');
    const page = await new HttpBrowser().follow(url.toString());
    expect(page.html).toContain('value="jane_tan@agency.gov.sg"');
  });
});
