/**
 * A registration link's 5 days, on a clock the test moves: the link works until the last
 * minute, then says it expired (to a visit and to a post alike), and the inviter is
 * e-mailed once that it expired unused, however often the job runs. A link replaced by a
 * newer invitation is not reported; a link used in time is not reported either.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVITATION_EXPIRY_JOB } from '../src/jobs/invitation-expiry.js';
import { ManualClock } from '../src/platform/clock.js';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { user } from './helpers/directory.js';
import { form, HttpBrowser } from './helpers/http-browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const DAY = 86_400_000;

describe(`invitation expiry (${engine})`, () => {
  const clock = new ManualClock(Date.now());
  let tp: TestServer;
  beforeAll(async () => {
    tp = await startTestServer({ server: { clock } });
    await user(tp, 'expiry.inviter@agency.gov.sg');
  });
  afterAll(() => tp?.close());

  const invite = (email: string) => runCli(['user', 'invite', '--email', email, '--by', 'expiry.inviter@agency.gov.sg', '--json'], tp.env);
  const linkTo = async (to: string) =>
    /(http:\/\/\S+\/login\/register\/[A-Za-z0-9_.-]+)/.exec(
      (await tp.server.store.outbox.recent(10, to)).find((m) => m.subject === 'You are invited to TechPass')!.text,
    )![1]!;
  const expiredNotices = async () =>
    (await tp.server.store.outbox.recent(50, 'expiry.inviter@agency.gov.sg')).filter((m) => m.subject === 'Your TechPass invitation expired');

  it('works for 5 days, then says it expired, and tells the inviter once; a replaced link is not reported', async () => {
    // The CLI runs on the real clock; the server's clock starts at the same moment.
    clock.set(Date.now());
    expect((await invite('replaced.one@partner.example.com')).code).toBe(0);
    expect((await invite('replaced.one@partner.example.com')).code).toBe(0);
    const res = await invite('late.person@partner.example.com');
    expect(res.code, res.stderr).toBe(0);
    const expiresAt = Date.parse((res.json as { expiresAt: string }).expiresAt);
    const link = await linkTo('late.person@partner.example.com');
    const browser = new HttpBrowser();

    clock.set(expiresAt - 60_000);
    const open = await browser.follow(link);
    expect(open.status).toBe(200);
    await tp.server.scheduler.runOnce(INVITATION_EXPIRY_JOB);
    expect(await expiredNotices()).toHaveLength(0);

    clock.set(expiresAt + 60_000);
    const expired = await browser.follow(link);
    expect(expired.status).toBe(410);
    expect(expired.html).toContain('data-testid="link-expired"');
    // A form opened in time and sent too late changes nothing.
    const f = form(open, new URL(link).pathname);
    const late = await browser.request(f.action, {
      form: { ...f.fields, username: 'late_person', givenName: 'Late', familyName: 'Person', mobile: '+65 9222 0001', department: 'Ops' },
    });
    expect(late.status).toBe(303);
    expect((await browser.follow(new URL(late.headers.get('location')!, link).toString())).status).toBe(410);
    expect(await tp.server.store.users.findByLogin('late_person')).toBeNull();

    await tp.server.scheduler.runOnce(INVITATION_EXPIRY_JOB);
    await tp.server.scheduler.runOnce(INVITATION_EXPIRY_JOB);
    clock.advance(DAY);
    await tp.server.scheduler.runOnce(INVITATION_EXPIRY_JOB);
    const notices = await expiredNotices();
    // The replaced link to replaced.one is not reported; its newer one expired too, and is, once; late.person once.
    expect(notices.map((m) => /sent to (\S+) on/.exec(m.text)![1]).sort()).toEqual([
      'late.person@partner.example.com',
      'replaced.one@partner.example.com',
    ]);
    expect(notices[0]!.text).toContain(`${tp.issuer}/login/invite`);
    const audited = (await tp.server.store.audit.list({ limit: 1000 })).filter((e) => e.action === 'invitation.expired');
    expect(audited).toHaveLength(2);
  });
});
