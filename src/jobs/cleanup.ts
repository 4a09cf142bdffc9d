/**
 * Deletes expired provider rows (sessions, codes, tokens, used client-assertion ids…)
 * in small batches, with a pause after each: on SQLite a statement holds the event loop
 * (deleting a row costs ~25 µs), and a node under load expires tens of thousands of
 * access tokens a minute. Batches of 200 with only setImmediate between them stalled
 * token requests for tens of milliseconds at a time (npm run bench, p99 at half load);
 * 50 rows (~1.5 ms) and a 5 ms pause keep a waiting request's delay to about a batch.
 */
import type { OidcModelStore } from '../persistence/repositories/oidc-models.js';
import { SIGN_IN_LOG_RETENTION_DAYS, type SignInLog } from '../domain/sign-in-log.js';
import type { Clock } from '../platform/clock.js';
import type { Job } from './scheduler.js';
import type { OwnSessions, PortalSessions } from '../domain/repositories.js';

const BATCH = 50;
const MAX_BATCHES = 1000;
const PAUSE_MS = 5;

export function expiredRowsCleanup(models: OidcModelStore, intervalMs = 60_000): Job {
  return {
    name: 'cleanup.expired-oidc-rows',
    intervalMs,
    async run() {
      let total = 0;
      for (let i = 0; i < MAX_BATCHES; i += 1) {
        const deleted = await models.deleteExpired(BATCH);
        total += deleted;
        if (deleted < BATCH) break;
        await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
      }
      return total;
    },
  };
}

/** Deletes the portal's expired sessions (few: one per person signed in to the portal). */
export function expiredPortalSessionsCleanup(sessions: PortalSessions, clock: Clock, intervalMs = 300_000): Job {
  return {
    name: 'cleanup.expired-portal-sessions',
    intervalMs,
    run: () => sessions.removeExpired(clock.now()),
  };
}

export const SIGN_IN_LOG_CLEANUP_JOB = 'cleanup.sign-in-log';

/**
 * Deletes sign-in log lines older than SIGN_IN_LOG_RETENTION_DAYS, in the same small
 * batches with pauses. The audit log is never pruned: it is append-only and
 * hash-chained (the sign-in's audit events stay there).
 */
export function signInLogCleanup(log: Pick<SignInLog, 'deleteOlderThan'>, clock: Clock, intervalMs = 3_600_000): Job {
  return {
    name: SIGN_IN_LOG_CLEANUP_JOB,
    intervalMs,
    async run() {
      const before = clock.now() - SIGN_IN_LOG_RETENTION_DAYS * 86_400_000;
      let total = 0;
      for (let i = 0; i < MAX_BATCHES; i += 1) {
        const deleted = await log.deleteOlderThan(before, BATCH);
        total += deleted;
        if (deleted < BATCH) break;
        await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
      }
      return total;
    },
  };
}

/** Forgets the browsers of sessions that have ended (oidc/session-browsers.ts records them), in the same small batches. */
export function endedSessionBrowsersCleanup(sessions: Pick<OwnSessions, 'forgetEnded'>, intervalMs = 600_000): Job {
  return {
    name: 'cleanup.session-browsers',
    intervalMs,
    async run() {
      let total = 0;
      for (let i = 0; i < MAX_BATCHES; i += 1) {
        const deleted = await sessions.forgetEnded(BATCH);
        total += deleted;
        if (deleted < BATCH) break;
        await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
      }
      return total;
    },
  };
}
