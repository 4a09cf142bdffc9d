/**
 * A phone listening on the node where the sign-in happens hears of the prompt
 * at once, not at the next database poll: the node's device streams are woken
 * when a prompt is created or answered there. The poll is set to a minute
 * here, so only the wake-up can deliver within the test's deadline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceFetch, openStream, signedAnswer } from './helpers/authenticator.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { form, HttpBrowser } from './helpers/http-browser.js';
import { phoneOf } from './helpers/phone.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { startAuthorization } from './helpers/sign-in.js';

describe(`device stream wake-up on the same node (${engine})`, () => {
  let tp: TestServer;
  let app: Awaited<ReturnType<typeof application>>;

  beforeAll(async () => {
    tp = await startTestServer({ server: { streamPollMs: 60_000 } });
    await namespace(tp, 'live');
    app = await application(tp, { namespace: 'live', name: 'Live App' });
  });
  afterAll(() => tp?.close());

  it('streams a new prompt to the phone at once, and its closing once answered', async () => {
    const login = 'live.phone@agency.gov.sg';
    await user(tp, login);
    const phone = phoneOf(tp, login)!;
    const abort = new AbortController();
    try {
      const { until, received } = await openStream(tp.url, phone, abort.signal);
      await until('retry:');

      const browser = new HttpBrowser();
      let page = await browser.follow((await startAuthorization(tp, app)).url);
      page = await browser.follow(form(page, '/identify').action, { form: { ...form(page, '/identify').fields, login } });
      page = await browser.follow(form(page, '/password').action, { form: { ...form(page, '/password').fields, password: PASSWORD } });
      const number = /data-testid="push-number"[^>]*>(\d+)</.exec(page.html)![1]!;

      await until('event: challenge');
      const id = /"id":"([^"]+)"/.exec(received())![1]!;
      expect(received()).toContain('"application":"Live App"');

      const answered = await deviceFetch(tp.url, phone, 'POST', `/challenges/${id}`, signedAnswer(phone, id, 'approve', number));
      expect(answered.status).toBe(200);
      await until('event: closed');
      expect(received()).toContain(`"id":"${id}"`);
    } finally {
      abort.abort();
    }
  });
});
