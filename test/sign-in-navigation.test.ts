/**
 * Post/redirect/get, and pages that never write: every sign-in form is answered
 * with a redirect to a page (or into the provider), and showing a page again (a
 * reload, the Back button, a second tab) changes nothing: the same push prompt,
 * the same passkey challenge, the same enrolment link, the flow untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignInFlow } from '../src/domain/flows/sign-in.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { form, forms, HttpBrowser, text, type Page } from './helpers/http-browser.js';
import { rememberSeed, nextTotpCode } from './helpers/phone.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { finishAuthorization, startAuthorization } from './helpers/sign-in.js';

describe(`sign-in navigation: post/redirect/get, and pages that never write (${engine})`, () => {
  let tp: TestServer;
  let app: Awaited<ReturnType<typeof application>>;

  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'navigation');
    app = await application(tp, { namespace: 'navigation', name: 'Navigation App' });
  });
  afterAll(() => tp?.close());

  const back = (u: string) => u.startsWith(app.redirectUri);
  const uidOf = (page: Page) => new URL(page.url).pathname.split('/')[2]!;
  const flowOf = async (page: Page) => (await tp.server.store.flows.findByInteraction(uidOf(page))) as SignInFlow;

  /** Posts a form without following: the answer itself. */
  const postRaw = (browser: HttpBrowser, page: Page, step: string, fields: Record<string, string> = {}) => {
    const f = forms(page).find((x) => x.action.endsWith(`/${step}`));
    if (!f) throw new Error(`no ${step} form on ${page.url}: ${text(page).slice(0, 400)}`);
    return browser.request(f.action, { form: { ...f.fields, ...fields } });
  };
  /** Follows a 303 answer to its page. */
  const land = async (browser: HttpBrowser, res: Response, from: Page): Promise<Page> => {
    expect(res.status).toBe(303);
    await res.arrayBuffer();
    return browser.follow(new URL(res.headers.get('location')!, from.url).toString(), {}, back);
  };

  it('answers every form with a 303 to the page, carrying the problem, and a reload shows the same page without writing', async () => {
    const login = 'navigator@agency.gov.sg';
    const u = await user(tp, login);
    const seed = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXA';
    await tp.server.store.users.addTotpFactor(u.id, 'Authenticator app', seed);
    rememberSeed(tp.url, login, seed);
    const browser = new HttpBrowser();
    const start = await startAuthorization(tp, app);
    let page = await browser.follow(start.url);

    // Identify, then a wrong password: each post is a 303 to the page; the problem rides in the query.
    let res = await postRaw(browser, page, 'identify', { login });
    expect(res.headers.get('location')).toBe(`/login/${uidOf(page)}`);
    page = await land(browser, res, page);
    expect(text(page)).toContain('Enter password');
    res = await postRaw(browser, page, 'password', { password: 'not it' });
    expect(res.headers.get('location')).toBe(`/login/${uidOf(page)}?problem=wrong_password`);
    page = await land(browser, res, page);
    expect(page.status).toBe(401);
    expect(text(page)).toContain('The TechPass ID or password is not correct');

    // The right password: the push page, with its prompt sent by the step, not by the page.
    page = await land(browser, await postRaw(browser, page, 'password', { password: PASSWORD }), page);
    expect(text(page)).toContain('Approve sign-in request');
    const number = /data-testid="push-number"[^>]*>\s*(\d+)/.exec(page.html)![1];
    const before = await flowOf(page);
    const challenges = (await tp.server.store.audit.list({ targetId: u.id, limit: 100 })).filter((e) => e.action === 'push.challenge_created').length;

    // Reloads (and the poller) change nothing: the same number, the same flow version, no new prompt.
    for (let i = 0; i < 3; i += 1) {
      const again = await browser.follow(page.url);
      expect(again.status).toBe(200);
      expect(/data-testid="push-number"[^>]*>\s*(\d+)/.exec(again.html)![1]).toBe(number);
      await browser.follow(`${tp.url}/login/${uidOf(page)}/push-status`);
    }
    const after = await flowOf(page);
    expect(after.version).toBe(before.version);
    expect(after.context.push).toEqual(before.context.push);
    const challengesAfter = (await tp.server.store.audit.list({ targetId: u.id, limit: 100 })).filter(
      (e) => e.action === 'push.challenge_created',
    ).length;
    expect(challengesAfter).toBe(challenges);

    // "I can't use my phone" is a 303 too; the page it leads to can be reloaded and the flow stays where it is.
    res = await postRaw(browser, page, 'recover');
    page = await land(browser, res, page);
    expect(text(page)).toContain('Enter the code');
    const recovering = await flowOf(page);
    const reloaded = await browser.follow(page.url);
    expect(text(reloaded)).toContain('Enter the code');
    expect((await flowOf(page)).version).toBe(recovering.version);

    // A wrong code: 303 to the page saying so, with its status; then the right one finishes through the provider.
    page = await land(browser, await postRaw(browser, page, 'totp', { code: '000000' }), page);
    expect(page.status).toBe(401);
    expect(text(page)).toContain('That code is not correct');
    page = await land(browser, await postRaw(browser, page, 'totp', { code: await nextTotpCode(tp.url, login) }), page);
    expect(text(page)).toContain('Add a new second factor');
    // The enrol page's reload keeps the same sealed seed (the QR code does not change under the person).
    const seedShown = /data-testid="totp-seed"[^>]*>([^<]+)</.exec(page.html)?.[1] ?? text(page);
    expect(text(await browser.follow(page.url))).toContain(seedShown.trim().slice(0, 16));
    res = await postRaw(browser, page, 'enrol-skip');
    expect(res.status).toBe(303);
    page = await land(browser, res, page);
    if (!page.stopped) page = await land(browser, await postRaw(browser, page, 'terms'), page);
    expect(page.stopped).toBe(true);
    const tokens = await finishAuthorization(start, page.url);
    expect(tokens.claims()).toMatchObject({ amr: ['pwd', 'otp', 'mfa'] });
  });

  it('keeps the passkey challenge and the enrolment link across reloads, and makes them again only from a post', async () => {
    const login = 'reloader@agency.gov.sg';
    await user(tp, login, { phone: false });
    const browser = new HttpBrowser();
    const start = await startAuthorization(tp, app);
    let page = await browser.follow(start.url);
    // The identify page's passkey challenge is the flow's, made when the flow opened.
    const challengeOf = (p: Page) => /"challenge":"([^"]+)"/.exec(p.html.replace(/&quot;/g, '"'))?.[1];
    const first = challengeOf(page);
    expect(first).toBeTruthy();
    expect(challengeOf(await browser.follow(page.url))).toBe(first);

    page = await land(browser, await postRaw(browser, page, 'identify', { login }), page);
    page = await land(browser, await postRaw(browser, page, 'password', { password: PASSWORD }), page);
    // No factor yet: the enrol page shows a one-time link for the TechPass Authenticator, the same on every reload.
    expect(text(page)).toContain('Set up the TechPass Authenticator');
    const linkOf = (p: Page) => /data-testid="enrolment-link"[^>]*>([^<]+)</.exec(p.html)?.[1];
    const link = linkOf(page);
    expect(link).toBeTruthy();
    const version = (await flowOf(page)).version;
    expect(linkOf(await browser.follow(page.url))).toBe(link);
    expect((await flowOf(page)).version).toBe(version);

    // Choosing a passkey (a post) makes its challenge; reloading its page keeps it.
    page = await land(browser, await postRaw(browser, page, 'enrol-choose', { method: 'hwk' }), page);
    const registration = challengeOf(page);
    expect(registration).toBeTruthy();
    expect(challengeOf(await browser.follow(page.url))).toBe(registration);

    // A method that is not a factor is an out-of-date page: 409, nothing moves.
    const moved = (await flowOf(page)).version;
    const bad = await land(browser, await postRaw(browser, page, 'enrol-choose', { method: 'sms' }), page);
    expect(bad.status).toBe(409);
    expect((await flowOf(page)).version).toBe(moved);
  });

  it('asks to continue when what a page needs is missing, and the continue post makes it again', async () => {
    const login = 'two.tabs@agency.gov.sg';
    await user(tp, login, { phone: false });
    const browser = new HttpBrowser();
    const start = await startAuthorization(tp, app);
    let page = await browser.follow(start.url);
    page = await land(browser, await postRaw(browser, page, 'identify', { login }), page);
    page = await land(browser, await postRaw(browser, page, 'password', { password: PASSWORD }), page);
    page = await land(browser, await postRaw(browser, page, 'enrol-choose', { method: 'hwk' }), page);
    // Another tab's step left the flow without this page's challenge (as a lost race would).
    const flow = await flowOf(page);
    await tp.server.store.flows.save({ ...flow, context: { ...flow.context, webauthn: undefined } });
    const resume = await browser.follow(page.url);
    expect(text(resume)).toContain('Continue signing in');
    page = await land(browser, await postRaw(browser, resume, 'resume'), resume);
    expect(text(page)).toContain('passkey');
    expect((await flowOf(page)).context.webauthn?.challenge).toBeTruthy();
    expect(form(page, '/enrol-passkey')).toBeTruthy();
  });
});
