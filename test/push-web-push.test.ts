/**
 * Web Push wakes the TechPass Authenticator when a sign-in waits for it: VAPID
 * keys from the CLI, a device subscribing over the signed device API, a push
 * service on loopback receiving what TechPass sends, and the browser's half of
 * RFC 8291 decrypting it. The payload names the request, never its number.
 */
import { importJWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceFetch } from './helpers/authenticator.js';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { form, HttpBrowser } from './helpers/http-browser.js';
import { phoneOf } from './helpers/phone.js';
import { browserSubscription, startPushService, type PushService } from './helpers/push-service.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { startAuthorization } from './helpers/sign-in.js';

describe(`Web Push to the authenticator (${engine})`, () => {
  let tp: TestServer;
  let pushService: PushService;
  let app: Awaited<ReturnType<typeof application>>;
  let vapid: { publicKey: string; privateKey: string };

  beforeAll(async () => {
    const keys = await runCli(['authenticator', 'vapid-keys', '--json'], {});
    expect(keys.code, keys.stderr).toBe(0);
    vapid = keys.json as typeof vapid;
    pushService = await startPushService();
    tp = await startTestServer({
      env: {
        WEB_PUSH_PUBLIC_KEY: vapid.publicKey,
        WEB_PUSH_PRIVATE_KEY: vapid.privateKey,
        WEB_PUSH_SUBJECT: 'mailto:security@agency.gov.sg',
        // The push service of this test listens on loopback over http.
        OUTBOUND_ALLOW_PRIVATE: 'true',
      },
    });
    await namespace(tp, 'wake');
    app = await application(tp, { namespace: 'wake', name: 'Push App' });
  });
  afterAll(async () => {
    await tp?.close();
    await pushService?.close();
  });

  async function toPushPage(login: string) {
    const browser = new HttpBrowser();
    const start = await startAuthorization(tp, app);
    let page = await browser.follow(start.url);
    page = await browser.follow(form(page, '/identify').action, { form: { ...form(page, '/identify').fields, login } });
    page = await browser.follow(form(page, '/password').action, { form: { ...form(page, '/password').fields, password: PASSWORD } });
    return Number(/data-testid="push-number"[^>]*>(\d+)</.exec(page.html)![1]);
  }

  it('wakes a subscribed phone with an encrypted, VAPID-signed message that names the request but not its number', async () => {
    const login = 'woken.phone@agency.gov.sg';
    const u = await user(tp, login);
    const phone = phoneOf(tp, login)!;
    const key = (await (await fetch(`${tp.url}/api/v1/authenticator/web-push`)).json()) as { publicKey: string };
    expect(key).toEqual({ publicKey: vapid.publicKey });

    const browserSide = browserSubscription(`${pushService.origin}/push/phone-1`);
    const subscribed = await deviceFetch(tp.url, phone, 'PUT', '/devices/me/web-push', browserSide.subscription);
    expect(subscribed.status).toBe(204);
    expect((await tp.server.store.push.findDevice(phone.deviceId))?.webPush).toEqual(browserSide.subscription);

    const delivered = pushService.next('/push/phone-1');
    const number = await toPushPage(login);
    const delivery = await delivered;

    expect(delivery.headers['content-encoding']).toBe('aes128gcm');
    expect(delivery.headers.urgency).toBe('high');
    expect(Number(delivery.headers.ttl)).toBeGreaterThan(0);
    expect(Number(delivery.headers.ttl)).toBeLessThanOrEqual(90);
    // VAPID (RFC 8292): a JWT for this push service signed with our key, and the key itself.
    const vapidHeader = /^vapid t=([^,]+), k=(.+)$/.exec(delivery.headers.authorization ?? '');
    expect(vapidHeader?.[2]).toBe(vapid.publicKey);
    const point = Buffer.from(vapid.publicKey, 'base64url');
    const verifyKey = await importJWK(
      { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
      'ES256',
    );
    const { payload: claims } = await jwtVerify(vapidHeader![1]!, verifyKey, { audience: pushService.origin });
    expect(claims.sub).toBe('mailto:security@agency.gov.sg');

    const message = JSON.parse(browserSide.decrypt(delivery.body)) as Record<string, unknown>;
    const [pending] = await tp.server.store.push.pendingChallenges(u.id);
    expect(message).toEqual({ type: 'sign_in_request', challengeId: pending!.id, application: 'Push App', expiresAt: pending!.expiresAt });
    expect(pending!.number).toBe(number);
    expect(JSON.stringify(message)).not.toContain(`"number"`);
  });

  it('refuses bad subscriptions, forgets one the push service says is gone, and lets a device unsubscribe', async () => {
    const login = 'gone.phone@agency.gov.sg';
    await user(tp, login);
    const phone = phoneOf(tp, login)!;
    const put = (body: unknown) => deviceFetch(tp.url, phone, 'PUT', '/devices/me/web-push', body);

    const badKey = await put({ endpoint: `${pushService.origin}/push/x`, keys: { p256dh: 'short', auth: 'AAAAAAAAAAAAAAAAAAAAAA' } });
    expect(badKey.status).toBe(400);
    expect(await badKey.json()).toMatchObject({ error: 'input.invalid', field: 'keys.p256dh' });
    const notUrl = await put({ ...browserSubscription('x').subscription, endpoint: 'javascript:alert(1)' });
    expect(notUrl.status).toBe(400);
    const unsigned = await fetch(`${tp.url}/api/v1/authenticator/devices/me/web-push`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(browserSubscription(`${pushService.origin}/push/y`).subscription),
    });
    expect(unsigned.status).toBe(401);
    expect((await tp.server.store.push.findDevice(phone.deviceId))?.webPush).toBeNull();

    expect((await put(browserSubscription(`${pushService.origin}/gone/phone-2`).subscription)).status).toBe(204);
    const delivered = pushService.next('/gone/phone-2');
    await toPushPage(login);
    await delivered;
    await expect.poll(async () => (await tp.server.store.push.findDevice(phone.deviceId))?.webPush, { timeout: 5000 }).toBeNull();

    expect((await put(browserSubscription(`${pushService.origin}/push/phone-2`).subscription)).status).toBe(204);
    expect((await deviceFetch(tp.url, phone, 'DELETE', '/devices/me/web-push')).status).toBe(204);
    expect((await tp.server.store.push.findDevice(phone.deviceId))?.webPush).toBeNull();
  });

  it('audits a device turning notifications off, naming the device and who asked', async () => {
    const login = 'quiet.phone@agency.gov.sg';
    const u = await user(tp, login);
    const phone = phoneOf(tp, login)!;
    expect(
      (await deviceFetch(tp.url, phone, 'PUT', '/devices/me/web-push', browserSubscription(`${pushService.origin}/push/quiet`).subscription)).status,
    ).toBe(204);
    expect((await deviceFetch(tp.url, phone, 'DELETE', '/devices/me/web-push')).status).toBe(204);
    expect((await tp.server.store.push.findDevice(phone.deviceId))?.webPush).toBeNull();
    const events = (await tp.server.store.audit.list({ targetId: u.id, limit: 100 })).filter(
      (e) => e.action === 'authenticator.web_push_unsubscribed',
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: u.id, targetType: 'user', targetId: u.id, data: { deviceId: phone.deviceId, subscribed: true } });
  });

  it('refuses a push service at a private address or over plain http, unless OUTBOUND_ALLOW_PRIVATE says so (422, its own code)', async () => {
    const strict = await startTestServer({
      env: { WEB_PUSH_PUBLIC_KEY: vapid.publicKey, WEB_PUSH_PRIVATE_KEY: vapid.privateKey, WEB_PUSH_SUBJECT: 'mailto:security@agency.gov.sg' },
    });
    try {
      const login = 'strict.phone@agency.gov.sg';
      await user(strict, login);
      const phone = phoneOf(strict, login)!;
      for (const endpoint of [`${pushService.origin}/push/private`, 'http://push.example.com/push/plain']) {
        const answer = await deviceFetch(strict.url, phone, 'PUT', '/devices/me/web-push', { ...browserSubscription('x').subscription, endpoint });
        expect(answer.status).toBe(422);
        expect(await answer.json()).toMatchObject({ error: 'authenticator.web_push_endpoint_refused', field: 'endpoint' });
      }
      expect((await strict.server.store.push.findDevice(phone.deviceId))?.webPush).toBeNull();
    } finally {
      await strict.close();
    }
  });

  it('says when Web Push is not configured, and a half-configured key pair stops start-up', async () => {
    const plain = await startTestServer();
    try {
      const answer = await fetch(`${plain.url}/api/v1/authenticator/web-push`);
      expect(answer.status).toBe(404);
      expect(await answer.json()).toMatchObject({ error: 'authenticator.web_push_not_configured' });
    } finally {
      await plain.close();
    }
    const half = await runCli(['migrate'], { WEB_PUSH_PUBLIC_KEY: vapid.publicKey, DATABASE_URL: 'sqlite::memory:' });
    expect(half.code).not.toBe(0);
    expect(half.stderr).toContain('WEB_PUSH_PUBLIC_KEY: set both WEB_PUSH_PUBLIC_KEY and WEB_PUSH_PRIVATE_KEY, or neither');
  });
});
