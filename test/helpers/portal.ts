/**
 * The portal in Chromium, as the browser tests use it: an account with a password and an
 * authenticator app (oathtool's codes), a sign-in to /portal through TechPass (accepting
 * the policies and the portal's terms the first time), and axe-core's check that a page
 * has no serious or critical accessibility violation.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { administrationDeps } from '../../src/cli/demo.js';
import { createUser } from '../../src/flows/administration.js';
import { systemClock } from '../../src/platform/clock.js';
import { PASSWORD } from './directory.js';
import { nextTotpCode, rememberSeed } from './phone.js';
import type { TestServer } from './server.js';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** An account that signs in with PASSWORD and an authenticator app seeded with `seed`. */
export async function portalAccount(tp: TestServer, email: string, seed: string, platformAdmin = false) {
  const made = await createUser(administrationDeps(tp.server.store, systemClock), 'test', {
    email,
    givenName: email.split('@')[0]!.replace(/^./, (c) => c.toUpperCase()),
    familyName: 'Tester',
    password: PASSWORD,
    ...(platformAdmin ? { platformAdmin: true } : {}),
  });
  if (!made.ok) throw new Error(made.message);
  await tp.server.store.users.addTotpFactor(made.value.id, 'Authenticator app', seed);
  rememberSeed(tp.url, email, seed);
  return made.value;
}

/** A new browser context signed in to the portal as `email`; answers its page, on the portal. */
export async function portalSignIn(browser: Browser, tp: TestServer, email: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(`${tp.url}/portal/`);
  await page.getByLabel('TechPass ID').fill(email);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByLabel(/code/i).first().fill(await nextTotpCode(tp.url, email));
  await page.getByRole('button', { name: /verify|continue|sign in/i }).first().click();
  // The first time: the platform's policies (a box to tick) and the portal's own terms of use.
  for (let i = 0; i < 3 && !/\/portal\//.test(page.url()); i += 1) {
    const accept = page.getByRole('button', { name: 'Accept and continue' });
    await Promise.race([accept.waitFor(), page.waitForURL(/\/portal\//)]);
    if (/\/portal\//.test(page.url())) break;
    const box = page.getByRole('checkbox');
    if (await box.count()) await box.first().check();
    await accept.click();
  }
  await page.waitForURL(/\/portal\//);
  return page;
}

/** axe-core on the page as it is: its serious and critical violations, each named with `name` and where. */
export async function seriousViolations(page: Page, name: string): Promise<string[]> {
  // The portal's CSP refuses inline scripts (as it should): evaluate axe's source in the page instead.
  await page.addScriptTag({ content: AXE }).catch(async () => page.evaluate(AXE));
  type Violation = { id: string; impact: string; nodes: Array<{ target: unknown; failureSummary?: string }> };
  const result = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (o: object) => Promise<{ violations: unknown[] }> } }).axe;
    return axe.run({ resultTypes: ['violations'] });
  })) as { violations: Violation[] };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${name}: ${v.id} (${v.impact}) at ${JSON.stringify(v.nodes.map((n) => n.target))} ${v.nodes[0]?.failureSummary ?? ''}`);
}
