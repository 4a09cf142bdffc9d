/**
 * The device authorization grant (RFC 8628) as a third-party terminal client uses it
 * (openid-client), with the person approving in a browser (password and TOTP codes
 * from oathtool): the TechPass CLI application (`techpass-cli`, ensured at start),
 * tokens for the management API, deny, wrong, used and expired codes, brute force of
 * user codes, polling too fast, and only applications allowed the grant.
 */
import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from './helpers/api.js';
import { engine } from './helpers/database.js';
import { approveDevice, cancel, confirmAndSignIn, deviceProblem, enterUserCode, openCompleteUri, totpPerson } from './helpers/device.js';
import { application, namespace } from './helpers/directory.js';
import { HttpBrowser, text } from './helpers/http-browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const SEED = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const CLI = 'techpass-cli';
const USER_CODE = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;

async function cliConfig(tp: TestServer, clientId = CLI) {
  return client.discovery(new URL(tp.issuer), clientId, undefined, client.None(), { execute: [client.allowInsecureRequests] });
}

/** One raw poll of the token endpoint: the status and the JSON answer. */
async function poll(tp: TestServer, deviceCode: string, clientId = CLI) {
  const res = await fetch(`${tp.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: deviceCode, client_id: clientId }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe(`device authorization grant (${engine})`, () => {
  let tp: TestServer;
  const resource = () => `${tp.issuer}/api`;
  const start = async () => client.initiateDeviceAuthorization(await cliConfig(tp), { scope: 'openid offline_access api', resource: resource() });

  beforeAll(async () => {
    // Each browser below comes from its own address (X-Forwarded-For from loopback), so the per-address limit of wrong codes is tested alone.
    tp = await startTestServer({ env: { TRUST_PROXY: 'loopback' } });
    await totpPerson(tp, 'dana@agency.gov.sg', SEED);
  }, 60_000);
  afterAll(() => tp?.close());

  it('is advertised, and answers a device code, a user code in the base-20 charset, the verification URIs and the interval', async () => {
    const config = await cliConfig(tp);
    expect(config.serverMetadata().device_authorization_endpoint).toBe(`${tp.issuer}/device/auth`);
    const started = await start();
    expect(started.user_code).toMatch(USER_CODE);
    expect(started.verification_uri).toBe(`${tp.issuer}/device`);
    expect(started.verification_uri_complete).toBe(`${tp.issuer}/device?user_code=${started.user_code}`);
    expect(started.interval).toBe(5);
    expect(started.expires_in).toBeGreaterThan(500);
    expect(started.expires_in).toBeLessThanOrEqual(600);
  });

  it('is approved by the person with password and TOTP: the terminal gets management API tokens that work on /api/v1/me, and refresh', async () => {
    const config = await cliConfig(tp);
    const started = await start();
    expect(await poll(tp, started.device_code)).toMatchObject({ status: 400, body: { error: 'authorization_pending' } });

    const browser = new HttpBrowser({ 'x-forwarded-for': '198.51.100.10' });
    const confirmation = await enterUserCode(browser, started.verification_uri, started.user_code.toLowerCase().replace('-', ' '));
    expect(text(confirmation)).toContain('TechPass CLI');
    expect(text(confirmation)).toContain(started.user_code);
    // The page policy: no script may run, forms carry the provider's CSRF field.
    expect(confirmation.headers?.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(confirmation.html).not.toContain('<script');
    expect(confirmation.html).toContain('name="xsrf"');
    const done = await confirmAndSignIn(browser, confirmation, 'dana@agency.gov.sg');
    expect(done.html).toContain('data-testid="device-success"');

    const tokens = await client.pollDeviceAuthorizationGrant(config, started, { resource: resource() });
    expect(tokens.refresh_token).toBeTruthy();
    const claims = decodeJwt(tokens.access_token);
    expect(claims).toMatchObject({ aud: resource(), client_id: CLI });
    const me = await api(tp, 'GET', '/api/v1/me', { token: tokens.access_token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: 'dana@agency.gov.sg' });

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!, { resource: resource() });
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect((await api(tp, 'GET', '/api/v1/me', { token: refreshed.access_token })).status).toBe(200);

    // The code is spent: typed again, the page says so; polled again, the grant is refused.
    const again = await enterUserCode(new HttpBrowser({ 'x-forwarded-for': '198.51.100.11' }), started.verification_uri, started.user_code);
    expect(deviceProblem(again)).toBe('used');
    await new Promise((r) => setTimeout(r, 5_100)); // past the polling interval
    expect((await poll(tp, started.device_code)).body.error).toBe('invalid_grant');
  }, 90_000);

  it('takes the link with the code in it (verification_uri_complete) to the same confirmation', async () => {
    const started = await start();
    const browser = new HttpBrowser({ 'x-forwarded-for': '198.51.100.20' });
    const confirmation = await openCompleteUri(browser, started.verification_uri_complete!);
    expect(text(confirmation)).toContain(started.user_code);
    const done = await approveDeviceFrom(browser, confirmation);
    expect(done.html).toContain('data-testid="device-success"');
    const tokens = await client.pollDeviceAuthorizationGrant(await cliConfig(tp), started, { resource: resource() });
    expect((await api(tp, 'GET', '/api/v1/me', { token: tokens.access_token })).status).toBe(200);
  }, 90_000);

  const approveDeviceFrom = (browser: HttpBrowser, confirmation: Awaited<ReturnType<typeof enterUserCode>>) =>
    confirmAndSignIn(browser, confirmation, 'dana@agency.gov.sg');

  it('is denied when the person cancels: the terminal gets access_denied, the code is spent', async () => {
    const started = await start();
    const browser = new HttpBrowser({ 'x-forwarded-for': '198.51.100.30' });
    const confirmation = await enterUserCode(browser, started.verification_uri, started.user_code);
    const cancelled = await cancel(browser, confirmation);
    expect(deviceProblem(cancelled)).toBe('aborted');
    expect(await poll(tp, started.device_code)).toMatchObject({ status: 400, body: { error: 'access_denied' } });
  });

  it('answers slow_down to a terminal polling faster than the interval', async () => {
    const started = await start();
    const answers = [];
    for (let i = 0; i < 3; i += 1) answers.push((await poll(tp, started.device_code)).body.error);
    // Three polls within milliseconds: at most one lands in a new interval.
    expect(answers).toContain('slow_down');
    expect(answers.filter((e) => e === 'slow_down').length).toBeGreaterThanOrEqual(1);
    expect(answers.every((e) => e === 'slow_down' || e === 'authorization_pending')).toBe(true);
  });

  it('says a wrong code is wrong, and stops looking codes up after 10 wrong ones from one address', async () => {
    const browser = new HttpBrowser({ 'x-forwarded-for': '203.0.113.99' });
    const wrong = await enterUserCode(browser, `${tp.issuer}/device`, 'BBBB-BBBB');
    expect(wrong.status).toBe(200);
    expect(deviceProblem(wrong)).toBe('not_found');
    expect(text(wrong)).toContain('That code is not right');
    for (let i = 0; i < 9; i += 1)
      expect(deviceProblem(await enterUserCode(browser, `${tp.issuer}/device`, `BBBB-BBB${'CDFGHJKLM'[i]}`))).toBe('not_found');
    const started = await start();
    // Even the right code is not looked up from this address now.
    const throttled = await enterUserCode(browser, `${tp.issuer}/device`, started.user_code);
    expect(throttled.status).toBe(429);
    expect(deviceProblem(throttled)).toBe('throttled');
    // Another address is not held back.
    const other = await enterUserCode(new HttpBrowser({ 'x-forwarded-for': '203.0.113.100' }), `${tp.issuer}/device`, started.user_code);
    expect(text(other)).toContain(started.user_code);
    expect(deviceProblem(other)).toBeUndefined();
  });

  it("keeps the CLI's application in the platform namespace, whose name no tenant may take", async () => {
    const cli = await tp.server.store.clients.findApplication(CLI);
    expect(cli).toMatchObject({ name: 'TechPass CLI', isPublic: true, deviceGrant: true, managementApi: true, redirectUris: [] });
    expect((await tp.server.store.namespaces.findById(cli!.namespaceId))?.name).toBe('techpass');
    await expect(namespace(tp, 'techpass')).rejects.toThrow('name is reserved for the platform');
  });

  it('is refused to applications not allowed the grant (confidential, or public without it)', async () => {
    await namespace(tp, 'devgrant');
    const confidential = await application(tp, { namespace: 'devgrant', name: 'Web' });
    const publicApp = await application(tp, { namespace: 'devgrant', name: 'SPA', isPublic: true, redirectUris: ['http://127.0.0.1/cb'] });
    for (const [id, secret] of [
      [confidential.clientId, confidential.clientSecret],
      [publicApp.clientId, undefined],
    ] as const) {
      const res = await fetch(`${tp.issuer}/device/auth`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(secret ? { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` } : {}),
        },
        body: new URLSearchParams({ client_id: id, scope: 'openid' }),
      });
      const body = (await res.json()) as { error: string; error_description: string };
      // oidc-provider's answer to a client without the grant type.
      expect(body).toEqual({
        error: 'invalid_request',
        error_description: 'urn:ietf:params:oauth:grant-type:device_code is not allowed for this client',
      });
      expect(res.status).toBe(400);
    }
  });
});

