/**
 * A browser's session whose account is gone, or may no longer sign in (on hold,
 * disabled…), is no session: the next authorization request asks the person to
 * sign in (prompt=none learns login_required), never a 500. The session row is
 * left behind here on purpose, as a standing change that skipped the clean-up
 * would leave it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserStatus } from '../src/domain/users.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { form, HttpBrowser, text } from './helpers/http-browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { completeSignIn, finishAuthorization, signIn, startAuthorization } from './helpers/sign-in.js';

describe(`sessions of held or missing accounts (${engine})`, () => {
  let tp: TestServer;
  let app: Awaited<ReturnType<typeof application>>;
  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'portal');
    app = await application(tp, { namespace: 'portal', name: 'Docs Portal' });
  });
  afterAll(() => tp?.close());

  /** Signs `email` in, then changes what stands behind the browser's session. */
  async function signedInThenChanged(email: string, change: (userId: string, browser: HttpBrowser) => Promise<void>) {
    const account = await user(tp, email);
    const { browser } = await signIn(tp, { ...app, login: email, password: PASSWORD });
    await change(account.id, browser);
    return browser;
  }

  async function expectNoSession(browser: HttpBrowser) {
    // prompt=none: the application learns that a sign-in is needed.
    const silent = await startAuthorization(tp, { ...app, prompt: 'none' });
    const answer = await browser.follow(silent.url, {}, (u) => u.startsWith(app.redirectUri));
    expect(answer.stopped, `${answer.status} ${text(answer).slice(0, 200)}`).toBe(true);
    const back = new URL(answer.url);
    expect(back.searchParams.get('error')).toBe('login_required');
    expect(back.searchParams.get('state')).toBe(new URL(silent.url).searchParams.get('state'));

    // Otherwise: the sign-in page, asking who is signing in, as for a browser without a session.
    const start = await startAuthorization(tp, app);
    const page = await browser.follow(start.url, {}, (u) => u.startsWith(app.redirectUri));
    expect(page.stopped).toBe(false);
    expect(page.status, text(page).slice(0, 300)).toBe(200);
    expect(new URL(page.url).pathname).toMatch(/^\/login\//);
    expect(() => form(page, '/identify')).not.toThrow();
    return { start, page };
  }

  for (const status of ['high_risk', 'disabled', 'under_investigation'] as UserStatus[]) {
    it(`treats the session of an account put on ${status} as no session (login_required, else the sign-in page)`, async () => {
      const email = `held.${status.replace(/_/g, '')}@agency.gov.sg`;
      const browser = await signedInThenChanged(email, async (id) => {
        expect(await tp.server.store.accountStatuses.changeStatus(id as never, ['active'], status)).toBe(true);
      });
      await expectNoSession(browser);
      expect(tp.logs.filter((l) => Number(l.level) >= 50)).toEqual([]);
    });
  }

  it('treats a session whose account no longer exists as no session, and another account can then sign in', async () => {
    const browser = await signedInThenChanged('gone@agency.gov.sg', async (_id, b) => {
      const sid = b.cookies.get('techpass_session')!;
      const session = await tp.server.store.oidcModels.find('Session', sid);
      expect(session?.accountId).toBeTruthy();
      await tp.server.store.oidcModels.upsert('Session', sid, { ...session!, accountId: 'usr_no_such_account_0000000' }, 3600);
    });
    const { start, page } = await expectNoSession(browser);
    await user(tp, 'next.one@agency.gov.sg');
    const last = await completeSignIn(browser, page, { ...app, login: 'next.one@agency.gov.sg', password: PASSWORD });
    expect(last.stopped, text(last).slice(0, 300)).toBe(true);
    const tokens = await finishAuthorization(start, last.url);
    const next = await tp.server.store.users.findByLogin('next.one@agency.gov.sg');
    expect(tokens.claims()!.sub).toBe(next!.id);
    expect(tp.logs.filter((l) => Number(l.level) >= 50)).toEqual([]);
  });

  it('ignores a remembered-accounts cookie that is not valid percent-encoding', async () => {
    const browser = new HttpBrowser();
    const start = await startAuthorization(tp, app);
    browser.cookies.set('techpass_accounts', '%E0%A4%A');
    const page = await browser.follow(start.url);
    expect(page.status, text(page).slice(0, 300)).toBe(200);
    expect(() => form(page, '/identify')).not.toThrow();
    const identify = form(page, '/identify');
    const next = await browser.follow(identify.action, { form: { ...identify.fields, login: 'someone@agency.gov.sg' } });
    expect(next.status).toBe(200);
    expect(() => form(next, '/password')).not.toThrow();
  });
});
