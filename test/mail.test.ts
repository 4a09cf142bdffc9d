/** Mail leaves through real SMTP when SMTP_URL is set, and waits in the outbox when the server is down. */
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from './helpers/database.js';
import { user } from './helpers/directory.js';
import { form, HttpBrowser } from './helpers/http-browser.js';
import { waitForMail } from './helpers/mail.js';
import { freePort, startTestServer, type TestServer } from './helpers/server.js';

interface Received {
  from: string;
  to: string[];
  data: string;
}

describe(`mail delivery over SMTP (${engine})`, () => {
  const received: Received[] = [];
  let smtp: SMTPServer;
  let tp: TestServer;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    smtp = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            data,
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', resolve));
    tp = await startTestServer({ env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'TechPass <no-reply@techpass.test>' } });
    await user(tp, 'mail.me@agency.gov.sg');
  });
  afterAll(async () => {
    await tp?.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('sends the password-reset link to the account e-mail over SMTP and marks it sent', async () => {
    const browser = new HttpBrowser();
    let page = await browser.follow(`${tp.url}/login/reset`);
    const f = form(page, '/login/reset');
    page = await browser.follow(f.action, { form: { ...f.fields, login: 'mail.me@agency.gov.sg' } });
    expect(page.status).toBe(200);
    await waitForMail(tp, 'mail.me@agency.gov.sg', 'Reset your TechPass password');
    expect(await tp.server.scheduler.runOnce('mail.delivery')).toBe(true);
    expect(received).toHaveLength(1);
    expect(received[0]!.from).toBe('no-reply@techpass.test');
    expect(received[0]!.to).toEqual(['mail.me@agency.gov.sg']);
    expect(received[0]!.data).toContain('Subject: Reset your TechPass password');
    expect(received[0]!.data).toContain(`${tp.issuer}/login/reset/`);
    const [message] = await tp.server.store.outbox.recent(1, 'mail.me@agency.gov.sg');
    expect(message?.sentAt).not.toBeNull();
  });

  it('keeps a message in the outbox with its error while the SMTP server is unreachable', async () => {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    const id = await tp.server.store.outbox.enqueue({ to: 'mail.me@agency.gov.sg', subject: 'Later', text: 'body' });
    await tp.server.scheduler.runOnce('mail.delivery');
    const [message] = await tp.server.store.outbox.recent(1, 'mail.me@agency.gov.sg');
    expect(message).toMatchObject({ id, sentAt: null, attempts: 1 });
  });
});
