/**
 * A person's own second factors through the management API and the portal's session
 * (issue 20): adding an authenticator app (oathtool's codes), a passkey (a software
 * authenticator), the TechPass Authenticator (the headless authenticator opening the
 * link), and removing one. Each needs a recent sign-in with a second factor: a session
 * older than PORTAL_FRESH_SIGN_IN_MINUTES is refused until `/portal/login?fresh=1`
 * signs the person in again, the browser's live session notwithstanding.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolHeadless } from '../src/cli/headless-authenticator.js';
import { person } from './helpers/api.js';
import { engine } from './helpers/database.js';
import { PASSWORD } from './helpers/directory.js';
import { HttpBrowser, type Page } from './helpers/http-browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { completeSignIn } from './helpers/sign-in.js';
import { SoftAuthenticator } from './helpers/soft-authenticator.js';

describe(`one's own second factors (${engine})`, () => {
  let tp: TestServer;
  /** The server's clock runs this far ahead of the real one (to age a sign-in). */
  let ahead = 0;
  const callback = () => `${tp.issuer}/portal/callback`;

  beforeAll(async () => {
    tp = await startTestServer({ server: { clock: { now: () => Date.now() + ahead } } });
    await person(tp, 'fay@agency.gov.sg');
    await person(tp, 'gus@agency.gov.sg');
  });
  afterAll(() => tp?.close());

  interface Portal {
    browser: HttpBrowser;
    csrf: string;
    userId: string;
    /** How many times the sign-in asked for the password (a live session asks none). */
    passwords: number;
    /** Whether the first page came with the TechPass ID typed in. */
    prefilled: boolean;
  }

  /** A portal sign-in in `browser` (a new one unless given); `fresh` asks for a whole sign-in again. */
  async function portalSignIn(login: string, options: { browser?: HttpBrowser; fresh?: boolean } = {}): Promise<Portal> {
    const browser = options.browser ?? new HttpBrowser();
    const back = (u: string) => u.startsWith(callback());
    const first = await browser.follow(`${tp.issuer}/portal/login?returnTo=/portal/account/security${options.fresh ? '&fresh=1' : ''}`, {}, back);
    let passwords = 0;
    const prefilled = !first.stopped && first.html.includes(`value="${login}"`);
    let at: Page = first;
    if (!first.stopped) {
      if (first.html.includes('/password"') || first.html.includes('/identify"')) passwords += 1;
      at = await completeSignIn(browser, first, { clientId: '', redirectUri: callback(), login, password: PASSWORD });
    }
    expect(at.stopped, `stuck at ${at.url}`).toBe(true);
    const landed = await browser.request(at.url);
    expect(landed.status, await landed.clone().text()).toBe(303);
    const session = (await (await browser.request(`${tp.issuer}/portal/session`)).json()) as { csrfToken: string; userId: string };
    return { browser, csrf: session.csrfToken, userId: session.userId, passwords, prefilled };
  }

  async function call<T = Record<string, unknown>>(p: Portal, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${tp.issuer}/api/v1${path}`, {
      method,
      headers: {
        cookie: [...p.browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'x-csrf-token': p.csrf,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  const factors = async (p: Portal) =>
    (await call<{ items: Array<{ id: string; type: string; label: string }> }>(p, 'GET', `/users/${p.userId}/factors`)).body.items;
  const totp = (seed: string) => execFileSync('oathtool', ['--totp', '-b', seed], { encoding: 'utf8' }).trim();
  const mailsTo = async (to: string) => tp.server.store.outbox.recent(50, to);

  it('adds an authenticator app after a fresh sign-in; an old sign-in is asked to sign in again, even with a live session', async () => {
    const fay = await portalSignIn('fay@agency.gov.sg');
    expect(fay.passwords).toBe(1);
    // Just signed in: fresh. Eleven minutes later: no longer.
    ahead = 11 * 60_000;
    const stale = await call(fay, 'POST', '/me/factor-enrolments', { method: 'totp' });
    expect(stale.status).toBe(403);
    expect(stale.body).toMatchObject({ error: { code: 'session.fresh_sign_in_required' } });

    ahead = 0;
    // The browser's TechPass session is live, but fresh=1 asks for the password and the second factor again.
    const before = new HttpBrowser();
    before.cookies.set('techpass_portal', fay.browser.cookies.get('techpass_portal')!);
    const again = await portalSignIn('fay@agency.gov.sg', { browser: fay.browser, fresh: true });
    expect(again.passwords).toBe(1);
    expect(again.prefilled).toBe(true);
    expect(again.userId).toBe(fay.userId);
    // The session it replaced is gone.
    expect((await call({ ...fay, browser: before }, 'GET', '/me')).status).toBe(401);

    const started = await call<{ id: string; totp: { secret: string; uri: string; qrSvg: string } }>(again, 'POST', '/me/factor-enrolments', {
      method: 'totp',
    });
    expect(started.status).toBe(201);
    expect(started.body.totp.uri).toMatch(/^otpauth:\/\/totp\/TechPass:fay%40agency\.gov\.sg\?/);
    expect(started.body.totp.qrSvg).toMatch(/^<svg/);
    const wrong = await call(again, 'POST', `/me/factor-enrolments/${started.body.id}/complete`, { code: '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ error: { code: 'input.invalid', fields: ['code'] } });
    expect(await factors(again)).toHaveLength(1);

    // Someone else's session cannot finish it.
    const gus = await portalSignIn('gus@agency.gov.sg');
    const foreign = await call(gus, 'POST', `/me/factor-enrolments/${started.body.id}/complete`, { code: totp(started.body.totp.secret) });
    expect(foreign.status).toBe(404);

    const done = await call<{ id: string; type: string; label: string }>(again, 'POST', `/me/factor-enrolments/${started.body.id}/complete`, {
      code: totp(started.body.totp.secret),
      label: 'Work phone app',
    });
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ type: 'totp', label: 'Work phone app' });
    expect((await factors(again)).map((f) => f.type).sort()).toEqual(['authenticator', 'totp']);
    // Used once.
    const twice = await call(again, 'POST', `/me/factor-enrolments/${started.body.id}/complete`, { code: totp(started.body.totp.secret) });
    expect(twice.status).toBe(404);
    expect((await mailsTo('fay@agency.gov.sg')).map((m) => m.subject)).toContain('An authenticator app (verification codes) was added to your TechPass account');
    const events = await tp.server.store.audit.list({ targetId: fay.userId, limit: 100 });
    expect(events.find((e) => e.action === 'mfa.enrolled')?.data).toMatchObject({ method: 'otp', via: 'portal_session' });
    ahead = 0;
  });

  it('ends a TOTP enrolment after five wrong codes', async () => {
    const gus = await portalSignIn('gus@agency.gov.sg');
    const started = await call<{ id: string }>(gus, 'POST', '/me/factor-enrolments', { method: 'totp' });
    for (let i = 0; i < 4; i += 1) expect((await call(gus, 'POST', `/me/factor-enrolments/${started.body.id}/complete`, { code: '000000' })).status).toBe(400);
    const fifth = await call(gus, 'POST', `/me/factor-enrolments/${started.body.id}/complete`, { code: '000000' });
    expect(fifth.status).toBe(404);
    expect(fifth.body).toMatchObject({ error: { code: 'user.enrolment_not_found' } });
  });

  it('adds a passkey made by the browser; a response to another challenge is refused', async () => {
    await person(tp, 'ivy@agency.gov.sg');
    const gus = await portalSignIn('ivy@agency.gov.sg');
    const authenticator = new SoftAuthenticator(tp.issuer);
    const started = await call<{ id: string; passkey: { options: { challenge: string; rp: { id: string }; user: { id: string } } } }>(
      gus,
      'POST',
      '/me/factor-enrolments',
      { method: 'passkey' },
    );
    expect(started.status).toBe(201);
    const forged = authenticator.create({ ...started.body.passkey.options, challenge: 'A'.repeat(43) });
    const refused = await call(gus, 'POST', `/me/factor-enrolments/${started.body.id}/complete`, { response: forged });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { fields: ['response'] } });
    const made = authenticator.create(started.body.passkey.options);
    const done = await call(gus, 'POST', `/me/factor-enrolments/${started.body.id}/complete`, { response: made, label: 'Laptop' });
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ type: 'passkey', label: 'Laptop' });
  });

  it('adds the TechPass Authenticator once the phone has opened the link', async () => {
    await person(tp, 'jon@agency.gov.sg');
    const gus = await portalSignIn('jon@agency.gov.sg');
    const started = await call<{ id: string; authenticator: { link: string; qrSvg: string } }>(gus, 'POST', '/me/factor-enrolments', {
      method: 'authenticator',
    });
    expect(started.status).toBe(201);
    expect(started.body.authenticator.link).toContain('/authenticator/enrol#');
    const early = await call(gus, 'POST', `/me/factor-enrolments/${started.body.id}/complete`, {});
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ error: { code: 'user.enrolment_pending' } });
    expect((await call(gus, 'GET', `/me/factor-enrolments/${started.body.id}`)).body).toMatchObject({ ready: false });

    const file = join(mkdtempSync(join(tmpdir(), 'tp-own-')), 'device.json');
    await enrolHeadless(started.body.authenticator.link, file, 'Second phone', false);
    expect((await call(gus, 'GET', `/me/factor-enrolments/${started.body.id}`)).body).toMatchObject({ ready: true });
    const done = await call(gus, 'POST', `/me/factor-enrolments/${started.body.id}/complete`, {});
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ type: 'authenticator', label: 'Second phone' });
  });

  it('removes one of one’s own factors (other sessions end, this one stays), never the last', async () => {
    await person(tp, 'hal@agency.gov.sg');
    const hal = await portalSignIn('hal@agency.gov.sg');
    const elsewhere = await portalSignIn('hal@agency.gov.sg');
    const [phone] = await factors(hal);
    const last = await call(hal, 'DELETE', `/users/${hal.userId}/factors/${phone!.id}`);
    expect(last.status).toBe(409);
    expect(last.body).toMatchObject({ error: { code: 'user.factor_last' } });

    const started = await call<{ id: string; totp: { secret: string } }>(hal, 'POST', '/me/factor-enrolments', { method: 'totp' });
    expect((await call(hal, 'POST', `/me/factor-enrolments/${started.body.id}/complete`, { code: totp(started.body.totp.secret) })).status).toBe(201);
    const removed = await call(hal, 'DELETE', `/users/${hal.userId}/factors/${phone!.id}`);
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ type: 'authenticator' });
    expect((await factors(hal)).map((f) => f.type)).toEqual(['totp']);
    expect((await call(hal, 'GET', '/me')).status).toBe(200);
    expect((await call(elsewhere, 'GET', '/me')).status).toBe(401);
    expect((await mailsTo('hal@agency.gov.sg')).map((m) => m.subject)).toContain('Your TechPass Authenticator was removed from TechPass');

    // Another person's factor is not one's own: a platform admin's business.
    const gus = await portalSignIn('gus@agency.gov.sg');
    const [hers] = await factors(hal);
    const foreign = await call(gus, 'DELETE', `/users/${hal.userId}/factors/${hers!.id}`);
    expect(foreign.status).toBe(403);
    expect(await factors(hal)).toHaveLength(1);
  });

  it('refuses adding and removing with a stale sign-in, and to a token caller', async () => {
    const gus = await portalSignIn('gus@agency.gov.sg');
    ahead = 11 * 60_000;
    const [one] = await factors(gus);
    const removal = await call(gus, 'DELETE', `/users/${gus.userId}/factors/${one!.id}`);
    expect(removal.status).toBe(403);
    expect(removal.body).toMatchObject({ error: { code: 'session.fresh_sign_in_required' } });
    ahead = 0;
    const noSession = await fetch(`${tp.issuer}/api/v1/me/factor-enrolments`, {
      method: 'POST',
      headers: { authorization: 'Bearer not-a-token', 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'totp' }),
    });
    expect(noSession.status).toBe(401);
    const bad = await call(gus, 'POST', '/me/factor-enrolments', { method: 'sms' });
    expect(bad.status).toBe(400);
  });
});
