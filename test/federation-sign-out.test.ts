/**
 * Signing out of TechPass also ends the session at the integrated provider the session
 * signed in through, when its administrator turned that on (`--end-session`) and it
 * publishes an end_session_endpoint: the browser visits the provider's sign-out and comes
 * back to where TechPass's sign-out was going. A provider without it is left alone, and the
 * way back cannot be forged into a redirect elsewhere.
 */
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpstreamProvider } from '../src/oidc/demo-upstream/index.js';
import { ERROR_STATUS, ErrorCodes } from '../src/contracts/errors.js';
import { engine } from './helpers/database.js';
import { application, namespace, user } from './helpers/directory.js';
import { federatedUpstream, toUpstream } from './helpers/federation.js';
import { form, HttpBrowser, text } from './helpers/http-browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { completeSignIn, finishAuthorization, startAuthorization } from './helpers/sign-in.js';
import { signInAtUpstream, upstreamUser } from './helpers/upstream.js';

type App = Awaited<ReturnType<typeof application>>;

describe(`signing out of TechPass and of the integrated provider (${engine})`, () => {
  let tp: TestServer;
  let app: App;
  let closing: UpstreamProvider;
  let keeping: UpstreamProvider;

  beforeAll(async () => {
    tp = await startTestServer({ env: { OUTBOUND_ALLOW_PRIVATE: 'true' } });
    await namespace(tp, 'out');
    app = await application(tp, { namespace: 'out', name: 'Sign-out app' });
    closing = await federatedUpstream(tp, {
      name: 'closing',
      domains: ['closing.gov.sg'],
      users: [upstreamUser('a@closing.gov.sg')],
      endSession: true,
    });
    keeping = await federatedUpstream(tp, { name: 'keeping', domains: ['keeping.gov.sg'], users: [upstreamUser('b@keeping.gov.sg')] });
    await user(tp, 'a@closing.gov.sg', { password: null });
    await user(tp, 'b@keeping.gov.sg', { password: null });
  });
  afterAll(async () => {
    await tp?.close();
    await closing?.close();
    await keeping?.close();
  });

  const back = (u: string) => u.startsWith(app.redirectUri);

  async function signedIn(email: string, upstream: UpstreamProvider) {
    const at = await toUpstream(tp, app, email, upstream);
    const next = await signInAtUpstream(at.browser, at.page, { email }, back);
    const last = await completeSignIn(at.browser, next, { ...app, login: email, password: 'unused' });
    const tokens = await finishAuthorization(at.start, last.url);
    return { browser: at.browser, tokens, config: at.start.config };
  }

  /** RP-initiated logout from the app, confirmed; follows until the app's logout URL (or a page on the way). */
  async function signOut(s: Awaited<ReturnType<typeof signedIn>>) {
    const logout = client.buildEndSessionUrl(s.config, { id_token_hint: s.tokens.id_token!, post_logout_redirect_uri: app.application.logoutUrl! });
    const confirm = await s.browser.follow(logout.toString());
    const f = form(confirm, '/logout/confirm');
    return s.browser.follow(f.action, { form: { ...f.fields, logout: 'yes' } }, (u) => u.startsWith(app.application.logoutUrl!));
  }

  /** Whether the browser is signed in at the provider: an authorization there answers without its sign-in page. */
  async function signedInAt(browser: HttpBrowser, upstream: UpstreamProvider, email: string) {
    const at = await toUpstream(tp, app, email, upstream, browser).catch(() => null);
    return at === null;
  }

  it('with end-session on, TechPass’s sign-out visits the provider’s and comes back to the application', async () => {
    const s = await signedIn('a@closing.gov.sg', closing);
    const before = closing.seen.signOuts.length;
    const atUpstream = await signOut(s);
    // The provider asks to confirm its own sign-out (its page), with what TechPass sent.
    expect(atUpstream.url.startsWith(closing.url)).toBe(true);
    const sent = new URL(atUpstream.url).searchParams;
    expect(sent.get('client_id')).toBe('techpass-closing');
    expect(sent.get('post_logout_redirect_uri')).toBe(`${tp.issuer}/login/federation/signed-out`);
    expect(sent.get('logout_hint')).toBe('a@closing.gov.sg');
    expect(sent.get('state')).toMatch(/^[\w-]+\.[\w-]+$/);
    const upstreamForm = form(atUpstream, '/logout/confirm');
    const done = await s.browser.follow(upstreamForm.action, { form: upstreamForm.fields }, (u) => u.startsWith(app.application.logoutUrl!));
    expect(done.stopped).toBe(true);
    expect(closing.seen.signOuts.slice(before)).toEqual([{ clientId: 'techpass-closing', accountId: 'upstream-a@closing.gov.sg' }]);
    // Signed out at both: TechPass asks for a sign-in, and so does the provider.
    const silent = await startAuthorization(tp, { ...app, prompt: 'none' });
    const answer = await s.browser.follow(silent.url, {}, back);
    expect(new URL(answer.url).searchParams.get('error')).toBe('login_required');
    expect(await signedInAt(s.browser, closing, 'a@closing.gov.sg')).toBe(false);
  });

  it('without end-session, the provider’s session is left alone', async () => {
    const s = await signedIn('b@keeping.gov.sg', keeping);
    const before = keeping.seen.signOuts.length;
    const out = await signOut(s);
    expect(out.stopped).toBe(true);
    expect(keeping.seen.signOuts.length).toBe(before);
  });

  it('the way back from the provider’s sign-out goes only where TechPass signed it to go', async () => {
    const browser = new HttpBrowser();
    const forged = await browser.follow(
      `${tp.url}/login/federation/signed-out?state=${encodeURIComponent(`${Buffer.from('https://evil.example/').toString('base64url')}.AAAA`)}`,
    );
    expect(forged.status).toBe(ERROR_STATUS[ErrorCodes.inputInvalid]);
    expect(text(forged)).toMatch(/not started by TechPass/);
    const none = await browser.follow(`${tp.url}/login/federation/signed-out`);
    expect(none.status).toBe(ERROR_STATUS[ErrorCodes.inputInvalid]);
  });
});
