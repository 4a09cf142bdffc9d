/**
 * Web Push in the TechPass Authenticator web app, in a real browser: the app
 * offers notifications when the server has VAPID keys, and its service worker
 * turns a push message into a notification naming the application (delivered
 * through the DevTools Protocol, since a headless browser has no push service;
 * what TechPass sends to a push service is tested in test/push-web-push.test.ts).
 * Removing the account from the phone unregisters the phone at TechPass too.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateVapidKeys } from '../../src/platform/web-push.js';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { engine } from '../helpers/database.js';
import { namespace, user } from '../helpers/directory.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const EMAIL = 'notify.me@agency.gov.sg';

describe(`browser: authenticator notifications (${engine})`, { timeout: 120_000 }, () => {
  let tp: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let phone: Page;

  beforeAll(async () => {
    const vapid = generateVapidKeys();
    tp = await startTestServer({
      publicHost: 'localhost',
      env: { WEB_PUSH_PUBLIC_KEY: vapid.publicKey, WEB_PUSH_PRIVATE_KEY: vapid.privateKey },
    });
    await namespace(tp, 'demo');
    await user(tp, EMAIL, { phone: false });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 390, height: 780 }, isMobile: true, hasTouch: true });
    phone = await context.newPage();
    phone.setDefaultTimeout(30_000);
  });
  afterAll(async () => {
    await browser?.close();
    await tp?.close();
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && phone) await screenshot(phone, 'failed-authenticator-notifications');
  });

  it('offers notifications, and shows one naming the application when a push message arrives', async () => {
    const issued = await runCli(['authenticator', 'enrol-link', '--user', EMAIL, '--json'], tp.env);
    expect(issued.code, issued.stderr).toBe(0);
    await phone.goto((issued.json as { link: string }).link);
    await phone.getByRole('button', { name: 'Add account' }).click();
    await phone.getByText('Account added').waitFor();
    await phone.getByText('Turn on notifications so sign-in requests reach this phone').waitFor();
    await screenshot(phone, 'authenticator-notifications-offer');

    // The service worker's side: a push message becomes a notification that names the application, not the number.
    await context.grantPermissions(['notifications'], { origin: new URL(tp.issuer).origin });
    const cdp = await context.newCDPSession(phone);
    const registration = new Promise<string>((resolve) => {
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const found = registrations.find((r) => r.scopeURL.endsWith('/authenticator/') && !r.isDeleted);
        if (found) resolve(found.registrationId);
      });
    });
    await cdp.send('ServiceWorker.enable');
    const registrationId = await registration;
    await phone.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    const deliver = () =>
      cdp.send('ServiceWorker.deliverPushMessage', {
        origin: new URL(tp.issuer).origin,
        registrationId,
        data: JSON.stringify({ type: 'sign_in_request', challengeId: 'pch_test', application: 'Sample Service', expiresAt: Date.now() + 60_000 }),
      });
    const shown = async () =>
      phone.evaluate(async () =>
        (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag })),
      );
    // A message that reaches a worker still starting up can be dropped by the browser: deliver until it shows (same tag, one notification).
    const delivered = async () => {
      await deliver();
      return shown();
    };
    await expect.poll(delivered, { timeout: 15_000, interval: 1000 }).toEqual([
      {
        title: 'TechPass sign-in request',
        body: 'Signing in to Sample Service? Open the TechPass Authenticator and type the number shown on your computer.',
        tag: 'pch_test',
      },
    ]);
  });

  it('removing the account from the phone removes the phone from the account', async () => {
    const account = await tp.server.store.users.findByLogin(EMAIL);
    expect(await tp.server.store.push.devicesOf(account!.id)).toHaveLength(1);
    phone.once('dialog', (dialog) => void dialog.accept());
    await phone.getByRole('button', { name: `Remove ${EMAIL} from this phone` }).click();
    await phone.getByRole('heading', { name: 'Approve sign-ins with this phone' }).waitFor();
    await expect.poll(() => tp.server.store.push.devicesOf(account!.id)).toEqual([]);
  });
});
