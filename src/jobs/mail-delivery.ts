/**
 * Delivers the outbox, mail over SMTP and SMS through the gateway, oldest first.
 * A channel without a transport (embedded mode) is left alone: its messages stay in
 * the outbox for people to read.
 *
 * Each message is claimed before it is sent (outbox.claim), so two nodes whose job
 * leases overlapped never send it both; it is marked sent once, after the server
 * accepted it. A failed attempt waits 2^attempts × `retryBaseMs` (at most an hour)
 * before the next; a message is tried for three days (outbox GIVE_UP_AFTER_MS), then
 * stays with its last error.
 *
 * At least once, by choice: if this node dies after the mail server accepted a message
 * and before it is marked sent, the claim runs out and the message goes again. Marking
 * it sent first would lose it in the same crash, and a lost reset link or activation
 * code strands a person while a duplicate costs a glance; a resent mail keeps its
 * Message-ID and a resent SMS its Idempotency-Key, so the receiving side can tell.
 */
import type { MailTransport } from '../platform/mail.js';
import type { SmsTransport } from '../platform/sms.js';
import type { Clock } from '../platform/clock.js';
import type { Channel, MailOutbox } from '../persistence/repositories/mail-outbox.js';
import type { Job } from './scheduler.js';

export const MAIL_DELIVERY_JOB = 'mail.delivery';

export interface DeliveryTransports {
  mail?: MailTransport | null;
  sms?: SmsTransport | null;
}

const MAX_BACKOFF_MS = 60 * 60 * 1000;
/** How long a claim holds: longer than one send can take (SMTP and the gateway time out sooner). */
const CLAIM_MS = 2 * 60 * 1000;

export function mailDelivery(
  outbox: MailOutbox,
  transports: DeliveryTransports,
  clock: Clock,
  options: { intervalMs?: number; retryBaseMs?: number } = {},
): Job {
  const intervalMs = options.intervalMs ?? 5000;
  const retryBaseMs = options.retryBaseMs ?? intervalMs;
  const channels: Channel[] = [...(transports.mail ? (['mail'] as const) : []), ...(transports.sms ? (['sms'] as const) : [])];
  const send = (message: Awaited<ReturnType<MailOutbox['pending']>>[number]) =>
    message.channel === 'sms' ? transports.sms!.send(message) : transports.mail!.send(message);
  return {
    name: MAIL_DELIVERY_JOB,
    intervalMs,
    async run() {
      let sent = 0;
      for (const message of await outbox.pending(50, channels)) {
        if (!(await outbox.claim(message.id, CLAIM_MS))) continue;
        try {
          await send(message);
        } catch (error) {
          const wait = Math.min(retryBaseMs * 2 ** (message.attempts + 1), MAX_BACKOFF_MS);
          await outbox.markFailed(message.id, (error as Error).message, clock.now() + wait);
          continue;
        }
        await outbox.markSent(message.id);
        sent += 1;
      }
      return sent;
    },
  };
}
