/**
 * /dev/outbox: in embedded mode (SQLite, loopback, no SMTP, no SMS gateway) the newest
 * mail and SMS, with clickable links, so a newcomer finishes in the browser; any
 * production configuration (PostgreSQL, SMTP or an SMS gateway) answers 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from './helpers/database.js';
import { PASSWORD, user } from './helpers/directory.js';
import { decode, form, HttpBrowser, type Page } from './helpers/http-browser.js';
import { waitForMail } from './helpers/mail.js';
import { startTestServer, type TestServer } from './helpers/server.js';

function expectPageHeaders(page: Page) {
  const csp = page.headers!.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('script-src');
  expect(page.headers!.get('x-frame-options')).toBe('DENY');
  expect(page.headers!.get('cache-control')).toBe('no-store');
  expect(page.html).not.toContain('<script');
}

// SQLite on loopback without SMTP is the embedded default; the PostgreSQL project runs the same server as production.
const embedded = engine === 'sqlite';

describe(`/dev/outbox with the default configuration (${engine}: ${embedded ? 'embedded' : 'production'})`, () => {
  let tp: TestServer;
  beforeAll(async () => {
    tp = await startTestServer();
    await user(tp, 'newcomer@agency.gov.sg');
  });
  afterAll(() => tp?.close());

  it(
    embedded
      ? 'shows the newest mail and SMS, and its link finishes a password reset in the browser'
      : 'is not served on PostgreSQL (404), though the messages are in the outbox',
    async () => {
      const browser = new HttpBrowser();
      let page = await browser.follow(`${tp.url}/login/reset`);
      const f = form(page, '/login/reset');
      await browser.follow(f.action, { form: { ...f.fields, login: 'newcomer@agency.gov.sg' } });
      await waitForMail(tp, 'newcomer@agency.gov.sg', 'Reset your TechPass password');
      await tp.server.store.outbox.enqueueSms({ to: '+6598765432', text: 'Your TechPass activation code is 731 044.' });

      page = await browser.follow(`${tp.url}/dev/outbox`);
      if (!embedded) {
        expect(page.status).toBe(404);
        expect(page.html).not.toContain('/login/reset/');
        return;
      }
      expect(page.status).toBe(200);
      expectPageHeaders(page);
      const articles = page.html.split('data-testid="outbox-message"').slice(1);
      expect(articles[0]).toContain('data-channel="sms"');
      expect(articles[0]).toContain('+6598765432');
      expect(articles[0]).toContain('731 044');
      expect(articles[1]).toContain('data-channel="mail"');
      expect(articles[1]).toContain('newcomer@agency.gov.sg');
      expect(articles[1]).toContain('Reset your TechPass password');

      const href = decode(/<a href="([^"]+)" data-testid="outbox-link">/.exec(articles[1]!)![1]!);
      expect(href.startsWith(`${tp.issuer}/login/reset/`)).toBe(true);
      page = await browser.follow(href.replace(tp.issuer, tp.url));
      expect(page.status).toBe(200);
      const reset = form(page, href.slice(tp.issuer.length));
      page = await browser.follow(reset.action, { form: { ...reset.fields, password: `New-${PASSWORD}`, confirm: `New-${PASSWORD}` } });
      expect(page.status).toBe(200);
      expect(page.html).toContain('Your password is changed');
    },
  );
});

describe(`/dev/outbox in a production configuration (${engine})`, () => {
  it('answers 404 when SMTP is configured', async () => {
    const tp = await startTestServer({ env: { SMTP_URL: 'smtp://127.0.0.1:1' } });
    try {
      const page = await new HttpBrowser().follow(`${tp.url}/dev/outbox`);
      expect(page.status).toBe(404);
    } finally {
      await tp.close();
    }
  });

  it('answers 404 when an SMS gateway is configured', async () => {
    const tp = await startTestServer({ env: { SMS_GATEWAY_URL: 'http://127.0.0.1:1/sms' } });
    try {
      const page = await new HttpBrowser().follow(`${tp.url}/dev/outbox`);
      expect(page.status).toBe(404);
    } finally {
      await tp.close();
    }
  });
});
