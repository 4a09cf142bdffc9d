/**
 * The sign-in log's retention: the cleanup job deletes lines older than
 * SIGN_IN_LOG_RETENTION_DAYS and keeps the rest; the audit log is never pruned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGN_IN_LOG_RETENTION_DAYS, type SignInAttempt } from '../src/domain/sign-in-log.js';
import { SIGN_IN_LOG_CLEANUP_JOB } from '../src/jobs/cleanup.js';
import { ManualClock } from '../src/platform/clock.js';
import { engine } from './helpers/database.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const DAY = 86_400_000;
const line = (login: string): SignInAttempt => ({
  userId: null,
  login,
  clientId: 'app_x',
  namespaceId: null,
  ip: '192.0.2.1',
  userAgent: 'test',
  factors: ['pwd'],
  result: 'failed',
  reason: 'unknown_account',
  correlationId: null,
  flowId: null,
});

describe(`sign-in log retention (${engine})`, () => {
  const clock = new ManualClock(Date.now());
  let tp: TestServer;
  beforeAll(async () => {
    tp = await startTestServer({ server: { clock } });
  });
  afterAll(() => tp?.close());

  it(`deletes lines older than ${SIGN_IN_LOG_RETENTION_DAYS} days and keeps younger ones and the audit log`, async () => {
    const log = tp.server.store.signInLog;
    await log.record(line('old@agency.gov.sg'));
    clock.advance(10 * DAY);
    await log.record(line('young@agency.gov.sg'));
    const events = (await tp.server.store.audit.verify()) as { count: number };
    clock.advance((SIGN_IN_LOG_RETENTION_DAYS - 10) * DAY + 1000);
    await tp.server.scheduler.runOnce(SIGN_IN_LOG_CLEANUP_JOB);
    const left = await log.query({ limit: 10 });
    expect(left.map((l) => l.login)).toEqual(['young@agency.gov.sg']);
    expect(await tp.server.store.audit.verify()).toEqual({ ok: true, count: events.count });
  });
});
