/**
 * "Forgot your password?" as an attacker would use it: the answer is the same for known and
 * unknown accounts (the request only queues what was typed; a job sends the mail), and a
 * burst of requests cannot flood a mailbox or walk through accounts from one address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from './helpers/database.js';
import { user } from './helpers/directory.js';
import { form, HttpBrowser, text } from './helpers/http-browser.js';
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
});
