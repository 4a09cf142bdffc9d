/**
 * SMS through the generic HTTP gateway, against an HTTP server in the test: the
 * configured auth header goes along, the body template is filled in (JSON-escaped),
 * a 500 is tried again after its back-off, and a 2xx marks the message sent once.
 * `techpass outbox` shows SMS and mail alike.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { freePort, startTestServer, type TestServer } from './helpers/server.js';

interface GatewayRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`SMS through an HTTP gateway (${engine})`, () => {
  const requests: GatewayRequest[] = [];
  const answers: number[] = [500];
  let gateway: Server;
  let tp: TestServer;

  beforeAll(async () => {
    const port = await freePort();
    gateway = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        res.writeHead(answers.shift() ?? 202, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => gateway.listen(port, '127.0.0.1', resolve));
    tp = await startTestServer({
      env: {
        SMS_GATEWAY_URL: `http://127.0.0.1:${port}/v1/messages`,
        SMS_GATEWAY_AUTH_HEADER: 'Authorization: Bearer gateway-secret-123',
        SMS_GATEWAY_BODY: '{"msisdn":"{to}","message":"{text}","sender":"TechPass"}',
      },
      server: { deliveryRetryMs: 500 },
    });
  });
  afterAll(async () => {
    await tp?.close();
    await new Promise<void>((resolve) => gateway.close(() => resolve()));
  });

  it('posts the rendered body with the auth header, retries a 500 after its back-off, and marks a 2xx sent once', async () => {
    const text = 'Your TechPass activation code is 482 913.\n"Never" share it – it expires in 72 hours.';
    const id = await tp.server.store.outbox.enqueueSms({ to: '+6591234567', text });
    // Mail has no transport here (no SMTP_URL): it stays in the outbox, untried.
    const mailId = await tp.server.store.outbox.enqueue({ to: 'vendor@example.com', subject: 'Your TechPass username', text: 'vendor.one' });

    await tp.server.scheduler.runOnce('mail.delivery');
    expect(requests).toHaveLength(1);
    const [first] = requests;
    expect(first).toMatchObject({ method: 'POST', url: '/v1/messages' });
    expect(first!.headers.authorization).toBe('Bearer gateway-secret-123');
    expect(first!.headers['content-type']).toBe('application/json');
    expect(first!.headers['idempotency-key']).toBe(id);
    expect(JSON.parse(first!.body)).toEqual({ msisdn: '+6591234567', message: text, sender: 'TechPass' });
    let [stored] = await tp.server.store.outbox.recent(1, '+6591234567');
    expect(stored).toMatchObject({ id, channel: 'sms', sentAt: null, attempts: 1 });

    // Not yet due (2 × 500 ms): nothing is sent.
    await tp.server.scheduler.runOnce('mail.delivery');
    expect(requests).toHaveLength(1);

    await sleep(1100);
    await tp.server.scheduler.runOnce('mail.delivery');
    expect(requests).toHaveLength(2);
    expect(requests[1]!.body).toBe(first!.body);
    [stored] = await tp.server.store.outbox.recent(1, '+6591234567');
    expect(stored!.sentAt).not.toBeNull();
    expect(stored!.attempts).toBe(1);

    await sleep(1100);
    await tp.server.scheduler.runOnce('mail.delivery');
    expect(requests).toHaveLength(2);
    const [mail] = await tp.server.store.outbox.recent(1, 'vendor@example.com');
    expect(mail).toMatchObject({ id: mailId, channel: 'mail', sentAt: null, attempts: 0 });
  });

  it('refuses an SMS to a number that is not E.164', async () => {
    await expect(tp.server.store.outbox.enqueueSms({ to: '9123 4567', text: 'x' })).rejects.toThrow(/E\.164/);
    await expect(tp.server.store.outbox.enqueueSms({ to: '+65 9123 4567', text: 'x' })).rejects.toThrow(/E\.164/);
  });

  it('shows SMS and mail alike in techpass outbox, with their channel', async () => {
    const out = await runCli(['outbox', '--json', '--limit', '5'], tp.env);
    expect(out.code).toBe(0);
    const { messages } = out.json as { messages: Array<Record<string, unknown>> };
    const sms = messages.find((m) => m.to === '+6591234567')!;
    const mail = messages.find((m) => m.to === 'vendor@example.com')!;
    expect(Object.keys(sms).sort()).toEqual(['attempts', 'channel', 'createdAt', 'html', 'id', 'sentAt', 'subject', 'text', 'to']);
    expect(sms).toMatchObject({ channel: 'sms', subject: '', html: null });
    expect(mail).toMatchObject({ channel: 'mail', subject: 'Your TechPass username', sentAt: null });

    const onlySms = await runCli(['outbox', '--to', '+6591234567'], tp.env);
    expect(onlySms.code).toBe(0);
    expect(onlySms.stdout).toContain('SMS to +6591234567');
    expect(onlySms.stdout).toContain('482 913');
    expect(onlySms.stdout).not.toContain('vendor@example.com');
  });
});
