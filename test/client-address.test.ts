/**
 * Behind a proxy, the client is the rightmost X-Forwarded-For address that is not a
 * trusted proxy (TRUST_PROXY: addresses, CIDR ranges or a hop count). A client that
 * writes its own X-Forwarded-For entries cannot pick its address: not to escape the
 * per-address throttle, not to put a forged address in the request log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceFetch } from './helpers/authenticator.js';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { form, HttpBrowser, text } from './helpers/http-browser.js';
import { phoneOf } from './helpers/phone.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { startAuthorization } from './helpers/sign-in.js';

type App = Awaited<ReturnType<typeof application>>;

async function setUp(trustProxy?: string): Promise<{ tp: TestServer; app: App }> {
  const tp = await startTestServer({ env: { THROTTLE_FAILURES_PER_IP: '3', ...(trustProxy ? { TRUST_PROXY: trustProxy } : {}) } });
  await namespace(tp, 'proxied');
  const app = await application(tp, { namespace: 'proxied', name: 'Proxied' });
  for (const n of [1, 2, 3, 4, 5, 6]) await user(tp, `person${n}@agency.gov.sg`);
  return { tp, app };
}

/** One password attempt from a browser whose requests carry `forwardedFor`; answers the page it ends on. */
async function tryPassword(tp: TestServer, app: App, login: string, password: string, forwardedFor: string) {
  const browser = new HttpBrowser({ 'x-forwarded-for': forwardedFor });
  const start = await startAuthorization(tp, app);
  let page = await browser.follow(start.url);
  page = await browser.follow(form(page, '/identify').action, { form: { ...form(page, '/identify').fields, login } });
  return browser.follow(form(page, '/password').action, { form: { ...form(page, '/password').fields, password } }, (u) =>
    u.startsWith(app.redirectUri),
  );
}

/** The address the request log gave the last request with this header. */
async function loggedAddress(tp: TestServer, path: string, forwardedFor: string): Promise<unknown> {
  const marker = `${path}?probe=${Math.random()}`;
  await (await fetch(`${tp.url}${marker}`, { headers: { 'x-forwarded-for': forwardedFor } })).arrayBuffer();
  await new Promise((r) => setTimeout(r, 50));
  const line = tp.logs.filter((l) => l.msg === 'request' && l.path === path).at(-1);
  return line?.ip;
}

const randomAddress = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}`;

describe(`client address without a trusted proxy (${engine})`, () => {
  let tp: TestServer;
  let app: App;
  beforeAll(async () => ({ tp, app } = await setUp()));
  afterAll(() => tp?.close());

  it('ignores X-Forwarded-For: a new forged address per attempt does not escape the per-address throttle', async () => {
    for (const n of [1, 2, 3]) {
      const page = await tryPassword(tp, app, `person${n}@agency.gov.sg`, 'Wrong-Password-000', randomAddress());
      expect(page.status).toBe(401);
    }
    const blocked = await tryPassword(tp, app, 'person4@agency.gov.sg', PASSWORD, randomAddress());
    expect(blocked.stopped).toBe(false);
    expect(text(blocked)).toContain('Too many attempts');
  });

  it('logs the connection peer, on the provider path and on the pages', async () => {
    expect(await loggedAddress(tp, '/jwks', '203.0.113.66')).toBe('127.0.0.1');
    expect(await loggedAddress(tp, '/healthz', '203.0.113.66')).toBe('127.0.0.1');
  });
});

describe(`client address behind trusted proxies given by address (${engine})`, () => {
  let tp: TestServer;
  let app: App;
  // The test's connections come from 127.0.0.1: the trusted proxy; 10.1.2.3 is a second, inner proxy.
  beforeAll(async () => ({ tp, app } = await setUp('loopback, 10.0.0.0/8')));
  afterAll(() => tp?.close());

  it('takes the rightmost untrusted address: forged entries to its left change nothing, the throttle holds', async () => {
    for (const n of [1, 2, 3]) {
      const page = await tryPassword(tp, app, `person${n}@agency.gov.sg`, 'Wrong-Password-000', `${randomAddress()}, 203.0.113.7, 10.1.2.3`);
      expect(page.status).toBe(401);
    }
    const blocked = await tryPassword(tp, app, 'person4@agency.gov.sg', PASSWORD, `${randomAddress()}, 203.0.113.7`);
    expect(text(blocked)).toContain('Too many attempts');
    // Another client behind the same proxy is another address, not throttled.
    const other = await tryPassword(tp, app, 'person5@agency.gov.sg', PASSWORD, '203.0.113.8');
    expect(text(other)).not.toContain('Too many attempts');
  });

  it("shows the phone the client's address, not one the client wrote to its left", async () => {
    const page = await tryPassword(tp, app, 'person6@agency.gov.sg', PASSWORD, '6.6.6.6, 203.0.113.20, 10.1.2.3');
    expect(page.html).toContain('data-testid="push-number"');
    const phone = phoneOf(tp, 'person6@agency.gov.sg')!;
    const { challenges } = (await (await deviceFetch(phone.server, phone, 'GET', '/challenges')).json()) as { challenges: Array<{ ip: string }> };
    expect(challenges.map((c) => c.ip)).toEqual(['203.0.113.20']);
  });

  it('skips trusted hops and stops at the first untrusted one, on the provider path and on the pages', async () => {
    expect(await loggedAddress(tp, '/jwks', '6.6.6.6, 203.0.113.9, 10.1.2.3')).toBe('203.0.113.9');
    expect(await loggedAddress(tp, '/healthz', '6.6.6.6, 203.0.113.9, 10.1.2.3')).toBe('203.0.113.9');
    // A trusted address written by the client to the left of an untrusted one is not believed either.
    expect(await loggedAddress(tp, '/jwks', '10.9.9.9, 203.0.113.10')).toBe('203.0.113.10');
  });
});

describe(`client address behind a hop count of proxies (${engine})`, () => {
  let tp: TestServer;
  beforeAll(async () => ({ tp } = await setUp('1')));
  afterAll(() => tp?.close());

  it('trusts exactly that many hops: the entry the one proxy added is the client', async () => {
    expect(await loggedAddress(tp, '/jwks', '6.6.6.6, 203.0.113.11')).toBe('203.0.113.11');
    expect(await loggedAddress(tp, '/healthz', '6.6.6.6, 203.0.113.11')).toBe('203.0.113.11');
  });
});

describe(`TRUST_PROXY values (${engine})`, () => {
  it('refuses true, saying what to write instead, and a malformed range', async () => {
    const env = { DATA_DIR: '/nonexistent', DATABASE_URL: 'sqlite::memory:' };
    const yes = await runCli(['migrate'], { ...env, TRUST_PROXY: 'true' });
    expect(yes.code).not.toBe(0);
    expect(yes.stderr).toContain('TRUST_PROXY: true would believe any client');
    expect(yes.stderr).toContain('the number of proxies in front of TechPass (e.g. 1)');
    const bad = await runCli(['migrate'], { ...env, TRUST_PROXY: '10.0.0.0/40' });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('TRUST_PROXY: must be false, the number of proxies');
  });
});
