/**
 * A phone listening on one node hears of a prompt made on another at once: on
 * PostgreSQL the nodes tell each other through LISTEN/NOTIFY; on SQLite (two
 * processes on one file) a node sees the other's commits in the file's commit
 * counter. The streams' own database poll is set to a minute here, so only those
 * can deliver within the test's deadline.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceFetch, openStream, signedAnswer } from './helpers/authenticator.js';
import { engine, freshDatabaseTarget } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { form, HttpBrowser } from './helpers/http-browser.js';
import { phoneOf } from './helpers/phone.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { startAuthorization } from './helpers/sign-in.js';

describe(`device streams across nodes (${engine})`, () => {
  let nodeA: TestServer;
  let nodeB: TestServer;
  let app: Awaited<ReturnType<typeof application>>;

  beforeAll(async () => {
    const target = await freshDatabaseTarget();
    const env = { MASTER_KEY: randomBytes(32).toString('hex') };
    nodeA = await startTestServer({ target, env, server: { streamPollMs: 60_000 } });
    nodeB = await startTestServer({ target, env, server: { streamPollMs: 60_000 } });
    await namespace(nodeB, 'nodes');
    app = await application(nodeB, { namespace: 'nodes', name: 'Two Nodes' });
  });
  afterAll(async () => {
    await nodeA?.close();
    await nodeB?.close();
  });

  it('streams a prompt made on node B to a phone on node A at once, and its closing once answered on node B', async () => {
    const login = 'far.phone@agency.gov.sg';
    await user(nodeB, login);
    const phone = phoneOf(nodeB, login)!;
    const abort = new AbortController();
    try {
      const { until, received } = await openStream(nodeA.url, phone, abort.signal);
      await until('retry:');

      const browser = new HttpBrowser();
      let page = await browser.follow((await startAuthorization(nodeB, app)).url);
      page = await browser.follow(form(page, '/identify').action, { form: { ...form(page, '/identify').fields, login } });
      page = await browser.follow(form(page, '/password').action, { form: { ...form(page, '/password').fields, password: PASSWORD } });
      const number = /data-testid="push-number"[^>]*>(\d+)</.exec(page.html)![1]!;

      await until('event: challenge');
      const id = /"id":"([^"]+)"/.exec(received())![1]!;
      const answered = await deviceFetch(nodeB.url, phone, 'POST', `/challenges/${id}`, signedAnswer(phone, id, 'approve', number));
      expect(answered.status).toBe(200);
      await until('event: closed');
    } finally {
      abort.abort();
    }
  });
});
