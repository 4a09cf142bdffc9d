/**
 * In two real browsers: the TechPass Authenticator web app on a "phone" (its own
 * browser context, a phone-sized screen) and a "computer" signing in to the
 * sample service. The phone enrols from a one-time link made by the CLI, with a
 * non-extractable WebCrypto key; the computer shows a number; the person types
 * it on the phone and taps Yes, and the computer's page moves on by itself.
 * Then "No, it's not me" + Report, and the computer says the account is under review.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { engine } from '../helpers/database.js';
import { namespace, PASSWORD, user } from '../helpers/directory.js';
import { startSample, type SampleService } from '../helpers/sample-service.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const EMAIL = 'mei_ling@agency.gov.sg';
const PHONE_UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';

describe(`browser: TechPass Authenticator web app (${engine})`, { timeout: 120_000 }, () => {
  let tp: TestServer;
  let sample: SampleService;
  let browser: Browser;
  let phoneContext: BrowserContext;
  let phone: Page;
  const computers: BrowserContext[] = [];
  let computer: Page | undefined;
  let link = '';

  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'demo');
    // No factor yet: the phone below is the account's only authenticator.
    await user(tp, EMAIL, { givenName: 'Mei Ling', phone: false });
    sample = await startSample(tp, 'demo');
    browser = await launchBrowser();
    phoneContext = await browser.newContext({
      viewport: { width: 390, height: 780 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      userAgent: PHONE_UA,
    });
    phone = await phoneContext.newPage();
    phone.setDefaultTimeout(60_000);
  });
  afterAll(async () => {
    await browser?.close();
    await sample?.close();
    await tp?.close();
  });

  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    const name = task.name.slice(0, 30).replace(/\W+/g, '-');
    if (phone) await screenshot(phone, `failed-phone-${name}`);
    if (computer) await screenshot(computer, `failed-computer-${name}`);
  });

  /** A fresh computer: signs in to the sample service with the password and answers the push page's number. */
  async function computerToPushPage(): Promise<{ page: Page; number: string }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    computers.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    computer = page;
    await page.goto(sample.url);
    await page.getByRole('link', { name: 'Login with TechPass' }).click();
    await page.getByLabel('TechPass ID').fill(EMAIL);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Approve sign-in request' }).waitFor();
    const number = (await page.getByTestId('push-number').textContent())!.trim();
    expect(number).toMatch(/^\d\d$/);
    return { page, number };
  }

  const requestCard = () => phone.locator('article.request[data-challenge]');

  it('enrols the phone from a one-time link with a non-extractable key kept in IndexedDB', async () => {
    const issued = await runCli(['authenticator', 'enrol-link', '--user', EMAIL, '--json'], tp.env);
    expect(issued.code, issued.stderr).toBe(0);
    link = (issued.json as { link: string }).link;
    expect(link).toMatch(/\/authenticator\/enrol#/);

    await phone.goto(link);
    await phone.getByRole('heading', { name: 'Add your TechPass account' }).waitFor();
    // The one-time secret leaves the address bar (and the history) at once.
    expect(phone.url()).not.toContain('#');
    expect(await phone.getByLabel('Name this phone').inputValue()).toBe('Chrome on Android phone');
    await screenshot(phone, 'authenticator-enrol');
    await phone.getByLabel('Name this phone').fill("Mei Ling's Pixel");
    await phone.getByRole('button', { name: 'Add account' }).click();

    await phone.getByRole('heading', { name: 'Sign-in requests', exact: true }).waitFor();
    await phone.getByText('Account added').waitFor();
    await phone.getByText('No sign-in requests').waitFor();
    await phone.locator('.status-live').waitFor();
    expect(new URL(phone.url()).pathname).toBe('/authenticator/');
    expect(await phone.locator('.account-id').textContent()).toBe(EMAIL);
    await screenshot(phone, 'authenticator-home');

    // The key pair lives in IndexedDB as CryptoKeys the page itself cannot export.
    const key = await phone.evaluate(
      () =>
        new Promise<{ extractable: boolean; type: string; curve: string; usages: string[]; exported: string }>((resolve, reject) => {
          const open = indexedDB.open('techpass-authenticator');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const get = open.result.transaction('accounts').objectStore('accounts').getAll();
            get.onsuccess = () => {
              const { privateKey } = (get.result[0] as { keys: CryptoKeyPair }).keys;
              crypto.subtle.exportKey('jwk', privateKey).then(
                () => resolve({ ...describe(privateKey), exported: 'yes' }),
                (error: Error) => resolve({ ...describe(privateKey), exported: error.name }),
              );
            };
          };
          const describe = (k: CryptoKey) => ({
            extractable: k.extractable,
            type: k.type,
            curve: (k.algorithm as EcKeyAlgorithm).namedCurve,
            usages: k.usages,
          });
        }),
    );
    expect(key).toEqual({ extractable: false, type: 'private', curve: 'P-256', usages: ['sign'], exported: 'InvalidAccessError' });

    // The server holds the public half only, under the name typed.
    const devices = await tp.server.store.push.devicesOf((await tp.server.store.users.findByLogin(EMAIL))!.id);
    expect(devices.map((d) => [d.name, Object.keys(d.publicKeyJwk).sort().join()])).toEqual([["Mei Ling's Pixel", 'crv,kty,x,y']]);

    // The link works once.
    const again = await phoneContext.newPage();
    await again.goto(link);
    await again.getByRole('button', { name: 'Add account' }).click();
    await again.getByText('This link has expired or was already used').waitFor();
    await screenshot(again, 'authenticator-link-used');
    await again.close();
  });

  it('is an installable app: manifest, strict CSP, and a service worker that opens it offline', async () => {
    const page = await phone.request.get(`${tp.url}/authenticator/`);
    expect(page.headers()['content-security-policy']).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; worker-src 'self'; manifest-src 'self'",
    );
    const redirect = await phone.request.get(`${tp.url}/authenticator`, { maxRedirects: 0 });
    expect(redirect.status()).toBe(302);
    expect(redirect.headers().location).toBe('/authenticator/');
    const manifest = (await (await phone.request.get(`${tp.url}/authenticator/manifest.webmanifest`)).json()) as Record<string, unknown>;
    expect(manifest).toMatchObject({ name: 'TechPass Authenticator', start_url: '/authenticator/', display: 'standalone' });

    // The worker took control and cached the shell.
    const shell = await phone.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      const names = await caches.keys();
      const cache = await caches.open(names.find((n) => n.startsWith('techpass-authenticator-'))!);
      return { scope: registration.scope, cached: (await cache.keys()).map((r) => new URL(r.url).pathname).sort() };
    });
    expect(shell.scope).toBe(`${tp.url}/authenticator/`);
    expect(shell.cached).toEqual(expect.arrayContaining(['/authenticator/', '/authenticator/app.js', '/authenticator/app.css']));
    expect(shell.cached.some((p) => p.startsWith('/api/'))).toBe(false);

    // Offline, the app still opens (from the worker's cache: the server sees no request) and says it is offline.
    await phone.reload();
    await phone.getByRole('heading', { name: 'Sign-in requests', exact: true }).waitFor();
    const before = tp.logs.length;
    await phoneContext.setOffline(true);
    try {
      await phone.reload();
      await phone.getByRole('heading', { name: 'Sign-in requests', exact: true }).waitFor();
      await phone.locator('.status-offline').waitFor();
      const served = tp.logs.slice(before).filter((l) => typeof l.path === 'string' && l.path.startsWith('/authenticator'));
      expect(served).toEqual([]);
      await screenshot(phone, 'authenticator-offline');
    } finally {
      await phoneContext.setOffline(false);
    }
    await phone.reload();
    await phone.locator('.status-live').waitFor();
  });

  it('approves a sign-in: the number typed on the phone, Yes, and the computer moves on by itself', async () => {
    const { page, number } = await computerToPushPage();
    await screenshot(page, 'authenticator-computer-number');

    const card = requestCard();
    await card.waitFor();
    await phone.getByRole('heading', { name: 'Are you trying to sign in to Sample Service?' }).waitFor();
    const details = await card.locator('.details').textContent();
    expect(details).toContain('127.0.0.1');
    expect(details).toContain(EMAIL);
    expect(details).toMatch(/Chrome|Chromium/);
    // The phone is never offered the number: it must be typed.
    expect(await card.getByRole('button').allTextContents()).toEqual(['Yes', "No, it's not me"]);
    expect(await phone.getByLabel('Enter the number shown on your computer').inputValue()).toBe('');
    await screenshot(phone, 'authenticator-request');

    await phone.getByLabel('Enter the number shown on your computer').fill(number);
    await phone.getByRole('button', { name: 'Yes', exact: true }).click();
    await phone.getByRole('heading', { name: 'Sign-in approved' }).waitFor();
    await screenshot(phone, 'authenticator-approved');

    // The computer's push page polls and continues without a click: terms on first access, then the application.
    await page.getByRole('heading', { name: 'Terms of use' }).waitFor();
    await page.getByRole('button', { name: 'Accept and continue' }).click();
    await page.waitForURL(`${sample.url}/`);
    await page.getByRole('heading', { name: /Signed in as Mei Ling/ }).waitFor();
    const body = (await page.textContent('body'))!;
    expect(body).toContain('urn:techpass:aal2');
    expect(body).toContain('swk');
    await screenshot(page, 'authenticator-computer-signed-in');
    await phone.getByRole('button', { name: 'Done' }).click();
    await phone.getByText('No sign-in requests').waitFor();
  });

  it('refuses the sign-in when the number typed is wrong, and says so on both screens', async () => {
    const { page, number } = await computerToPushPage();
    await requestCard().waitFor();
    // Two digits are required before anything is sent.
    await phone.getByLabel('Enter the number shown on your computer').fill('4');
    await phone.getByRole('button', { name: 'Yes', exact: true }).click();
    await phone.getByText('Type the two-digit number shown on your computer.').waitFor();
    const wrong = String(number === '99' ? 10 : Number(number) + 1);
    await phone.getByLabel('Enter the number shown on your computer').fill(wrong);
    await phone.getByRole('button', { name: 'Yes', exact: true }).click();
    await phone.getByRole('heading', { name: 'The number did not match' }).waitFor();
    await screenshot(phone, 'authenticator-wrong-number');
    await page.getByText(/did not match/).waitFor();
    await phone.getByRole('button', { name: 'Done' }).click();
  });

  it('"No, it\'s not me" and Report put the account under review, and the computer says so', async () => {
    const { page } = await computerToPushPage();
    await requestCard().waitFor();
    await phone.getByRole('button', { name: "No, it's not me" }).click();
    await phone.getByRole('heading', { name: 'Did someone else try to sign in?' }).waitFor();
    await screenshot(phone, 'authenticator-deny');
    await phone.getByRole('button', { name: 'Report', exact: true }).click();
    await phone.getByRole('heading', { name: 'Reported. Your account is on hold' }).waitFor();
    await screenshot(phone, 'authenticator-reported');

    await page.getByText('This account is under review').waitFor();
    await screenshot(page, 'authenticator-computer-under-review');
  });
});
