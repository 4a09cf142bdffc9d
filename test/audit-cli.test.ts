/**
 * `techpass keys list`, `audit list|export` and `signins list` spawned as an operator
 * runs them on the local database (the management API in process, as the operator):
 * JSON with ISO times, readable text, filters as flags, JSON lines for the export, and
 * one-line errors naming the flag.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain, type AuditEvent } from '../src/domain/audit.js';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { PASSWORD, user } from './helpers/directory.js';
import { HttpBrowser } from './helpers/http-browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { completeSignIn, signIn, startAuthorization } from './helpers/sign-in.js';

describe(`techpass keys list, audit list|export, signins list (${engine})`, () => {
  let tp: TestServer;
  let app: { clientId: string; clientSecret: string; redirectUri: string };
  let started = '';

  const cli = async (args: string[]) => {
    const res = await runCli(args, tp.env);
    expect(res.code, res.stderr).toBe(0);
    return res;
  };

  beforeAll(async () => {
    tp = await startTestServer();
    started = new Date().toISOString();
    await cli(['namespace', 'create', '--name', 'obs', '--display-name', 'Observed']);
    await cli(['namespace', 'create', '--name', 'quiet', '--display-name', 'Quiet']);
    const made = await cli(['app', 'create', '--namespace', 'obs', '--name', 'Watched', '--redirect-uri', 'https://app.example.gov.sg/cb', '--json']);
    const created = made.json as { clientId: string; clientSecret: string };
    app = { clientId: created.clientId, clientSecret: created.clientSecret, redirectUri: 'https://app.example.gov.sg/cb' };
    await user(tp, 'wanda@agency.gov.sg');
    await signIn(tp, { ...app, login: 'wanda@agency.gov.sg', password: PASSWORD });
    const browser = new HttpBrowser();
    const start = await startAuthorization(tp, app);
    const first = await browser.follow(start.url, {}, (u) => u.startsWith(app.redirectUri));
    const wrong = await completeSignIn(browser, first, { ...app, login: 'wanda@agency.gov.sg', password: 'not-the-password-9' });
    expect(wrong.status).toBe(401);
  }, 60_000);
  afterAll(() => tp?.close());

  it('lists the signing keys, and shows a rotated key as retired', async () => {
    const before = (await cli(['keys', 'list', '--json'])).json as Array<{ kid: string; alg: string; state: string; createdAt: string }>;
    expect(before.map((k) => `${k.alg} ${k.state}`)).toEqual(['ES256 current', 'ES256 next', 'RS256 current', 'RS256 next']);
    expect(Date.parse(before[0]!.createdAt)).not.toBeNaN();
    expect(JSON.stringify(before)).not.toMatch(/"d"|privateJwk/);
    await cli(['keys', 'rotate']);
    const after = (await cli(['keys', 'list', '--json'])).json as Array<{
      kid: string;
      state: string;
      retiredAt: string | null;
      publishUntil: string | null;
    }>;
    const retired = after.find((k) => k.kid === before[0]!.kid)!;
    expect(retired.state).toBe('retired');
    expect(Date.parse(retired.publishUntil!)).toBeGreaterThan(Date.now());
    expect(after.find((k) => k.kid === before[1]!.kid)!.state).toBe('current');
    const text = await cli(['keys', 'list']);
    expect(text.stdout).toContain(`${before[0]!.kid}  ES256  retired`);
  });

  it('lists audit events newest first with the filters as flags', async () => {
    const created = (await cli(['audit', 'list', '--action', 'namespace.created', '--json'])).json as Array<{
      action: string;
      namespace: string;
      occurredAt: string;
      actor: string;
    }>;
    expect(created.map((e) => e.namespace)).toEqual(['quiet', 'obs']);
    expect(created[0]!.actor).toMatch(/^cli:/);
    expect(Date.parse(created[0]!.occurredAt)).toBeGreaterThanOrEqual(Date.parse(started) - 1000);
    const obs = (await cli(['audit', 'list', '--namespace', 'obs', '--json'])).json as Array<{ namespace: string; action: string }>;
    expect(obs.map((e) => e.action)).toEqual(['terms.accepted', 'application.created', 'namespace.created']);
    const target = (await cli(['audit', 'list', '--target', app.clientId, '--json'])).json as Array<{ action: string }>;
    expect(target.map((e) => e.action)).toEqual(['terms.accepted', 'application.created']);
    expect((await cli(['audit', 'list', '--limit', '2', '--json'])).json).toHaveLength(2);
    expect((await cli(['audit', 'list', '--to', '2000-01-01', '--json'])).json).toEqual([]);
    expect((await cli(['audit', 'list', '--from', started, '--actor', 'system', '--action', 'none.such', '--json'])).json).toEqual([]);
    const text = await cli(['audit', 'list', '--action', 'namespace.created']);
    expect(text.stdout).toMatch(/namespace\.created {2}by cli:\S+ {2}namespace \S+ {2}\[quiet\]/);
  });

  it('exports the audit log as JSON lines in chain order, whose hash chain verifies', async () => {
    const all = await cli(['audit', 'export']);
    const lines = all.stdout.split('\n');
    expect(lines.pop()).toBe('');
    const events = lines.map((l) => JSON.parse(l) as AuditEvent & { namespace: string | null });
    expect(events.length).toBeGreaterThan(5);
    expect(verifyChain(events.map(({ namespace: _n, ...e }) => e))).toEqual({ ok: true, count: events.length });
    const filtered = await cli(['audit', 'export', '--action', 'namespace.created']);
    expect(
      filtered.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { namespace: string }).namespace),
    ).toEqual(['obs', 'quiet']);
    expect((await cli(['audit', 'export', '--namespace', 'obs', '--to', '2000-01-01'])).stdout).toBe('');
  });

  it('lists sign-ins, successes and failures, by user, application and result', async () => {
    const lines = (await cli(['signins', 'list', '--app', app.clientId, '--json'])).json as Array<Record<string, unknown>>;
    expect(lines.map((l) => [l.result, l.reason])).toEqual([
      ['failed', 'wrong_password'],
      ['succeeded', null],
    ]);
    expect(lines[1]).toMatchObject({ namespace: 'obs', login: 'wanda@agency.gov.sg', factors: ['pwd', 'swk'], ip: '127.0.0.1' });
    expect(Date.parse(lines[1]!.occurredAt as string)).not.toBeNaN();
    const failed = (await cli(['signins', 'list', '--user', 'wanda@agency.gov.sg', '--result', 'failed', '--json'])).json;
    expect(failed).toEqual([expect.objectContaining({ reason: 'wrong_password', clientId: app.clientId })]);
    expect((await cli(['signins', 'list', '--namespace', 'quiet', '--json'])).json).toEqual([]);
    expect((await cli(['signins', 'list', '--limit', '1', '--json'])).json).toHaveLength(1);
    const text = await cli(['signins', 'list', '--app', app.clientId]);
    expect(text.stdout).toMatch(/failed \(wrong_password\) {2}wanda@agency\.gov\.sg {2}\S+ \[obs\] {2}127\.0\.0\.1 {2}pwd/);
  });

  it('refuses bad flags in one line naming the flag, as JSON with --json', async () => {
    const badResult = await runCli(['signins', 'list', '--result', 'maybe', '--json'], tp.env);
    expect(badResult).toMatchObject({ code: 1, json: { error: 'input.invalid', field: 'result' } });
    const badTime = await runCli(['audit', 'list', '--from', 'last-week'], tp.env);
    expect(badTime.code).toBe(1);
    expect(badTime.stderr.trim().split('\n')).toHaveLength(1);
    const badLimit = await runCli(['audit', 'list', '--limit', '0', '--json'], tp.env);
    expect(badLimit).toMatchObject({ code: 1, json: { error: 'input.invalid', field: 'limit' } });
    expect(badLimit.stderr).toContain('--limit');
    const unknown = await runCli(['audit', 'list', '--namespace', 'nowhere', '--json'], tp.env);
    expect(unknown).toMatchObject({ code: 1, json: { error: 'namespace.not_found' } });
    const noFlag = await runCli(['signins', 'list', '--colour', 'blue', '--json'], tp.env);
    expect(noFlag).toMatchObject({ code: 1, json: { error: 'usage.invalid' } });
  });
});
