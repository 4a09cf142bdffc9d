/**
 * In a real browser, the demo as a newcomer meets it (`techpass start`, what `npm start`
 * runs): the banner's sign-up path, exactly as it reads. Sign up as lim_wei (a person of
 * the demo WOG provider without a TechPass account) from the sample service's sign-in
 * page, open the mail at /dev/outbox and its link, continue to the sample service, sign
 * in at the demo WOG page, set up an authenticator app, accept the Privacy Policy and
 * Terms of Use, then the sample's terms: signed in. Embedded SQLite by design.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { spawnNode, waitForExit } from '../helpers/cli.js';
import { engine } from '../helpers/database.js';
import { nextTotpCode, rememberSeed } from '../helpers/phone.js';
import { freePort } from '../helpers/server.js';

const EMAIL = 'lim_wei@agency.gov.localhost';

describe.runIf(engine === 'sqlite')('browser: the demo banner’s sign-up path', { timeout: 180_000 }, () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'techpass-demo-sign-up-'));
  let node: Awaited<ReturnType<typeof spawnNode>>;
  let ports: { tp: number; sample: number; upstream: number };
  let issuer: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ports = { tp: await freePort(), sample: await freePort(), upstream: await freePort() };
    issuer = `http://localhost:${ports.tp}`;
    node = await spawnNode(
      ['start', '--sample-port', String(ports.sample), '--upstream-port', String(ports.upstream)],
      { DATA_DIR: dataDir, PORT: String(ports.tp) },
      issuer,
      60_000,
    );
    for (let i = 0; i < 100 && !node.output().includes('Stop with Ctrl+C'); i += 1) await new Promise((r) => setTimeout(r, 100));
    browser = await launchBrowser();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    node?.kill('SIGTERM');
    if (node) await waitForExit(node);
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) await screenshot(page, `failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  it('signs up as the banner says, finishes at /dev/outbox, and lands signed in on the sample service', async () => {
    const banner = node.output();
    expect(banner).toContain(`click "Sign up" and enter ${EMAIL}`);
    const password = /sign in at the WOG account \(demo\) as \S+ \/ (\S+),/.exec(banner)?.[1];
    expect(password, banner).toBeDefined();

    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(60_000);
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(`${page.url()}: ${m.text().slice(0, 120)}`);
    });

    await page.goto(`http://localhost:${ports.sample}/`);
    await page.getByRole('link', { name: 'Login with TechPass' }).click();
    await page.getByRole('link', { name: 'Sign up' }).click();
    await page.getByLabel('Organisational e-mail').fill(EMAIL);
    await page.waitForFunction(() => ((document.querySelector('input[name="altcha"]') as HTMLInputElement | null)?.value ?? '').length > 40);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: 'Check your mail' }).waitFor();
    await page.getByRole('link', { name: 'local outbox' }).click();

    await page.waitForURL(`${issuer}/dev/outbox`);
    await page.locator('a[data-testid="outbox-link"][href*="/onboarding/"]').first().click();
    await page.getByRole('heading', { name: 'Finish setting up your account' }).waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('onboarding-continue').click();
    await page.waitForURL(`http://localhost:${ports.sample}/`);

    await page.getByRole('link', { name: 'Login with TechPass' }).click();
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    expect(await page.getByLabel('TechPass ID').inputValue()).toBe(EMAIL);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.waitForURL((url) => url.toString().startsWith(`http://localhost:${ports.upstream}/`));
    await page.getByLabel('Password').fill(password!);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.waitForURL((url) => url.toString().startsWith(issuer));
    await page.getByRole('button', { name: 'Use another authenticator app instead' }).click();
    const seed = (await page.getByTestId('totp-seed').textContent())!.replace(/\s/g, '');
    rememberSeed(issuer, EMAIL, seed);
    await page.getByLabel('Code from the app').fill(await nextTotpCode(issuer, EMAIL));
    await page.getByRole('button', { name: 'Verify and continue' }).click();

    await page.getByRole('heading', { name: 'Accept the Privacy Policy and Terms of Use' }).waitFor();
    await page.getByLabel('I have read and accept the TechPass Privacy Policy and Terms of Use.').check();
    await page.getByRole('button', { name: 'Accept and continue' }).click();
    await page.getByRole('heading', { name: 'Terms of use', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Accept and continue' }).click();
    await page.waitForURL(`http://localhost:${ports.sample}/`);
    await page.getByRole('heading', { name: /Signed in as .*lim_wei@agency\.gov\.localhost/ }).waitFor();
    await screenshot(page, 'demo-sign-up-signed-in');
    expect(violations).toEqual([]);
  });
});
