/**
 * Sends the back-channel logout tokens owed when an account's sessions ended everywhere
 * (flows/account-sessions.ts): one POST per application and session, to the URI the
 * application registered, with back-off by attempts; given up after eight. Closed ones
 * are kept a week.
 */
import type { BackchannelLogoutQueue } from '../domain/repositories.js';
import type { Clock } from '../platform/clock.js';
import type { Job } from './scheduler.js';

export const BACKCHANNEL_LOGOUT_JOB = 'oidc.backchannel_logout';
const MAX_ATTEMPTS = 8;
/** How long a closed logout (sent or given up) stays for an operator to read. */
const KEPT_MS = 7 * 24 * 60 * 60 * 1000;

/** Posts one logout token; answers false when the application registered no back-channel URI (nothing to send). */
export type SendBackchannelLogout = (clientId: string, accountId: string, sid: string) => Promise<boolean>;

export function backchannelLogout(queue: BackchannelLogoutQueue, send: SendBackchannelLogout, clock: Clock, intervalMs = 1000): Job {
  return {
    name: BACKCHANNEL_LOGOUT_JOB,
    intervalMs,
    async run() {
      let sent = 0;
      for (const logout of await queue.due(50)) {
        try {
          const delivered = await send(logout.clientId, logout.accountId, logout.sid);
          await queue.markSent(logout.id, delivered ? undefined : 'the application registered no back-channel logout URI');
          if (delivered) sent += 1;
        } catch (error) {
          const attempts = logout.attempts + 1;
          const retryAt = attempts >= MAX_ATTEMPTS ? null : clock.now() + intervalMs * 2 ** attempts;
          await queue.markFailed(logout.id, (error as Error).message.slice(0, 500), retryAt);
        }
      }
      await queue.forgetClosedBefore(clock.now() - KEPT_MS);
      return sent;
    },
  };
}
