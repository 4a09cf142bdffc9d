/**
 * In a real browser, on a clock the test moves: an invitee opens the registration link on
 * day 4 and fills in the form, leaves the tab open past the fifth day, then presses
 * Register. The page says the link expired; nothing was created. Reload and Back say the
 * same; the inviter is told once that the invitation expired unused.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { INVITATION_EXPIRY_JOB } from '../../src/jobs/invitation-expiry.js';
import { ManualClock } from '../../src/platform/clock.js';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { engine } from '../helpers/database.js';
import { user } from '../helpers/directory.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const DAY = 86_400_000;
const INVITER = 'browser.inviter@agency.gov.sg';
const INVITEE = 'slow.reader@partner.example.com';

describe(`browser: a registration link past its 5 days (${engine})`, { timeout: 120_000 }, () => {
  const clock = new ManualClock(Date.now());
  let tp: TestServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    tp = await startTestServer({ server: { clock } });
    await user(tp, INVITER);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await tp?.close();
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) await screenshot(page, `failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  it('a form opened in time and sent after the link expired says so, and creates nothing', async () => {
    // The CLI runs on the real clock; the server's clock starts at the same moment.
    clock.set(Date.now());
    const sent = await runCli(['user', 'invite', '--email', INVITEE, '--by', INVITER, '--json'], tp.env);
    expect(sent.code, sent.stderr).toBe(0);
    const expiresAt = Date.parse((sent.json as { expiresAt: string }).expiresAt);
    expect(expiresAt - Date.now()).toBeGreaterThan(5 * DAY - 60_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(5 * DAY);
    const mail = (await tp.server.store.outbox.recent(5, INVITEE)).find((m) => m.subject === 'You are invited to TechPass')!;
    const link = /(http:\/\/\S+\/login\/register\/[A-Za-z0-9_.-]+)/.exec(mail.text)![1]!;

    clock.set(Date.now() + 4 * DAY);
    page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(link);
    await page.getByRole('heading', { name: 'Register for TechPass' }).waitFor();
    await page.getByLabel('Username').fill('slow_reader');
    await page.getByLabel('First name').fill('Slow');
    await page.getByLabel('Last name').fill('Reader');
    await page.getByLabel('Mobile number').fill('+65 8123 9876');
    await page.getByLabel('Department').fill('Operations');
    await page.getByLabel('Onshore (in Singapore)').check();
    await page.getByLabel('Password', { exact: true }).fill('Slow-Reader-Registers-2026');
    await page.getByLabel('Confirm password').fill('Slow-Reader-Registers-2026');
    await screenshot(page, 'invitation-expiry-day-4');

    // The tab stays open past the fifth day.
    clock.set(expiresAt + 60_000);
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('heading', { name: 'This link has expired' }).waitFor();
    expect(await page.getByText('Ask the person who invited you to invite you again.').isVisible()).toBe(true);
    await screenshot(page, 'invitation-expired');
    expect(await tp.server.store.users.findByLogin('slow_reader@techpass.local')).toBeNull();
    expect(await tp.server.store.users.findByLogin(INVITEE)).toBeNull();

    // Reload and Back: the same answer, no resubmission prompt.
    await page.reload();
    await page.getByRole('heading', { name: 'This link has expired' }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: 'This link has expired' }).waitFor();

    // The inviter hears once that it expired unused.
    await tp.server.scheduler.runOnce(INVITATION_EXPIRY_JOB);
    await tp.server.scheduler.runOnce(INVITATION_EXPIRY_JOB);
    const notices = (await tp.server.store.outbox.recent(10, INVITER)).filter((m) => m.subject === 'Your TechPass invitation expired');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).toContain(INVITEE);
  });
});
