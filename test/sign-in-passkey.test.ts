/**
 * Passkeys at sign-in over HTTP, with a software authenticator that answers
 * navigator.credentials the way a browser's does (test/helpers/soft-authenticator.ts):
 * enrol, sign in, and the assertions that must fail (another origin, another
 * account's passkey, a replayed or stale challenge, a cloned authenticator).
 * The browser test with Chromium's virtual authenticator is test/e2e/passkey.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { decode, form, forms, HttpBrowser, text, type Page } from './helpers/http-browser.js';
import { approveOnPhone, phoneOf } from './helpers/phone.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { finishAuthorization, startAuthorization } from './helpers/sign-in.js';
import { SoftAuthenticator } from './helpers/soft-authenticator.js';

interface Options {
  challenge: string;
  rp: { id: string };
  rpId: string;
  user: { id: string };
  allowCredentials?: Array<{ id: string }>;
}

describe(`passkeys at sign-in (${engine})`, () => {
  let tp: TestServer;
  let app: Awaited<ReturnType<typeof application>>;
  let origin = '';

  beforeAll(async () => {
    tp = await startTestServer({ publicHost: 'localhost' });
    origin = new URL(tp.issuer).origin;
    await namespace(tp, 'keys');
    app = await application(tp, { namespace: 'keys', name: 'Key App' });
  });
  afterAll(() => tp?.close());

  const back = (u: string) => u.startsWith(app.redirectUri);
  const optionsOn = (page: Page) => JSON.parse(decode(/data-options="([^"]*)"/.exec(page.html)![1]!)) as Options;

  async function toSecondStep(login: string, acrValues?: string) {
    const browser = new HttpBrowser();
    const start = await startAuthorization(tp, { ...app, ...(acrValues ? { acrValues } : {}) });
    let page = await browser.follow(start.url);
    page = await browser.follow(form(page, '/identify').action, { form: { ...form(page, '/identify').fields, login } });
    page = await browser.follow(form(page, '/password').action, { form: { ...form(page, '/password').fields, password: PASSWORD } });
    return { browser, start, page };
  }
  const post = (browser: HttpBrowser, page: Page, step: string, fields: Record<string, string> = {}) => {
    const f = forms(page).find((x) => x.action.endsWith(`/${step}`) && (!fields.method || x.fields.method === fields.method));
    if (!f) throw new Error(`no ${step} form: ${text(page).slice(0, 300)}`);
    return browser.follow(f.action, { form: { ...f.fields, ...fields } }, back);
  };
  const finish = async (browser: HttpBrowser, start: Awaited<ReturnType<typeof startAuthorization>>, page: Page) => {
    const last = page.stopped ? page : await post(browser, page, 'terms');
    return finishAuthorization(start, last.url);
  };

  /** Signs `login` up for a passkey in the enrol step (an account without any factor). */
  async function enrolPasskey(login: string, authenticator: SoftAuthenticator) {
    const { browser, start, page } = await toSecondStep(login);
    const passkeyPage = await post(browser, page, 'enrol-choose', { method: 'hwk' });
    expect(text(passkeyPage)).toContain('Create a passkey');
    const done = await post(browser, passkeyPage, 'enrol-passkey', {
      response: JSON.stringify(authenticator.create(optionsOn(passkeyPage))),
      name: 'Soft key',
    });
    return finish(browser, start, done);
  }

  it('enrols a passkey (a wrong origin is refused first, and stores nothing), then completes at level 3', async () => {
    const login = 'soft.key@agency.gov.sg';
    const u = await user(tp, login, { phone: false });
    const authenticator = new SoftAuthenticator(origin);
    const { browser, start, page } = await toSecondStep(login);
    const passkeyPage = await post(browser, page, 'enrol-choose', { method: 'hwk' });
    const options = optionsOn(passkeyPage);
    expect(options).toMatchObject({
      rp: { id: 'localhost', name: 'TechPass' },
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    expect(Buffer.from(options.user.id, 'base64url').toString()).toBe(u.id);

    const phished = await post(browser, passkeyPage, 'enrol-passkey', {
      response: JSON.stringify(authenticator.create(options, { origin: 'https://techpass.evil.example' })),
    });
    expect(phished.status).toBe(401);
    expect(text(phished)).toContain('That passkey could not be verified');
    expect(await tp.server.store.passkeys.ofUser(u.id)).toEqual([]);
    const garbage = await post(browser, phished, 'enrol-passkey', { response: '{"id":"x"' });
    expect(garbage.status).toBe(401);

    const done = await post(browser, garbage, 'enrol-passkey', {
      response: JSON.stringify(authenticator.create(optionsOn(garbage))),
      name: 'Soft key',
    });
    const tokens = await finish(browser, start, done);
    expect(tokens.claims()).toMatchObject({ amr: ['pwd', 'hwk', 'mfa'], acr: 'urn:techpass:aal3' });
    const stored = await tp.server.store.passkeys.ofUser(u.id);
    expect(stored.map((p) => [p.label, p.credentialId])).toEqual([['Soft key', authenticator.credentials.at(-1)!.id.toString('base64url')]]);
  });

  it("signs in with the passkey and refuses replays, stale challenges, clones and other accounts' passkeys", async () => {
    const login = 'key.holder@agency.gov.sg';
    const other = 'key.other@agency.gov.sg';
    await user(tp, login, { phone: false });
    await user(tp, other, { phone: false });
    const mine = new SoftAuthenticator(origin);
    const theirs = new SoftAuthenticator(origin);
    await enrolPasskey(login, mine);
    await enrolPasskey(other, theirs);

    const { browser, start, page } = await toSecondStep(login);
    expect(text(page)).toContain('Use your passkey');
    const options = optionsOn(page);
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([mine.credentials[0]!.id.toString('base64url')]);

    // Another account's passkey, even signing this page's challenge, does not count.
    let next = await post(browser, page, 'passkey', { response: JSON.stringify(theirs.get(options)) });
    expect(next.status).toBe(401);
    // A reload made a new challenge: an assertion over the old one fails.
    next = await post(browser, next, 'passkey', { response: JSON.stringify(mine.get(options)) });
    expect(next.status).toBe(401);
    const good = mine.get(optionsOn(next), { counter: 10 });
    const done = await post(browser, next, 'passkey', { response: JSON.stringify(good) });
    const tokens = await finish(browser, start, done);
    expect(tokens.claims()).toMatchObject({ amr: ['pwd', 'hwk', 'mfa'], acr: 'urn:techpass:aal3' });
    const holder = (await tp.server.store.users.findByLogin(login))!;
    expect((await tp.server.store.passkeys.ofUser(holder.id))[0]!.counter).toBe(10);

    // The same assertion again, in a new sign-in: its challenge is not this one's.
    const second = await toSecondStep(login);
    const replayed = await post(second.browser, second.page, 'passkey', { response: JSON.stringify(good) });
    expect(replayed.status).toBe(401);
    // A cloned authenticator (its counter behind the one stored) fails.
    const cloned = await post(second.browser, replayed, 'passkey', { response: JSON.stringify(mine.get(optionsOn(replayed), { counter: 5 })) });
    expect(cloned.status).toBe(401);
    expect(text(cloned)).toContain('That passkey could not be verified');
    expect((await tp.server.store.passkeys.ofUser(holder.id))[0]!.counter).toBe(10);
    const failures = (await tp.server.store.audit.list({ targetId: holder.id, limit: 50 })).filter((e) => e.action === 'sign_in.passkey_failed');
    expect(failures).toHaveLength(4);
    // Each is a failed line of the sign-in log, newest first, with the successes between them.
    const lines = await tp.server.store.signInLog.query({ userId: holder.id, limit: 10 });
    expect(lines.map((l) => [l.result, l.reason, l.factors.join('+')])).toEqual([
      ['failed', 'passkey_failed', 'pwd+hwk'],
      ['failed', 'passkey_failed', 'pwd+hwk'],
      ['succeeded', null, 'pwd+hwk'],
      ['failed', 'passkey_failed', 'pwd+hwk'],
      ['failed', 'passkey_failed', 'pwd+hwk'],
      // The sign-in that enrolled the passkey.
      ['succeeded', null, 'pwd+hwk'],
    ]);
  });

  it('signs in with a passkey alone from the identify page (the passkey names the account), and refuses what it must', async () => {
    const login = 'no.password@agency.gov.sg';
    const u = await user(tp, login, { phone: false });
    const authenticator = new SoftAuthenticator(origin);
    await enrolPasskey(login, authenticator);

    const open = async () => {
      const browser = new HttpBrowser();
      const start = await startAuthorization(tp, app);
      return { browser, start, page: await browser.follow(start.url) };
    };
    let { browser, start, page } = await open();
    expect(text(page)).toContain('Sign in with a passkey');
    const options = optionsOn(page);
    // Any discoverable passkey: the browser offers the person theirs.
    expect(options.allowCredentials ?? []).toEqual([]);

    // A credential TechPass does not know is refused and changes nothing.
    const stranger = new SoftAuthenticator(origin);
    stranger.create({ challenge: options.challenge, rp: { id: 'localhost' }, user: { id: 'x' } });
    const unknown = await post(browser, page, 'passkey-sign-in', { response: JSON.stringify(stranger.get(options)) });
    expect(unknown.status).toBe(401);
    expect(text(unknown)).toContain('That passkey could not be verified');
    expect(text(unknown)).toContain('TechPass ID');

    const done = await post(browser, unknown, 'passkey-sign-in', { response: JSON.stringify(authenticator.get(optionsOn(unknown))) });
    const tokens = await finish(browser, start, done);
    expect(tokens.claims()).toMatchObject({ sub: u.id, amr: ['hwk', 'mfa'], acr: 'urn:techpass:aal3' });

    // The account's state still counts: a fraud report blocks a passkey sign-in too.
    await tp.server.store.accountStatuses.changeStatus(u.id, ['active'], 'high_risk');
    ({ browser, start, page } = await open());
    const blocked = await post(browser, page, 'passkey-sign-in', { response: JSON.stringify(authenticator.get(optionsOn(page))) });
    expect(text(blocked)).toContain('This account is under review');
    await tp.server.store.accountStatuses.changeStatus(u.id, ['high_risk'], 'active');
  });

  it('asks an account without a passkey for its factor, then to create a passkey, when the application requires level 3', async () => {
    const login = 'step.up@agency.gov.sg';
    await user(tp, login); // a phone only
    const { browser, start, page } = await toSecondStep(login, 'urn:techpass:aal3');
    expect(text(page)).toContain('Approve sign-in request');
    await approveOnPhone(phoneOf(tp, login)!, /data-testid="push-number"[^>]*>(\d+)</.exec(page.html)![1]!);
    const enrol = await post(browser, page, 'push');
    expect(text(enrol)).toContain('Create a passkey');
    // Only a passkey reaches level 3: no other method, and no "Not now".
    expect(forms(enrol).filter((f) => f.action.endsWith('/enrol-choose') || f.action.endsWith('/enrol-skip'))).toEqual([]);
    const done = await post(browser, enrol, 'enrol-passkey', { response: JSON.stringify(new SoftAuthenticator(origin).create(optionsOn(enrol))) });
    const tokens = await finish(browser, start, done);
    expect(tokens.claims()).toMatchObject({ amr: ['pwd', 'swk', 'hwk', 'mfa'], acr: 'urn:techpass:aal3' });
  });

  it('says a passkey is already registered and keeps the sign-in at the enrol step, where a new passkey completes it', async () => {
    const first = new SoftAuthenticator(origin);
    await user(tp, 'first.key@agency.gov.sg', { phone: false });
    await enrolPasskey('first.key@agency.gov.sg', first);
    const login = 'second.key@agency.gov.sg';
    const u = await user(tp, login, { phone: false });
    const { browser, start, page } = await toSecondStep(login);
    const passkeyPage = await post(browser, page, 'enrol-choose', { method: 'hwk' });
    // The same credential id as the first account's passkey (a cloned or reused authenticator).
    const clash = new SoftAuthenticator(origin).create(optionsOn(passkeyPage), { credentialId: first.credentials[0]!.id });
    const taken = await post(browser, passkeyPage, 'enrol-passkey', { response: JSON.stringify(clash), name: 'Clash' });
    expect(taken.status).not.toBe(500);
    expect(text(taken)).toContain('already registered to a TechPass account');
    expect(await tp.server.store.passkeys.ofUser(u.id)).toEqual([]);
    // Not a dead end: the same sign-in enrols a new passkey and completes.
    const fresh = new SoftAuthenticator(origin);
    const done = await post(browser, taken, 'enrol-passkey', { response: JSON.stringify(fresh.create(optionsOn(taken))), name: 'New key' });
    const tokens = await finish(browser, start, done);
    expect(tokens.claims()).toMatchObject({ amr: expect.arrayContaining(['pwd', 'hwk']) });
    expect(await tp.server.store.passkeys.ofUser(u.id)).toHaveLength(1);
  });
});
