/**
 * Number matching with the headless TechPass Authenticator, as an operator and a
 * phone would use it: enrolment by a one-time link, challenges created the way
 * the sign-in creates them, answers signed by the device key in a local file, and
 * "No, it's not me" putting the account on hold until a platform admin clears it.
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushDeps } from '../src/cli/push-deps.js';
import type { UserId } from '../src/domain/ids.js';
import { challengeStatus, claimPushApproval, createPushChallenge, issueEnrolmentLink } from '../src/flows/push.js';
import { ManualClock, systemClock } from '../src/platform/clock.js';
import { deviceFetch, readStoredDevice, signedAnswer } from './helpers/authenticator.js';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { forms, HttpBrowser } from './helpers/http-browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { completeSignIn, finishAuthorization, signIn, startAuthorization } from './helpers/sign-in.js';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

describe(`push number matching with the headless authenticator (${engine})`, () => {
  let tp: TestServer;
  let app: Awaited<ReturnType<typeof application>>;
  const dir = mkdtempSync(path.join(tmpdir(), 'techpass-authenticator-'));
  const cli = (...args: string[]) => runCli(args, tp.env);
  const deps = () => pushDeps(tp.server.store, systemClock, tp.config);

  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'push');
    app = await application(tp, { namespace: 'push', name: 'Payroll' });
  });
  afterAll(() => tp?.close());

  /** A new account with a headless authenticator enrolled through the CLI. */
  async function enrolled(email: string) {
    const account = await user(tp, email, { phone: false });
    const link = await cli('authenticator', 'enrol-link', '--user', email, '--json');
    expect(link.code, link.stderr).toBe(0);
    const store = path.join(dir, `${email}.json`);
    const res = await cli('authenticator', 'enrol', (link.json as { link: string }).link, '--store', store, '--json');
    expect(res.code, res.stderr).toBe(0);
    return { userId: account.id, store, device: readStoredDevice(store) };
  }

  /** What the sign-in does once the password is right. */
  const challenge = (userId: UserId) =>
    createPushChallenge(deps(), userId, { applicationName: 'Payroll', ip: '203.0.113.7', userAgent: CHROME, flowId: null });

  async function created(userId: UserId) {
    const result = await challenge(userId);
    if (!result.ok) throw new Error(`no challenge: ${result.refusal}`);
    return result;
  }

  const actions = async (targetId: string) => (await tp.server.store.audit.list({ targetId, limit: 200 })).map((e) => e.action);

  it('enrols a headless authenticator with a one-time link and keeps its key in a file only its owner can read', async () => {
    const account = await user(tp, 'enrol.me@agency.gov.sg', { phone: false });
    const link = await cli('authenticator', 'enrol-link', '--user', 'enrol.me@agency.gov.sg', '--json');
    expect(link.code, link.stderr).toBe(0);
    expect((link.json as { link: string }).link).toMatch(new RegExp(`^${tp.issuer}/authenticator/enrol#enr_[\\w-]+\\.[\\w-]{43}$`));
    const store = path.join(dir, 'enrol-me.json');
    const res = await cli('authenticator', 'enrol', (link.json as { link: string }).link, '--store', store, '--name', 'CI runner', '--json');
    expect(res.code, res.stderr).toBe(0);
    expect(res.json).toMatchObject({ name: 'CI runner', account: 'enrol.me@agency.gov.sg', server: tp.issuer });
    expect(statSync(store).mode & 0o777).toBe(0o600);
    const devices = await tp.server.store.push.devicesOf(account.id);
    expect(devices.map((d) => d.id)).toEqual([(res.json as { deviceId: string }).deviceId]);
    expect(JSON.stringify(devices)).not.toContain('"d"');
    expect(await actions(account.id)).toEqual(expect.arrayContaining(['authenticator.enrolment_link_issued', 'authenticator.device_enrolled']));
  });

  it('lists a waiting challenge without its number and approves it when the number typed is the one shown', async () => {
    const { userId, store } = await enrolled('approve.me@agency.gov.sg');
    const { challengeId, number } = await created(userId);
    expect(number).toBeGreaterThanOrEqual(10);
    expect(number).toBeLessThanOrEqual(99);

    const pending = await cli('authenticator', 'pending', '--store', store, '--json');
    expect(pending.code, pending.stderr).toBe(0);
    const listed = (pending.json as { challenges: Array<Record<string, unknown>> }).challenges;
    expect(listed).toEqual([
      expect.objectContaining({ id: challengeId, application: 'Payroll', ip: '203.0.113.7', browser: 'Chrome 131 on Windows' }),
    ]);
    expect(listed[0]).not.toHaveProperty('number');
    const text = await cli('authenticator', 'pending', '--store', store);
    expect(text.stdout).toContain('Payroll');

    const approved = await cli('authenticator', 'approve', '--store', store, '--number', String(number), '--json');
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.json).toMatchObject({ outcome: 'approved', challengeId });
    expect(await challengeStatus(deps(), challengeId)).toMatchObject({ found: true, status: 'approved', userId, consumed: false });
    // The sign-in takes the approval once.
    expect(await claimPushApproval(deps(), challengeId, { userId })).toEqual({ ok: true });
    expect(await claimPushApproval(deps(), challengeId, { userId })).toEqual({ ok: false, reason: 'already_used' });
    expect(await actions(userId)).toContain('push.approved');
  });

  it('refuses a wrong number and closes the challenge, so the same prompt cannot be guessed again', async () => {
    const { userId, store } = await enrolled('wrong.number@agency.gov.sg');
    const { challengeId, number } = await created(userId);
    const wrong = String(number === 99 ? 10 : number + 1);
    const res = await cli('authenticator', 'approve', '--store', store, '--number', wrong, '--json');
    expect(res.code).toBe(1);
    expect(res.json).toMatchObject({ error: 'push.wrong_number' });
    expect(await challengeStatus(deps(), challengeId)).toMatchObject({ status: 'denied', reason: 'wrong_number' });
    const again = await cli('authenticator', 'approve', '--store', store, '--challenge', challengeId, '--number', String(number), '--json');
    expect(again.json).toMatchObject({ error: 'push.challenge_answered' });
    expect(await challengeStatus(deps(), challengeId)).toMatchObject({ status: 'denied' });
  });

  it('refuses a replayed approval: the same signed answer is accepted once', async () => {
    const { userId, device } = await enrolled('replay.me@agency.gov.sg');
    const { challengeId, number } = await created(userId);
    const body = signedAnswer(device, challengeId, 'approve', String(number));
    const first = await deviceFetch(tp.url, device, 'POST', `/challenges/${challengeId}`, body);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ outcome: 'approved' });
    const replay = await deviceFetch(tp.url, device, 'POST', `/challenges/${challengeId}`, body);
    expect(replay.status).toBe(409);
    expect(await replay.json()).toMatchObject({ error: 'push.challenge_answered' });
    expect(await actions(userId)).toContain('push.answer_refused');
  });

  it('refuses two answers racing for one challenge except one', async () => {
    const { userId, device } = await enrolled('race.me@agency.gov.sg');
    const { challengeId, number } = await created(userId);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        deviceFetch(tp.url, device, 'POST', `/challenges/${challengeId}`, signedAnswer(device, challengeId, 'approve', String(number))),
      ),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
  });

  it('refuses an approval signed by a device enrolled to another account, and leaves the challenge waiting', async () => {
    const victim = await enrolled('victim@agency.gov.sg');
    const attacker = await enrolled('attacker@agency.gov.sg');
    const { challengeId, number } = await created(victim.userId);
    const res = await cli('authenticator', 'approve', '--store', attacker.store, '--challenge', challengeId, '--number', String(number), '--json');
    expect(res.code).toBe(1);
    expect(res.json).toMatchObject({ error: 'push.foreign_device' });
    expect(await challengeStatus(deps(), challengeId)).toMatchObject({ status: 'pending' });
    // And the other account's device does not even see it.
    const pending = await cli('authenticator', 'pending', '--store', attacker.store, '--json');
    expect((pending.json as { challenges: unknown[] }).challenges).toEqual([]);
  });

  it('refuses an answer whose signature is not the device key', async () => {
    const { userId, device } = await enrolled('forged@agency.gov.sg');
    const other = readStoredDevice((await enrolled('forger@agency.gov.sg')).store);
    const { challengeId, number } = await created(userId);
    // Signed with another key, sent by the right (authenticated) device.
    const forged = signedAnswer(other, challengeId, 'approve', String(number));
    const res = await deviceFetch(tp.url, device, 'POST', `/challenges/${challengeId}`, forged);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'push.bad_signature' });
    expect(await challengeStatus(deps(), challengeId)).toMatchObject({ status: 'pending' });
  });

  it('refuses a fourth outstanding challenge for one account', async () => {
    const { userId } = await enrolled('fatigue@agency.gov.sg');
    for (let i = 0; i < 3; i += 1) expect((await challenge(userId)).ok).toBe(true);
    expect(await challenge(userId)).toEqual({ ok: false, refusal: 'too_many_outstanding' });
    expect(await tp.server.store.push.pendingChallenges(userId)).toHaveLength(3);
    expect(await actions(userId)).toContain('push.refused');
  });

  it('keeps to three outstanding challenges even when six sign-ins race', async () => {
    const { userId } = await enrolled('stampede@agency.gov.sg');
    const results = await Promise.all(Array.from({ length: 6 }, () => challenge(userId)));
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect(results.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.refusal))).toEqual(Array(3).fill('too_many_outstanding'));
  });

  it('pauses push for the account after three wrong numbers within 15 minutes, and audits it', async () => {
    const { userId, store } = await enrolled('guesser@agency.gov.sg');
    let last: Record<string, unknown> = {};
    for (let i = 0; i < 3; i += 1) {
      const { number } = await created(userId);
      const res = await cli('authenticator', 'approve', '--store', store, '--number', String(number === 99 ? 10 : number + 1), '--json');
      expect(res.json).toMatchObject({ error: 'push.wrong_number' });
      last = res.json as Record<string, unknown>;
    }
    expect(last.message).toContain('paused');
    const refused = await challenge(userId);
    expect(refused).toMatchObject({ ok: false, refusal: 'paused' });
    expect(await actions(userId)).toContain('push.paused');
  });

  it('does not let an expired enrolment link enrol a device', async () => {
    const account = await user(tp, 'late@agency.gov.sg', { phone: false });
    // Issued eleven minutes ago: a link lives ten.
    const clock = new ManualClock(Date.now() - 11 * 60_000);
    const issued = await issueEnrolmentLink(pushDeps(tp.server.store, clock, tp.config), account.id, 'test');
    if (!issued.ok) throw new Error(issued.message);
    const res = await cli('authenticator', 'enrol', issued.value.link, '--store', path.join(dir, 'late.json'), '--json');
    expect(res.code).toBe(1);
    expect(res.json).toMatchObject({ error: 'authenticator.enrolment_link_invalid' });
    expect(await tp.server.store.push.devicesOf(account.id)).toEqual([]);
  });

  it('does not let an enrolment link enrol a second device', async () => {
    await user(tp, 'once@agency.gov.sg', { phone: false });
    const link = (await cli('authenticator', 'enrol-link', '--user', 'once@agency.gov.sg', '--json')).json as { link: string };
    expect((await cli('authenticator', 'enrol', link.link, '--store', path.join(dir, 'once-a.json'), '--json')).code).toBe(0);
    const second = await cli('authenticator', 'enrol', link.link, '--store', path.join(dir, 'once-b.json'), '--json');
    expect(second.code).toBe(1);
    expect(second.json).toMatchObject({ error: 'authenticator.enrolment_link_invalid' });
  });

  it('refuses an enrolment link for an unknown account with the field named', async () => {
    const res = await cli('authenticator', 'enrol-link', '--user', 'nobody@agency.gov.sg', '--json');
    expect(res.code).toBe(1);
    expect(res.json).toMatchObject({ error: 'user.not_found', field: 'user' });
  });

  it('refuses device requests that are not signed', async () => {
    const res = await fetch(`${tp.url}/api/v1/authenticator/challenges`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'authenticator.unauthenticated' });
  });

  it('refuses device requests signed by another key than the device claims', async () => {
    const { device } = await enrolled('claimed@agency.gov.sg');
    const { device: other } = await enrolled('claimer@agency.gov.sg');
    const res = await deviceFetch(tp.url, { ...other, deviceId: device.deviceId }, 'GET', '/challenges');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'authenticator.unauthenticated' });
  });

  it('refuses device requests signed more than five minutes ago', async () => {
    const { device } = await enrolled('stale@agency.gov.sg');
    const res = await deviceFetch(tp.url, device, 'GET', '/challenges', undefined, { timestamp: Date.now() - 6 * 60_000 });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'authenticator.request_stale' });
    expect((await deviceFetch(tp.url, device, 'GET', '/challenges')).status).toBe(200);
  });

  it('validates answer bodies and names the field', async () => {
    const { userId, device } = await enrolled('sloppy@agency.gov.sg');
    const { challengeId } = await created(userId);
    const res = await deviceFetch(tp.url, device, 'POST', `/challenges/${challengeId}`, {
      number: 'twelve',
      decision: 'approve',
      timestamp: Date.now(),
      signature: 'x',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'input.invalid', field: 'number' });
  });

  /** Signs in through the pages; when a push prompt waits, reads its number (the browser shows it) and approves it on the device. */
  async function signInApprovingPush(login: string, store: string, userId: UserId) {
    const browser = new HttpBrowser();
    const start = await startAuthorization(tp, app);
    const back = (url: string) => url.startsWith(app.redirectUri);
    let page = await browser.follow(start.url, {}, back);
    for (let round = 0; round < 3 && !page.stopped; round += 1) {
      page = await completeSignIn(browser, page, { ...app, login, password: PASSWORD });
      if (page.stopped) break;
      const [waiting] = await tp.server.store.push.pendingChallenges(userId);
      if (!waiting) break;
      const approved = await cli('authenticator', 'approve', '--store', store, '--number', String(waiting.number), '--json');
      expect(approved.code, approved.stderr).toBe(0);
      const next = forms(page).find((f) => /push|continue/i.test(f.action)) ?? forms(page)[0];
      if (!next) break;
      page = await browser.follow(next.action, { form: next.fields }, back);
    }
    if (!page.stopped) throw new Error(`sign-in stopped at ${page.url} (${page.status})`);
    return finishAuthorization(start, page.url);
  }

  async function reported(email: string) {
    const account = await enrolled(email);
    const { challengeId } = await created(account.userId);
    const res = await cli('authenticator', 'deny', '--store', account.store, '--report', '--json');
    expect(res.code, res.stderr).toBe(0);
    expect(res.json).toMatchObject({ outcome: 'reported', challengeId });
    return { ...account, challengeId };
  }

  it('marks the account high risk on "No, it\'s not me", e-mails the person, raises a security alert and refuses every later sign-in', async () => {
    const { userId, challengeId } = await reported('not.me@agency.gov.sg');
    expect(await challengeStatus(deps(), challengeId)).toMatchObject({ status: 'reported' });
    expect((await tp.server.store.users.findById(userId))?.status).toBe('high_risk');
    const [mail] = await tp.server.store.outbox.recent(5, 'not.me@agency.gov.sg');
    expect(mail?.subject).toContain('on hold');
    expect(mail?.text).toContain('203.0.113.7');
    const events = await tp.server.store.audit.list({ targetId: userId, limit: 200 });
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['push.reported', 'security.alert']));
    expect(events.find((e) => e.action === 'security.alert')?.data).toMatchObject({ kind: 'push_fraud_report', challengeId });
    expect(await challenge(userId)).toMatchObject({ ok: false, refusal: 'high_risk' });
    // Stopped by the refusal page right after the password, not by a factor page.
    await expect(signIn(tp, { ...app, login: 'not.me@agency.gov.sg', password: PASSWORD })).rejects.toThrow(/under review|cannot sign in/);
  });

  it('refuses a plain denial without putting the account on hold', async () => {
    const { userId, store } = await enrolled('just.no@agency.gov.sg');
    const { challengeId } = await created(userId);
    const res = await cli('authenticator', 'deny', '--store', store, '--json');
    expect(res.json).toMatchObject({ outcome: 'denied', challengeId });
    expect(await challengeStatus(deps(), challengeId)).toMatchObject({ status: 'denied', reason: 'denied' });
    expect((await tp.server.store.users.findById(userId))?.status).toBe('active');
  });

  it('lets the account sign in again once a platform admin clears the risk (audited)', async () => {
    const { userId, store } = await reported('cleared@agency.gov.sg');
    const res = await cli('user', 'clear-risk', '--email', 'cleared@agency.gov.sg', '--json');
    expect(res.code, res.stderr).toBe(0);
    expect(res.json).toMatchObject({ user: 'cleared@agency.gov.sg', cleared: true, status: 'active' });
    expect(await actions(userId)).toContain('user.risk_cleared');
    const tokens = await signInApprovingPush('cleared@agency.gov.sg', store, userId);
    expect(tokens.claims()?.sub).toBeTruthy();
    const again = await cli('user', 'clear-risk', '--email', 'cleared@agency.gov.sg', '--json');
    expect(again.json).toMatchObject({ cleared: false, status: 'active' });
  });

  it('forgets a device that removes itself (signed, audited); its key then opens nothing', async () => {
    const { userId, device } = await enrolled('removing@agency.gov.sg');
    const unsigned = await fetch(`${tp.url}/api/v1/authenticator/devices/me`, { method: 'DELETE' });
    expect(unsigned.status).toBe(401);
    expect(await tp.server.store.push.devicesOf(userId)).toHaveLength(1);

    expect((await deviceFetch(tp.url, device, 'DELETE', '/devices/me')).status).toBe(204);
    expect(await tp.server.store.push.devicesOf(userId)).toEqual([]);
    expect(await actions(userId)).toContain('authenticator.device_removed');
    expect((await deviceFetch(tp.url, device, 'GET', '/challenges')).status).toBe(401);
    // Without a factor left, the next sign-in sets one up again.
    expect((await challenge(userId)).ok).toBe(false);
  });
});
