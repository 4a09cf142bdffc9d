/**
 * "Forgot your password?" as an attacker would use it: the answer is the same for known and
 * unknown accounts (the request only queues what was typed; a job sends the mail), and a
 * burst of requests cannot flood a mailbox or walk through accounts from one address,
 * and a form posted from elsewhere (no CSRF token of this browser's) is refused.
 * And as the person who asked: one mail per request, whose link works, however the job's
 * runs meet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_RESET_MAIL_JOB } from '../src/jobs/password-reset-mail.js';
import { ManualClock } from '../src/platform/clock.js';
import { engine } from './helpers/database.js';
import { user } from './helpers/directory.js';
import { form, forms, HttpBrowser, text } from './helpers/http-browser.js';
import { waitForMail } from './helpers/mail.js';
import { startTestServer, type TestServer } from './helpers/server.js';

describe(`password reset requests (${engine})`, () => {
  let tp: TestServer;
  beforeAll(async () => {
    tp = await startTestServer();
    await user(tp, 'bombed@agency.gov.sg');
    await user(tp, 'second@agency.gov.sg');
  });
  afterAll(() => tp?.close());

  const request = async (login: string) => {
    const browser = new HttpBrowser();
    const page = await browser.follow(`${tp.url}/login/reset`);
    return browser.follow(form(page, '/login/reset').action, { form: { ...form(page, '/login/reset').fields, login } });
  };
  const resetMails = async (to: string) => (await tp.server.store.outbox.recent(100, to)).filter((m) => m.subject === 'Reset your TechPass password');

  it('answers a known and an unknown account alike, and sends mail only to the known one', async () => {
    const known = await request('second@agency.gov.sg');
    const unknown = await request('nobody.here@agency.gov.sg');
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(text(known)).toBe(text(unknown));
    await waitForMail(tp, 'second@agency.gov.sg', 'Reset your TechPass password');
    expect(await tp.server.store.outbox.recent(5, 'nobody.here@agency.gov.sg')).toEqual([]);
  });

  it('sends one person at most three reset mails an hour, and one address at most twenty requests', async () => {
    const pages = await Promise.all(Array.from({ length: 40 }, () => request('bombed@agency.gov.sg')));
    expect(pages.every((p) => p.status === 200 && text(p).includes('Check your e-mail'))).toBe(true);
    await waitForMail(tp, 'bombed@agency.gov.sg', 'Reset your TechPass password');
    // The job (every second) has taken the whole queue by now.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await resetMails('bombed@agency.gov.sg')).toHaveLength(3);
    const me = await tp.server.store.users.findByLogin('bombed@agency.gov.sg');
    const limited = (await tp.server.store.audit.list({ targetId: me!.id, limit: 100 })).filter((e) => e.action === 'password.reset_limited');
    expect(limited.length).toBeGreaterThan(0);
    // This address has used up its requests: a request for someone else is answered alike and sends nothing.
    const before = (await resetMails('second@agency.gov.sg')).length;
    expect(text(await request('second@agency.gov.sg'))).toContain('Check your e-mail');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await resetMails('second@agency.gov.sg')).toHaveLength(before);
  });

  it("refuses a reset request without its form's CSRF token and shows the form again with a fresh one", async () => {
    const browser = new HttpBrowser();
    const res = await browser.request(`${tp.url}/login/reset`);
    const secret = res.headers.getSetCookie().find((c) => c.startsWith('techpass_csrf='));
    expect(secret).toMatch(/; Path=\//);
    expect(secret).toMatch(/; HttpOnly/);
    expect(secret).toMatch(/; SameSite=Strict/);
    const page = { url: `${tp.url}/login/reset`, status: res.status, html: await res.text(), stopped: false };
    const action = form(page, '/login/reset').action;

    const forged = await browser.follow(action, { form: { csrf: 'forged', login: 'second@agency.gov.sg' } });
    expect(forged.status).toBe(403);
    expect(text(forged)).toContain('The form expired. Please send it again.');
    const missing = await browser.follow(action, { form: { login: 'second@agency.gov.sg' } });
    expect(missing.status).toBe(403);
    // Another browser's token is not this one's.
    const stranger = await new HttpBrowser().follow(action, { form: { ...form(page, '/login/reset').fields, login: 'second@agency.gov.sg' } });
    expect(stranger.status).toBe(403);

    const again = await browser.follow(action, { form: { ...form(forged, '/login/reset').fields, login: 'nobody.else@agency.gov.sg' } });
    expect(again.status).toBe(200);
    expect(text(again)).toContain('Check your e-mail');
  });

  it('answers a form whose fields are not text with the form again, not an error', async () => {
    const browser = new HttpBrowser();
    const page = await browser.follow(`${tp.url}/login/reset`);
    const { action, fields } = form(page, '/login/reset');
    const body = new URLSearchParams({ csrf: fields.csrf! });
    body.append('login', 'a@agency.gov.sg');
    body.append('login', 'b@agency.gov.sg');
    const res = await fetch(action, {
      method: 'POST',
      headers: { cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(form({ url: action, status: res.status, html: await res.text(), stopped: false }, '/login/reset').fields.csrf).toBeTruthy();
  });
});

describe(`password reset mail (${engine})`, () => {
  // The server's clock moves only when told, so the test decides when a job lease lapses.
  const clock = new ManualClock(Date.now());
  let tp: TestServer;
  beforeAll(async () => {
    tp = await startTestServer({ server: { clock } });
  });
  afterAll(() => tp?.close());

  it("sends each request one link, and it works, when the job's runs on this node meet", async () => {
    const logins = ['meet.a@agency.gov.sg', 'meet.b@agency.gov.sg', 'meet.c@agency.gov.sg'];
    for (const login of logins) await user(tp, login);
    // Another node takes the job's lease (once this node's has lapsed) and holds it while the requests queue...
    for (let tries = 0; ; tries += 1) {
      clock.advance(2_001);
      if (await tp.server.store.leases.acquire(PASSWORD_RESET_MAIL_JOB, 'another-node', 10_000)) break;
      expect(tries).toBeLessThan(20);
    }
    const browsers = new Map<string, HttpBrowser>();
    for (const login of logins) {
      const browser = new HttpBrowser();
      const page = await browser.follow(`${tp.url}/login/reset`);
      const ask = form(page, '/login/reset');
      expect((await browser.follow(ask.action, { form: { ...ask.fields, login } })).status).toBe(200);
      browsers.set(login, browser);
    }
    expect(await tp.server.store.outbox.recent(10)).toEqual([]);
    // ...then dies: when its lease lapses, this node's every-second run and the requests' own runs start together.
    clock.advance(10_001);
    expect(await Promise.all([1, 2, 3].map(() => tp.server.scheduler.runOnce(PASSWORD_RESET_MAIL_JOB)))).toEqual([true, true, true]);

    for (const login of logins) {
      const mails = (await tp.server.store.outbox.recent(10, login)).filter((m) => m.subject === 'Reset your TechPass password');
      expect(mails).toHaveLength(1);
      const browser = browsers.get(login)!;
      const link = /https?:\/\/\S+\/login\/reset\/[\w.-]+/.exec(mails[0]!.text)![0];
      let page = await browser.follow(link.replace(tp.issuer, tp.url));
      expect(page.status, text(page)).toBe(200);
      const reset = forms(page).find((f) => f.action.includes('/login/reset/'))!;
      page = await browser.follow(reset.action, {
        form: { ...reset.fields, password: 'Another-Long-Passphrase-42', confirm: 'Another-Long-Passphrase-42' },
      });
      expect(page.status, text(page)).toBe(200);
    }
  });
});
