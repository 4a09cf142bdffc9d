/**
 * The sign-in log through the management API: real sign-ins over HTTP (a success, a
 * wrong password, a wrong TOTP code, an account locked by wrong passwords, an unknown
 * TechPass ID), read back as the person (their own), as a tenant admin (only their
 * namespace's applications) and as a platform admin (everything), with filters,
 * pages and refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { administrationDeps } from '../src/cli/demo.js';
import { updateApplication } from '../src/flows/applications.js';
import { systemClock } from '../src/platform/clock.js';
import { api, apiToken, person } from './helpers/api.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { deviceFetch, signedAnswer } from './helpers/authenticator.js';
import { form, HttpBrowser } from './helpers/http-browser.js';
import { phoneOf } from './helpers/phone.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { completeSignIn, signIn, startAuthorization } from './helpers/sign-in.js';

type App = Awaited<ReturnType<typeof application>>;
interface Line {
  id: string;
  occurredAt: number;
  userId: string | null;
  login: string | null;
  clientId: string | null;
  application: string | null;
  namespace: string | null;
  ip: string | null;
  userAgent: string | null;
  factors: string[];
  result: 'succeeded' | 'failed';
  reason: string | null;
  correlationId: string | null;
  flowId: string | null;
}

describe(`sign-in log through the management API (${engine})`, () => {
  let tp: TestServer;
  let console_: App;
  let alphaApp: App;
  let betaApp: App;
  let offApp: App;
  const ids: Record<string, string> = {};
  const tokens: Record<'platform' | 'alphaAdmin' | 'carol', string> = { platform: '', alphaAdmin: '', carol: '' };
  let started = 0;

  /** One sign-in attempt in a fresh browser, stopping where the server refuses (a 401 page) or at the application. */
  async function attempt(app: App, login: string, o: { password?: string; totp?: () => string } = {}) {
    const browser = new HttpBrowser();
    const start = await startAuthorization(tp, app);
    const first = await browser.follow(start.url, {}, (u) => u.startsWith(app.redirectUri));
    return completeSignIn(browser, first, { ...app, login, password: o.password ?? PASSWORD, ...(o.totp ? { totp: o.totp } : {}) });
  }

  /** Signs in up to the push prompt, then denies it on the phone (the way the app's "No" does). */
  async function denyOnPhone(app: App, login: string) {
    const browser = new HttpBrowser();
    const back = (u: string) => u.startsWith(app.redirectUri);
    let page = await browser.follow((await startAuthorization(tp, app)).url, {}, back);
    let f = form(page, '/identify');
    page = await browser.follow(f.action, { form: { ...f.fields, login } }, back);
    f = form(page, '/password');
    page = await browser.follow(f.action, { form: { ...f.fields, password: PASSWORD } }, back);
    expect(page.html).toContain('data-testid="push-number"');
    const phone = phoneOf(tp, login)!;
    const waiting = (await (await deviceFetch(tp.url, phone, 'GET', '/challenges')).json()) as { challenges: Array<{ id: string }> };
    const id = waiting.challenges[0]!.id;
    const answered = await deviceFetch(tp.url, phone, 'POST', `/challenges/${id}`, signedAnswer(phone, id, 'deny', ''));
    expect(((await answered.json()) as { outcome: string }).outcome).toBe('denied');
  }

  const get = async (path: string, token: string) => {
    const answer = await api(tp, 'GET', path, { token });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body as { items: Line[]; nextCursor: string | null };
  };

  beforeAll(async () => {
    tp = await startTestServer({ env: { LOCKOUT_THRESHOLD: '3' } });
    started = Date.now();
    await namespace(tp, 'ops');
    await namespace(tp, 'alpha');
    await namespace(tp, 'beta');
    console_ = await application(tp, { namespace: 'ops', name: 'Admin console', isPublic: true, redirectUris: ['http://127.0.0.1/console/cb'] });
    const allowed = await updateApplication(administrationDeps(tp.server.store, systemClock), 'test', {
      namespace: 'ops',
      clientId: console_.clientId,
      changes: { managementApi: true },
    });
    expect(allowed.ok).toBe(true);
    alphaApp = await application(tp, { namespace: 'alpha', name: 'Alpha web' });
    betaApp = await application(tp, { namespace: 'beta', name: 'Beta web' });
    ids.root = (await person(tp, 'root@agency.gov.sg', { platformAdmin: true })).id;
    ids.alice = (await person(tp, 'alice@agency.gov.sg')).id;
    ids.carol = (await person(tp, 'carol@agency.gov.sg')).id;
    ids.lou = (await person(tp, 'lou@agency.gov.sg')).id;
    ids.dan = (await person(tp, 'dan@agency.gov.sg')).id;
    // Tina has no phone: her first sign-in enrols an authenticator app (oathtool's codes).
    ids.tina = (await user(tp, 'tina@agency.gov.sg', { phone: false })).id;
    const alpha = await tp.server.store.namespaces.findByName('alpha');
    await tp.server.store.forNamespace(alpha!.id).admins.add(ids.alice as never);
    tokens.platform = await apiToken(tp, console_, 'root@agency.gov.sg');
    tokens.alphaAdmin = await apiToken(tp, console_, 'alice@agency.gov.sg');
    tokens.carol = await apiToken(tp, console_, 'carol@agency.gov.sg');

    // Carol: a success at Alpha, then a wrong password at Alpha, then a success at Beta.
    await signIn(tp, { ...alphaApp, login: 'carol@agency.gov.sg', password: PASSWORD });
    expect((await attempt(alphaApp, 'carol@agency.gov.sg', { password: 'not-her-password-1' })).status).toBe(401);
    await signIn(tp, { ...betaApp, login: 'carol@agency.gov.sg', password: PASSWORD });
    // Tina: enrols TOTP at Beta (a success), then a wrong code at Alpha.
    await signIn(tp, { ...betaApp, login: 'tina@agency.gov.sg', password: PASSWORD });
    expect((await attempt(alphaApp, 'tina@agency.gov.sg', { totp: () => '000000' })).status).toBe(401);
    // Lou: three wrong passwords at Alpha lock the account; the right one is then refused unchecked.
    for (let i = 0; i < 3; i += 1) expect((await attempt(alphaApp, 'lou@agency.gov.sg', { password: `wrong-${i}-password` })).status).toBe(401);
    expect((await attempt(alphaApp, 'lou@agency.gov.sg')).status).toBe(401);
    // An application whose sign-in a platform admin turned off: refused as the sign-in opens.
    offApp = await application(tp, { namespace: 'beta', name: 'Beta old' });
    const off = await api(tp, 'PATCH', `/api/v1/namespaces/beta/applications/${offApp.clientId}`, {
      token: tokens.platform,
      body: { signInEnabled: false },
      headers: { 'if-match': '*' },
    });
    expect(off.status).toBe(200);
    const browser = new HttpBrowser();
    const refusedPage = await browser.follow((await startAuthorization(tp, offApp)).url, {}, (u) => u.startsWith(offApp.redirectUri));
    expect(refusedPage.stopped).toBe(false);
    // Dan says no on his phone, at Alpha.
    await denyOnPhone(alphaApp, 'dan@agency.gov.sg');
    // Someone who has no account at all, at Beta.
    expect((await attempt(betaApp, 'nobody@agency.gov.sg')).status).toBe(401);
  }, 120_000);
  afterAll(() => tp?.close());

  it('lets a person read their own sign-ins: successes and failures, with address, factors, correlation id and application', async () => {
    const own = await get('/api/v1/me/sign-ins', tokens.carol);
    expect(own.items.every((l) => l.userId === ids.carol)).toBe(true);
    const atAlpha = own.items.filter((l) => l.clientId === alphaApp.clientId);
    expect(atAlpha.map((l) => [l.result, l.reason])).toEqual([
      ['failed', 'wrong_password'],
      ['succeeded', null],
    ]);
    const [failed, succeeded] = atAlpha as [Line, Line];
    expect(succeeded).toMatchObject({
      namespace: 'alpha',
      application: 'Alpha web',
      factors: ['pwd', 'swk'],
      login: 'carol@agency.gov.sg',
      ip: '127.0.0.1',
    });
    expect(failed).toMatchObject({ namespace: 'alpha', factors: ['pwd'], ip: '127.0.0.1' });
    expect(failed.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(failed.flowId).toMatch(/^flw_/);
    expect(failed.occurredAt).toBeGreaterThanOrEqual(started);
    // Her sign-in to the console (the API token) and to Beta are hers too; newest first.
    expect(own.items.map((l) => l.clientId)).toEqual(expect.arrayContaining([console_.clientId, betaApp.clientId]));
    // Each line names its application (resolved by the server: Carol may not list any application).
    const named = new Map(own.items.map((l) => [l.clientId, l.application]));
    expect(named.get(console_.clientId)).toBe('Admin console');
    expect(named.get(betaApp.clientId)).toBe('Beta web');
    expect((await api(tp, 'GET', '/api/v1/namespaces/beta/applications', { token: tokens.carol })).status).toBe(403);
    const times = own.items.map((l) => l.occurredAt);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // Filters on her own: failures only.
    expect((await get('/api/v1/me/sign-ins?result=failed', tokens.carol)).items.map((l) => l.reason)).toEqual(['wrong_password']);
  });

  it('keeps the client id of an application deleted since, with no name', async () => {
    const gone = await application(tp, { namespace: 'beta', name: 'Beta short-lived' });
    await signIn(tp, { ...gone, login: 'carol@agency.gov.sg', password: PASSWORD });
    const before = (await get(`/api/v1/me/sign-ins?application=${gone.clientId}`, tokens.carol)).items;
    expect(before.map((l) => [l.clientId, l.application])).toEqual([[gone.clientId, 'Beta short-lived']]);
    const deleted = await api(tp, 'DELETE', `/api/v1/namespaces/beta/applications/${gone.clientId}`, { token: tokens.platform });
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(204);
    const after = (await get(`/api/v1/me/sign-ins?application=${gone.clientId}`, tokens.carol)).items;
    expect(after.map((l) => [l.clientId, l.application, l.result])).toEqual([[gone.clientId, null, 'succeeded']]);
  });

  it("shows a tenant admin only the sign-ins to their namespace's applications, and refuses another namespace", async () => {
    const seen = await get('/api/v1/sign-ins?limit=200', tokens.alphaAdmin);
    expect(seen.items.length).toBeGreaterThanOrEqual(7);
    expect(new Set(seen.items.map((l) => l.namespace))).toEqual(new Set(['alpha']));
    expect(seen.items.some((l) => l.clientId === betaApp.clientId || l.login === 'nobody@agency.gov.sg')).toBe(false);
    const viaNamespace = await get('/api/v1/namespaces/alpha/sign-ins?limit=200', tokens.alphaAdmin);
    expect(viaNamespace.items.map((l) => l.id)).toEqual(seen.items.map((l) => l.id));
    for (const path of ['/api/v1/sign-ins?namespace=beta', '/api/v1/namespaces/beta/sign-ins']) {
      const refused = await api(tp, 'GET', path, { token: tokens.alphaAdmin });
      expect(refused.status, path).toBe(403);
      expect(refused.body.error.code).toBe('access.forbidden');
    }
    // A person who administers nothing reads no one's sign-ins but their own.
    expect((await api(tp, 'GET', '/api/v1/sign-ins', { token: tokens.carol })).status).toBe(403);
  });

  it('shows a platform admin every sign-in: the wrong TOTP code, the lockout, the unknown TechPass ID', async () => {
    const tina = await get(`/api/v1/sign-ins?user=tina@agency.gov.sg`, tokens.platform);
    expect(tina.items.map((l) => [l.clientId, l.result, l.reason, l.factors])).toEqual([
      [alphaApp.clientId, 'failed', 'wrong_code', ['pwd', 'otp']],
      [betaApp.clientId, 'succeeded', null, ['pwd', 'otp']],
    ]);
    const lou = await get(`/api/v1/sign-ins?user=${ids.lou}&application=${alphaApp.clientId}`, tokens.platform);
    expect(lou.items.map((l) => l.reason)).toEqual(['locked', 'wrong_password', 'wrong_password', 'wrong_password']);
    const nobody = (await get(`/api/v1/sign-ins?application=${betaApp.clientId}&result=failed`, tokens.platform)).items;
    expect(nobody).toEqual([expect.objectContaining({ userId: null, login: 'nobody@agency.gov.sg', reason: 'unknown_account', namespace: 'beta' })]);
    const dan = (await get(`/api/v1/sign-ins?user=${ids.dan}`, tokens.platform)).items;
    expect(dan).toEqual([
      expect.objectContaining({ clientId: alphaApp.clientId, result: 'failed', reason: 'push_denied', factors: ['pwd', 'swk'], ip: '127.0.0.1' }),
    ]);
    const refusedAtOpen = (await get(`/api/v1/sign-ins?application=${offApp.clientId}`, tokens.platform)).items;
    expect(refusedAtOpen).toEqual([
      expect.objectContaining({ userId: null, result: 'failed', reason: 'sign_in_disabled', namespace: 'beta', ip: '127.0.0.1' }),
    ]);
    // Everything, and a time window that holds nothing.

    const all = await get('/api/v1/sign-ins?limit=200', tokens.platform);
    expect(new Set(all.items.map((l) => l.namespace))).toEqual(new Set(['ops', 'alpha', 'beta']));
    expect((await get(`/api/v1/sign-ins?to=${new Date(started).toISOString()}`, tokens.platform)).items).toEqual([]);
    expect((await get(`/api/v1/sign-ins?from=${started}&limit=200`, tokens.platform)).items.length).toBe(all.items.length);
    // An e-mail no account has: no lines (nothing said about whether it exists).
    expect((await get('/api/v1/sign-ins?user=ghost@agency.gov.sg', tokens.platform)).items).toEqual([]);
  });

  it('pages through the log with a cursor, newest first, without repeating or skipping a line', async () => {
    const all = (await get('/api/v1/sign-ins?limit=200', tokens.platform)).items.map((l) => l.id);
    const paged: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await get(`/api/v1/sign-ins?limit=3${query}`, tokens.platform);
      expect(page.items.length).toBeLessThanOrEqual(3);
      paged.push(...page.items.map((l) => l.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBeGreaterThan(2);
    expect(paged).toEqual(all);
  });

  it('refuses bad filters with 400 and the field at fault', async () => {
    for (const [query, field] of [
      ['result=maybe', 'result'],
      ['from=yesterday', 'from'],
      ['limit=0', 'limit'],
      ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
      [`from=${Date.now()}&to=${started}`, 'from'],
    ] as const) {
      const refused = await api(tp, 'GET', `/api/v1/sign-ins?${query}`, { token: tokens.platform });
      expect(refused.status, query).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'input.invalid', fields: [field] });
    }
    const unknown = await api(tp, 'GET', '/api/v1/namespaces/nowhere/sign-ins', { token: tokens.platform });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('namespace.not_found');
    expect((await api(tp, 'GET', '/api/v1/me/sign-ins')).status).toBe(401);
  });
});