describe(`device authorization grant: expiry (${engine})`, () => {
  let tp: TestServer;
  beforeAll(async () => {
    tp = await startTestServer({ env: { DEVICE_CODE_TTL: '5' } });
    await totpPerson(tp, 'erin@agency.gov.sg', SEED);
  }, 60_000);
  afterAll(() => tp?.close());

  it('expires codes: the page says so, the terminal gets expired_token', async () => {
    const config = await cliConfig(tp);
    const started = await client.initiateDeviceAuthorization(config, { scope: 'openid api', resource: `${tp.issuer}/api` });
    expect(started.expires_in).toBeLessThanOrEqual(5);
    await new Promise((r) => setTimeout(r, 6_000));
    const page = await enterUserCode(new HttpBrowser(), started.verification_uri, started.user_code);
    expect(deviceProblem(page)).toBe('expired');
    expect(text(page)).toContain('expired');
    expect(await poll(tp, started.device_code)).toMatchObject({ status: 400, body: { error: 'expired_token' } });
  }, 30_000);

  it('still signs a person in within the time', async () => {
    const config = await cliConfig(tp);
    const started = await client.initiateDeviceAuthorization(config, { scope: 'openid api', resource: `${tp.issuer}/api` });
    const done = await approveDevice(tp, started.user_code, 'erin@agency.gov.sg');
    expect(done.html).toContain('data-testid="device-success"');
  }, 30_000);
});
