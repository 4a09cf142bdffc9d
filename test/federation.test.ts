/**
 * Signing in through an integrated identity provider, driven as a relying party and a
 * browser would: openid-client starts the authorization at TechPass, an HttpBrowser types
 * the e-mail, is sent to an independent upstream (a separate oidc-provider with its own
 * keys and users), signs in there, comes back, and completes TechPass MFA. Then every way
 * the upstream's answer can be wrong, each refused with nothing linked or signed in.
 */
import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tamperings, type IdTokenTamper, type UpstreamProvider } from '../src/oidc/demo-upstream/index.js';
import { ERROR_STATUS, ErrorCodes } from '../src/contracts/errors.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { atCallback, federatedUpstream, toUpstream } from './helpers/federation.js';
import { form, forms, HttpBrowser, text, type Page } from './helpers/http-browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { completeSignIn, finishAuthorization, startAuthorization } from './helpers/sign-in.js';
import { cancelAtUpstream, signInAtUpstream, upstreamUser } from './helpers/upstream.js';

type App = Awaited<ReturnType<typeof application>>;

describe(`sign-in through an integrated identity provider (${engine})`, () => {
  let tp: TestServer;
  let app: App;
  let wog: UpstreamProvider;
  let other: UpstreamProvider;

  const OFFICER = 'jane.officer@wog.gov.sg';

  beforeAll(async () => {
    tp = await startTestServer({ env: { OUTBOUND_ALLOW_PRIVATE: 'true' } });
    await namespace(tp, 'fed');
    app = await application(tp, { namespace: 'fed', name: 'Federated app' });
    await user(tp, OFFICER, { password: null });
    await user(tp, 'rotating.officer@wog.gov.sg', { password: null });
    await user(tp, 'replay.officer@wog.gov.sg', { password: null });
    await user(tp, 'back.officer@wog.gov.sg', { password: null });
    await user(tp, 'nobody.local@wog.gov.sg', { password: null });
    await user(tp, 'officer@dormant.gov.sg', { password: null });
    wog = await federatedUpstream(tp, {
      name: 'wog',
      domains: ['wog.gov.sg'],
      users: [
        upstreamUser(OFFICER),
        upstreamUser('rotating.officer@wog.gov.sg'),
        upstreamUser('replay.officer@wog.gov.sg'),
        upstreamUser('back.officer@wog.gov.sg'),
        upstreamUser('stranger@wog.gov.sg'),
        upstreamUser('unverified@wog.gov.sg', { emailVerified: false }),
        upstreamUser('outsider@elsewhere.gov.sg'),
      ],
    });
    other = await federatedUpstream(tp, { name: 'dormant', domains: ['dormant.gov.sg'], users: [upstreamUser('officer@dormant.gov.sg')] });
  });
  afterAll(async () => {
    await tp?.close();
    await wog?.close();
    await other?.close();
  });

  const back = (u: string) => u.startsWith(app.redirectUri);
  const federationEvents = async () => (await tp.server.store.audit.list({ limit: 10_000 })).filter((e) => e.action === 'federation.sign_in');
  const linkOf = (email: string) => tp.server.store.federatedIdentities.find(wog.issuer, `upstream-${email}`);

  /** Sends `email` to the upstream, signs in there, and follows the answer back into TechPass (stops at its next page). */
  async function throughUpstream(email: string, browser = new HttpBrowser()) {
    const at = await toUpstream(tp, app, email, wog, browser);
    const page = await signInAtUpstream(at.browser, at.page, { email }, back);
    return { ...at, page };
  }

  it('sends an officer to their provider with PKCE, state, nonce and login_hint, then TechPass MFA, and back signed in with fed in the amr', async () => {
    const before = wog.seen.authorizations.length;
    const at = await toUpstream(tp, app, OFFICER, wog);
    const asked = wog.seen.authorizations[before]!;
    expect(asked).toMatchObject({ login_hint: OFFICER, code_challenge_method: 'S256', response_type: 'code', client_id: 'techpass-wog' });
    expect(asked.state).toMatch(/^[\w-]+\.[\w-]{20,}$/);
    expect(asked.nonce?.length).toBeGreaterThanOrEqual(20);
    expect(asked.code_challenge?.length).toBe(43);
    expect(asked.redirect_uri).toBe(`${tp.issuer}/login/federation/callback`);

    const next = await signInAtUpstream(at.browser, at.page, { email: OFFICER }, back);
    // TechPass's own MFA follows: the account has no second factor yet, so it enrols one.
    expect(new URL(next.url).pathname).toMatch(/^\/login\//);
    expect(next.html).not.toContain('/password"');
    const last = await completeSignIn(at.browser, next, { ...app, login: OFFICER, password: 'unused' });
    expect(last.stopped).toBe(true);
    const tokens = await finishAuthorization(at.start, last.url);
    const claims = decodeJwt(tokens.id_token!);
    expect(claims.amr).toEqual(expect.arrayContaining(['fed', 'mfa']));
    expect(claims.acr).toBe('urn:techpass:aal2');

    const link = await linkOf(OFFICER);
    expect(link).toMatchObject({ issuer: wog.issuer, subject: `upstream-${OFFICER}` });
    const [event] = (await federationEvents()).filter((e) => (e.data as { subject?: string }).subject === `upstream-${OFFICER}`);
    expect(event?.data).toMatchObject({ provider: 'wog', result: 'succeeded', linked: true, upstreamAmr: ['pwd'] });
    // The agency is the provider's (read-only in TechPass); an active account keeps its own names.
    const account = await tp.server.store.users.findByLogin(OFFICER);
    expect(account).toMatchObject({ givenName: 'Jane', familyName: 'Tester', profile: { agency: 'Test Agency' } });
    expect(event?.data).toMatchObject({ profile: { agency: { from: null, to: 'Test Agency' } } });
  });

  it('uses the link the next time, whatever the upstream now says the e-mail is', async () => {
    const { page, browser, start } = await throughUpstream(OFFICER);
    const last = await completeSignIn(browser, page, { ...app, login: OFFICER, password: 'unused' });
    await finishAuthorization(start, last.url);
    const events = (await federationEvents()).filter((e) => (e.data as { subject?: string }).subject === `upstream-${OFFICER}`);
    expect(events.at(-1)?.data).toMatchObject({ result: 'succeeded', linked: false });
    // Nothing of the profile changed this time.
    expect(events.at(-1)?.data).not.toHaveProperty('profile');
  });

  /** A sign-in whose ID token `tamper` rewrites: refused, back at the identify page with a reference, nothing linked. */
  async function refusedWith(tamper: IdTokenTamper, email = 'stranger@wog.gov.sg') {
    wog.tamper = tamper;
    try {
      const { page } = await throughUpstream(email);
      return page;
    } finally {
      wog.tamper = null;
    }
  }

  async function expectRefusedAnswer(page: Page) {
    expect(page.stopped).toBe(false);
    expect(page.status).toBe(200);
    expect(text(page)).toMatch(/could not be verified/);
    expect(page.html).toMatch(/data-testid="federation-correlation-id">[^<]+</);
    expect(forms(page).some((f) => f.action.endsWith('/identify'))).toBe(true);
  }

  // A known account, so that only the token's fault stops the sign-in.
  const cases: Array<[string, IdTokenTamper]> = [
    ['an ID token for another audience', tamperings.wrongAudience],
    ['an ID token with another authorized party (azp)', tamperings.wrongAuthorizedParty],
    ['an ID token answering another request (nonce)', tamperings.wrongNonce],
    ['an ID token with a bad signature', tamperings.badSignature],
    ['an ID token whose claims were altered after signing', tamperings.alteredClaims],
    ['an unsigned ID token (alg none)', tamperings.algNone],
    ['an HS256 ID token keyed with the provider’s public key', tamperings.hs256WithPublicKey],
    ['an expired ID token', tamperings.expired],
    ['an ID token issued in the future', tamperings.issuedInTheFuture],
    ['an ID token from another issuer', tamperings.otherIssuer()],
  ];
  for (const [name, tamper] of cases) {
    it(`refuses ${name}`, async () => {
      const before = (await federationEvents()).length;
      const page = await refusedWith(tamper, OFFICER);
      await expectRefusedAnswer(page);
      const events = (await federationEvents()).slice(before);
      expect(events).toHaveLength(1);
      expect(events[0]!.data).toMatchObject({ provider: 'wog', result: 'failed', reason: 'invalid_response' });
    });
  }

  it('refuses an answer whose iss names another provider (mix-up)', async () => {
    wog.authorizationResponseIss = other.issuer;
    try {
      const { page } = await throughUpstream('stranger@wog.gov.sg');
      await expectRefusedAnswer(page);
    } finally {
      wog.authorizationResponseIss = undefined;
    }
  });

  it('refuses a used state: the callback replayed after the sign-in changes nothing', async () => {
    const email = 'replay.officer@wog.gov.sg';
    const at = await toUpstream(tp, app, email, wog);
    const callback = await signInAtUpstream(at.browser, at.page, { email }, atCallback(tp));
    expect(callback.stopped).toBe(true);
    const next = await at.browser.follow(callback.url, {}, back);
    expect(new URL(next.url).pathname).toMatch(/^\/login\//);
    const events = (await federationEvents()).length;
    const replay = await at.browser.follow(callback.url, {}, back);
    expect(replay.status).toBe(409);
    expect(text(replay)).toMatch(/already used or is out of date/);
    expect((await federationEvents()).length).toBe(events);
    // The sign-in goes on from where it was.
    const last = await completeSignIn(at.browser, replay, { ...app, login: email, password: 'unused' });
    expect(last.stopped).toBe(true);
  });

  it('refuses an answer brought to another browser: the sign-in belongs to the browser that started it', async () => {
    const email = 'stranger@wog.gov.sg';
    const at = await toUpstream(tp, app, email, wog);
    const callback = await signInAtUpstream(at.browser, at.page, { email }, atCallback(tp));
    const elsewhere = await new HttpBrowser().follow(callback.url, {}, back);
    expect(elsewhere.status).toBe(ERROR_STATUS[ErrorCodes.flowExpired]);
    expect(text(elsewhere)).toMatch(/This sign-in has expired/);
    expect(
      (await federationEvents()).filter(
        (e) => e.data && (e.data as { result?: string }).result === 'succeeded' && (e.data as { subject?: string }).subject === `upstream-${email}`,
      ),
    ).toHaveLength(0);
  });

  it('an upstream identity without a TechPass account gets a page on how to get one, and nothing is created', async () => {
    const before = (await tp.server.store.users.findByLogin('stranger@wog.gov.sg')) ?? null;
    expect(before).toBeNull();
    const { page } = await throughUpstream('stranger@wog.gov.sg');
    expect(text(page)).toMatch(/do not have a TechPass account yet/);
    expect(text(page)).toMatch(/invite you|sign up/);
    expect(text(page)).toMatch(/Correlation id/);
    expect(await tp.server.store.users.findByLogin('stranger@wog.gov.sg')).toBeNull();
    expect(await linkOf('stranger@wog.gov.sg')).toBeNull();
    const [line] = await tp.server.store.signInLog.query({ clientId: app.clientId, limit: 1 });
    expect(line).toMatchObject({ userId: null, result: 'failed', reason: 'no_account', login: 'stranger@wog.gov.sg' });
  });

  it('does not link by an e-mail the provider says is unverified', async () => {
    await user(tp, 'unverified@wog.gov.sg', { password: null });
    const { page } = await throughUpstream('unverified@wog.gov.sg');
    expect(text(page)).toMatch(/do not have a TechPass account yet/);
    expect(await linkOf('unverified@wog.gov.sg')).toBeNull();
  });

  it('refuses an e-mail outside the provider’s domains (it cannot vouch for another organisation)', async () => {
    await user(tp, 'outsider@elsewhere.gov.sg', { password: null });
    // The person types a wog.gov.sg address; the provider answers for someone of elsewhere.gov.sg.
    const at = await toUpstream(tp, app, 'stranger@wog.gov.sg', wog);
    const page = await signInAtUpstream(at.browser, at.page, { email: 'outsider@elsewhere.gov.sg' }, back);
    expect(text(page)).toMatch(/did not say which TechPass account is yours/);
    expect(await linkOf('outsider@elsewhere.gov.sg')).toBeNull();
  });

  it('Cancel at the provider comes back to the identify page saying so, with a reference', async () => {
    const at = await toUpstream(tp, app, 'stranger@wog.gov.sg', wog);
    const page = await cancelAtUpstream(at.browser, at.page, back);
    expect(text(page)).toMatch(/did not sign you in/);
    expect(page.html).toMatch(/data-testid="federation-correlation-id"/);
    const [event] = (await federationEvents()).slice(-1);
    expect(event!.data).toMatchObject({ result: 'failed', reason: 'upstream_error' });
    // The sign-in log's line names the reference the page showed.
    const shown = /data-testid="federation-correlation-id">([^<]+)</.exec(page.html)![1];
    const [line] = await tp.server.store.signInLog.query({ clientId: app.clientId, limit: 1 });
    expect(line).toMatchObject({ result: 'failed', reason: 'upstream_error', factors: ['fed'], correlationId: shown, login: 'stranger@wog.gov.sg' });
  });

  it('says so when the provider cannot be reached to redeem the code', async () => {
    const lonely = await federatedUpstream(tp, { name: 'lonely', domains: ['lonely.gov.sg'], users: [upstreamUser('a@lonely.gov.sg')] });
    await user(tp, 'a@lonely.gov.sg', { password: null });
    const at = await toUpstream(tp, app, 'a@lonely.gov.sg', lonely);
    const callback = await signInAtUpstream(at.browser, at.page, { email: 'a@lonely.gov.sg' }, atCallback(tp));
    await lonely.close();
    const page = await at.browser.follow(callback.url, {}, back);
    expect(text(page)).toMatch(/could not be reached/);
    const [event] = (await federationEvents()).slice(-1);
    expect(event!.data).toMatchObject({ provider: 'lonely', result: 'failed', reason: 'upstream_unreachable' });
  });

  it('an account locked while its person is at the provider is refused on the way back, and nothing is linked', async () => {
    const email = 'locked.meanwhile@wog.gov.sg';
    await user(tp, email, { password: null });
    wog.addUser(upstreamUser(email));
    const at = await toUpstream(tp, app, email, wog);
    const account = (await tp.server.store.users.findByLogin(email))!;
    expect(await tp.server.store.users.lock(account.id)).toBe(true);
    const page = await signInAtUpstream(at.browser, at.page, { email }, back);
    expect(page.stopped).toBe(false);
    expect(text(page)).toMatch(/Your account is locked/);
    expect(await linkOf(email)).toBeNull();
  });

  it('refuses a domain served by a disabled provider, without falling back to a password', async () => {
    const store = tp.server.store;
    const dormant = (await store.identityProviders.findByName('dormant'))!;
    await store.identityProviders.setEnabled(dormant.id, false);
    const browser = new HttpBrowser();
    const start = await startAuthorization(tp, app);
    const signInPage = await browser.follow(start.url, {}, back);
    const identify = form(signInPage, '/identify');
    const page = await browser.follow(identify.action, { form: { ...identify.fields, login: 'officer@dormant.gov.sg' } }, back);
    expect(page.status).toBeLessThan(500);
    expect(text(page)).toMatch(/turned off at the moment/);
    expect(page.html).not.toContain('/password"');
  });

  it('an identify form from a page the sign-in has left (another tab) moves nothing, whatever domain it names', async () => {
    const dormant = (await tp.server.store.identityProviders.findByName('dormant'))!;
    await tp.server.store.identityProviders.setEnabled(dormant.id, false);
    await user(tp, 'two.tabs@example.gov.sg');
    const browser = new HttpBrowser();
    const start = await startAuthorization(tp, app);
    const first = await browser.follow(start.url, {}, back);
    const identify = form(first, '/identify');
    const password = await browser.follow(identify.action, { form: { ...identify.fields, login: 'two.tabs@example.gov.sg' } }, back);
    expect(password.html).toContain('/password"');
    // The first tab posts its identify form again, with an address of a turned-off provider's domain.
    const stale = await browser.follow(identify.action, { form: { ...identify.fields, login: 'officer@dormant.gov.sg' } }, back);
    expect(stale.status).toBe(409);
    expect(text(stale)).not.toMatch(/turned off at the moment/);
    // The sign-in goes on with its password.
    const last = await completeSignIn(browser, stale, { ...app, login: 'two.tabs@example.gov.sg', password: PASSWORD });
    expect(last.stopped).toBe(true);
  });

  it('follows the provider’s key rotation without a restart', async () => {
    const email = 'rotating.officer@wog.gov.sg';
    const first = await throughUpstream(email);
    await finishAuthorization(first.start, (await completeSignIn(first.browser, first.page, { ...app, login: email, password: 'unused' })).url);
    const fetchedBefore = wog.seen.jwksRequests;
    await wog.rotateKeys({ keepPrevious: false });
    const second = await throughUpstream(email);
    const last = await completeSignIn(second.browser, second.page, { ...app, login: email, password: 'unused' });
    expect(last.stopped).toBe(true);
    expect(wog.seen.jwksRequests).toBeGreaterThan(fetchedBefore);
  });

  it('Back from the provider shows a page to continue there or use another account; an answer to the replaced request is refused', async () => {
    const email = 'back.officer@wog.gov.sg';
    const at = await toUpstream(tp, app, email, wog);
    const firstAnswer = await signInAtUpstream(at.browser, at.page, { email }, atCallback(tp));
    expect(firstAnswer.stopped).toBe(true);
    // "Back" before the answer was followed: the browser shows the sign-in page again, which offers to continue at the provider.
    const page = await at.browser.follow(at.signInPage.url, {}, back);
    expect(text(page)).toMatch(/Continue to Upstream wog/);
    expect(forms(page).some((f) => f.action.endsWith('/another'))).toBe(true);
    const again = forms(page).find((f) => f.action.endsWith('/federate'))!;
    // A new request (the provider signs the person in at once: its session is live).
    const secondAnswer = await at.browser.follow(again.action, { form: again.fields }, atCallback(tp));
    expect(secondAnswer.stopped).toBe(true);
    expect(new URL(secondAnswer.url).searchParams.get('state')).not.toBe(new URL(firstAnswer.url).searchParams.get('state'));
    // The first answer arrives late: it answers a request this sign-in replaced.
    const late = await at.browser.follow(firstAnswer.url, {}, back);
    expect(late.status).toBe(409);
    expect(await linkOf(email)).toBeNull();
    const done = await at.browser.follow(secondAnswer.url, {}, back);
    const last = await completeSignIn(at.browser, done, { ...app, login: email, password: 'unused' });
    expect(last.stopped).toBe(true);
    expect(await linkOf(email)).not.toBeNull();
  });

  it('people of a domain no provider serves still sign in with a password', async () => {
    await user(tp, 'local.person@example.gov.sg');
    const at = await (async () => {
      const browser = new HttpBrowser();
      const { startAuthorization } = await import('./helpers/sign-in.js');
      const start = await startAuthorization(tp, app);
      const first = await browser.follow(start.url, {}, back);
      return { browser, start, first };
    })();
    const last = await completeSignIn(at.browser, at.first, { ...app, login: 'local.person@example.gov.sg', password: PASSWORD });
    expect(last.stopped).toBe(true);
    const tokens = await finishAuthorization(at.start, last.url);
    expect(decodeJwt(tokens.id_token!).amr).toContain('pwd');
  });

  /** A browser that signed in to the app through the provider (TechPass remembers the account), with its tokens. */
  async function federatedSession(email: string) {
    await user(tp, email, { password: null });
    wog.addUser(upstreamUser(email));
    const { page, browser, start } = await throughUpstream(email);
    const last = await completeSignIn(browser, page, { ...app, login: email, password: 'unused' });
    const tokens = await finishAuthorization(start, last.url);
    expect(decodeJwt(tokens.id_token!).amr).toContain('fed');
    return { browser, tokens, config: start.config };
  }

  /** prompt=select_account in `browser`: the picker, and the form that picks `email`. */
  async function pickerFor(browser: HttpBrowser, email: string) {
    const start = await startAuthorization(tp, { ...app, prompt: 'select_account' });
    const page = await browser.follow(start.url, {}, back);
    expect(text(page)).toContain('Choose an account');
    const item = page.html
      .split('<li>')
      .slice(1)
      .find((li) => li.includes(email));
    expect(item, `${email} in the picker`).toBeDefined();
    const ref = /name="ref" value="([^"]+)"/.exec(item!)![1]!;
    const pick = forms(page).find((f) => f.action.endsWith('/pick') && f.fields.ref === ref)!;
    return { start, item: item!, pick };
  }

  it('the account picker offers a federated account; picked while its session is live, single sign-on without the provider', async () => {
    const email = 'picker.live@wog.gov.sg';
    const { browser, tokens } = await federatedSession(email);
    const { start, item, pick } = await pickerFor(browser, email);
    expect(item).toContain('Signed in');
    const before = wog.seen.authorizations.length;
    const page = await browser.follow(pick.action, { form: pick.fields }, back);
    const last = await completeSignIn(browser, page, { ...app, login: 'unused', password: 'unused' });
    expect(last.stopped).toBe(true);
    const again = await finishAuthorization(start, last.url);
    expect(again.claims()?.sub).toBe(tokens.claims()?.sub);
    expect(again.claims()?.amr).toEqual(expect.arrayContaining(['fed', 'mfa']));
    // Not a visit to the provider: no new authorization request there.
    expect(wog.seen.authorizations.length).toBe(before);
  });

  it('the account picker sends a federated account whose session ended to its provider again, with login_hint, and signing in there completes', async () => {
    const email = 'picker.ended@wog.gov.sg';
    const { browser, tokens, config } = await federatedSession(email);
    // The person signs out of TechPass (RP-initiated logout from the app) ...
    const logout = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: app.application.logoutUrl! });
    const confirm = await browser.follow(logout.toString());
    expect(text(confirm)).toContain('Sign out of TechPass?');
    const signedOut = await browser.follow(
      form(confirm, '/logout/confirm').action,
      { form: { ...form(confirm, '/logout/confirm').fields, logout: 'yes' } },
      (u) => u.startsWith(app.application.logoutUrl!),
    );
    expect(signedOut.stopped).toBe(true);
    // ... and of their organisation's account, so the provider asks for its password again.
    const upstreamConfirm = await browser.follow(`${wog.issuer}/logout`);
    const upstreamForm = form(upstreamConfirm, '/logout/confirm');
    expect((await browser.follow(upstreamForm.action, { form: upstreamForm.fields })).status).toBe(200);

    const { start, item, pick } = await pickerFor(browser, email);
    expect(item).toContain('Signed out');
    const before = wog.seen.authorizations.length;
    const atUpstream = await browser.follow(pick.action, { form: pick.fields }, back);
    expect(atUpstream.url.startsWith(wog.url)).toBe(true);
    expect(wog.seen.authorizations.slice(before)).toHaveLength(1);
    expect(wog.seen.authorizations[before]).toMatchObject({ login_hint: email, client_id: 'techpass-wog', code_challenge_method: 'S256' });
    expect(atUpstream.html).toContain(`value="${email}"`);

    const next = await signInAtUpstream(browser, atUpstream, { email }, back);
    expect(new URL(next.url).pathname).toMatch(/^\/login\//);
    const last = await completeSignIn(browser, next, { ...app, login: email, password: 'unused' });
    expect(last.stopped).toBe(true);
    const again = await finishAuthorization(start, last.url);
    expect(again.claims()?.sub).toBe(tokens.claims()?.sub);
    expect(again.claims()?.amr).toEqual(expect.arrayContaining(['fed', 'mfa']));
    const events = (await federationEvents()).filter((e) => (e.data as { subject?: string }).subject === `upstream-${email}`);
    expect(events.map((e) => (e.data as { linked?: boolean }).linked)).toEqual([true, false]);
  });
});
