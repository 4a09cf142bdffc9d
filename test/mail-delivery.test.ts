/**
 * The outbox against a real SMTP server: while it is down (connection refused, then
 * 421 at the greeting) nothing is lost, and once it is up each message arrives once,
 * as a branded mail with a plain-text and an HTML part.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { ManualClock } from '../src/platform/clock.js';
import { GIVE_UP_AFTER_MS } from '../src/persistence/repositories/mail-outbox.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from './helpers/database.js';
import { user } from './helpers/directory.js';
import { form, HttpBrowser } from './helpers/http-browser.js';
import { waitForMail } from './helpers/mail.js';
import { freePort, startTestServer, type TestServer } from './helpers/server.js';

const PEOPLE = ['first.down@agency.gov.sg', 'second.down@agency.gov.sg'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`mail delivery while the SMTP server is down, then up (${engine})`, () => {
  const received: ParsedMail[] = [];
  let accepting = false;
  let greetings = 0;
  let smtp: SMTPServer | undefined;
  let tp: TestServer;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    tp = await startTestServer({
      env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'TechPass <no-reply@techpass.test>' },
      server: { deliveryRetryMs: 50 },
    });
    for (const email of PEOPLE) await user(tp, email);
  });
  afterAll(async () => {
    await tp?.close();
    if (smtp) await new Promise<void>((resolve) => smtp!.close(() => resolve()));
  });

  const pendingOf = async (email: string) => (await tp.server.store.outbox.recent(10, email)).filter((m) => m.channel === 'mail');

  it('keeps the reset mails while nothing listens, while the server answers 421, and sends each once when it is up', async () => {
    for (const email of PEOPLE) {
      const browser = new HttpBrowser();
      const page = await browser.follow(`${tp.url}/login/reset`);
      const f = form(page, '/login/reset');
      expect((await browser.follow(f.action, { form: { ...f.fields, login: email } })).status).toBe(200);
      await waitForMail(tp, email, 'Reset your TechPass password');
    }

    // Down: connection refused.
    expect(await tp.server.scheduler.runOnce('mail.delivery')).toBe(true);
    for (const email of PEOPLE) {
      const [message] = await pendingOf(email);
      expect(message).toMatchObject({ sentAt: null, attempts: 1 });
    }

    // Down: the server is there but refuses at the greeting (421, "try again later").
    smtp = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onConnect(_session, callback) {
        greetings += 1;
        if (accepting) return callback();
        const refused = Object.assign(new Error('Service not available, try again later'), { responseCode: 421 });
        return callback(refused);
      },
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((parsed) => {
            received.push(parsed);
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve) => smtp!.listen(port, '127.0.0.1', resolve));
    // The first retry waits 2 × 50 ms; run until both were tried a second time.
    for (let i = 0; i < 40 && (await Promise.all(PEOPLE.map(pendingOf))).some(([m]) => m!.attempts < 2); i++) {
      await sleep(50);
      await tp.server.scheduler.runOnce('mail.delivery');
    }
    expect(greetings).toBeGreaterThanOrEqual(1);
    expect(received).toHaveLength(0);
    // (The job's own timer may have tried once more meanwhile: at least two attempts, none sent.)
    const triedWhileDown = new Map<string, number>();
    for (const email of PEOPLE) {
      const [message] = await pendingOf(email);
      expect(message!.sentAt).toBeNull();
      expect(message!.attempts).toBeGreaterThanOrEqual(2);
      triedWhileDown.set(email, message!.attempts);
    }

    // Up: each message goes once, after its back-off (4 × 50 ms).
    accepting = true;
    for (let i = 0; i < 60 && received.length < PEOPLE.length; i++) {
      await sleep(50);
      await tp.server.scheduler.runOnce('mail.delivery');
    }
    // More runs send nothing more.
    for (let i = 0; i < 3; i++) await tp.server.scheduler.runOnce('mail.delivery');
    await sleep(100);
    await tp.server.scheduler.runOnce('mail.delivery');

    expect(received.map((m) => (Array.isArray(m.to) ? m.to[0] : m.to)!.value[0]!.address).sort()).toEqual([...PEOPLE].sort());
    for (const email of PEOPLE) {
      const [stored] = await pendingOf(email);
      expect(stored!.sentAt).not.toBeNull();
      expect(stored!.attempts).toBe(triedWhileDown.get(email));
      const mail = received.find((m) => (Array.isArray(m.to) ? m.to[0] : m.to)!.text === email)!;
      expect(mail.subject).toBe('Reset your TechPass password');
      expect(mail.from!.value[0]!.address).toBe('no-reply@techpass.test');
      expect(mail.messageId).toBe(`<${stored!.id}@techpass.test>`);
      const link = /https?:\/\/\S+\/login\/reset\/[\w.-]+/.exec(mail.text!)![0];
      expect(link.startsWith(`${tp.issuer}/login/reset/`)).toBe(true);
      expect(mail.text).toContain(`your TechPass ID: ${email}`);
      expect(mail.text).toMatch(/The link above works until \d{4}-\d\d-\d\d \d\d:\d\d UTC\./);
      expect(mail.html).toContain(`<a href="${link}">`);
      expect(mail.html).toContain('TechPass');
      expect(mail.html).toContain(`your TechPass ID: ${email}`);
    }
  });
});

describe(`the outbox claim (${engine})`, () => {
  let tp: TestServer;
  const clock = new ManualClock(Date.now());
  beforeAll(async () => {
    tp = await startTestServer({ server: { clock } });
  });
  afterAll(() => tp?.close());

  it('lets one sender at a time have a message, and records it sent once', async () => {
    const outbox = tp.server.store.outbox;
    const id = await outbox.enqueue({ to: 'claim@agency.gov.sg', subject: 'Once', text: 'body' });
    const claims = await Promise.all([outbox.claim(id, 60_000), outbox.claim(id, 60_000), outbox.claim(id, 60_000)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect((await outbox.pending(50, ['mail'])).map((m) => m.id)).not.toContain(id);
    await outbox.markSent(id);
    const [sent] = await outbox.recent(1, 'claim@agency.gov.sg');
    await outbox.markSent(id);
    await outbox.markFailed(id, 'late failure');
    expect(await outbox.recent(1, 'claim@agency.gov.sg')).toEqual([sent]);
    expect(await outbox.claim(id, 60_000)).toBe(false);
  });

  it('tries a message for three days, with back-off, then leaves it with its error', async () => {
    const outbox = tp.server.store.outbox;
    const id = await outbox.enqueue({ to: 'give.up@agency.gov.sg', subject: 'Tried', text: 'body' });
    const due = async () => (await outbox.pending(50, ['mail'])).some((m) => m.id === id);
    expect(await outbox.claim(id, 60_000)).toBe(true);
    await outbox.markFailed(id, 'connection refused', clock.now() + 10_000);
    expect(await due()).toBe(false);
    clock.advance(10_000);
    expect(await due()).toBe(true);
    clock.advance(GIVE_UP_AFTER_MS);
    expect(await due()).toBe(false);
    expect((await outbox.recent(1, 'give.up@agency.gov.sg'))[0]).toMatchObject({ id, sentAt: null, attempts: 1 });
  });
});
