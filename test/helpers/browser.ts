/**
 * A real browser for end-to-end tests: Debian's Chromium driven by playwright-core
 * (no browser download). CHROMIUM_PATH overrides where it is.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { ROOT } from './cli.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Saves a screenshot under test-results/ (git-ignored) for people to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = path.join(ROOT, 'test-results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${process.env.TECHPASS_TEST_ENGINE ?? 'sqlite'}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Chromium's virtual authenticator on `page` (the DevTools Protocol's WebAuthn domain):
 * a platform authenticator with resident keys and user verification that answers every
 * navigator.credentials call by itself. Answers the CDP session and the authenticator's id.
 */
export async function virtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}
