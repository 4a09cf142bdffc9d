/**
 * Delivers the mail outbox over SMTP, oldest first, with back-off by attempts:
 * a message that failed waits longer before the next try and is given up after
 * ten attempts (it stays in the outbox with its last error).
 */
import type { MailTransport } from '../platform/mail.js';
import type { Clock } from '../platform/clock.js';
import type { MailOutbox } from '../persistence/repositories/mail-outbox.js';
import type { Job } from './scheduler.js';

export function mailDelivery(outbox: MailOutbox, transport: MailTransport, clock: Clock, intervalMs = 5000): Job {
  return {
    name: 'mail.delivery',
    intervalMs,
    async run() {
      let sent = 0;
      for (const message of await outbox.pending(50)) {
        // Exponential back-off: 2^attempts intervals after the message was written.
        if (message.attempts > 0 && clock.now() < message.createdAt + intervalMs * 2 ** message.attempts) continue;
        try {
          await transport.send(message);
          await outbox.markSent(message.id);
          sent += 1;
        } catch (error) {
          await outbox.markFailed(message.id, (error as Error).message);
        }
      }
      return sent;
    },
  };
}
