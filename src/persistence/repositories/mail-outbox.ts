/**
 * The outbox of mail and SMS: every message is written here first, in the same
 * transaction as the change that caused it; the delivery job (jobs/mail-delivery.ts)
 * sends it, or, with no transport for its channel (embedded mode), it stays here for
 * people to read (`techpass outbox`, /dev/outbox).
 *
 * Sending is claimed: `claim` takes a message for a while only if it is unsent and
 * nobody else's claim is running, so two senders never send it at the same time;
 * `markSent` records it once. A sender that dies between the server's acceptance and
 * `markSent` leaves a claim that runs out, and the message is sent again: delivery is
 * at least once (see jobs/mail-delivery.ts for why).
 */
import type { Kysely, Selectable } from 'kysely';
import { isE164 } from '../../domain/messages.js';
import type { MailQueue } from '../../domain/repositories.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { MailOutboxTable, Schema } from '../schema.js';

export type Channel = 'mail' | 'sms';

export interface OutboxMessage {
  id: string;
  channel: Channel;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  createdAt: number;
  sentAt: number | null;
  attempts: number;
}

/**
 * How long a message is tried, as mail servers do: a server down for hours loses
 * nothing; one down for days is an outage to deal with, and the message stays, with
 * its last error, for `techpass outbox` to show.
 */
export const GIVE_UP_AFTER_MS = 3 * 24 * 60 * 60 * 1000;

export interface MailOutbox extends MailQueue {
  /** Unsent messages of `channels` whose next attempt is due and that nobody has claimed, oldest first. */
  pending(limit: number, channels?: Channel[]): Promise<OutboxMessage[]>;
  recent(limit: number, to?: string): Promise<OutboxMessage[]>;
  /** Takes `id` for `forMs` if it is unsent and unclaimed; answers whether this caller has it. */
  claim(id: string, forMs: number): Promise<boolean>;
  /** Records the message sent (once: a second call changes nothing) and drops the claim. */
  markSent(id: string): Promise<void>;
  /** Counts a failed attempt, keeps its error, drops the claim and sets when to try again. */
  markFailed(id: string, error: string, retryAt?: number): Promise<void>;
}

const toMessage = (r: Selectable<MailOutboxTable>): OutboxMessage => ({
  id: r.id,
  channel: r.channel === 'sms' ? 'sms' : 'mail',
  to: r.to_address,
  subject: r.subject,
  text: r.text_body,
  html: r.html_body,
  createdAt: Number(r.created_at),
  sentAt: r.sent_at === null ? null : Number(r.sent_at),
  attempts: r.attempts,
});

export function mailOutbox(db: Kysely<Schema>, clock: Clock): MailOutbox {
  const insert = async (row: { channel: Channel; to: string; subject: string; text: string; html: string | null }) => {
    const id = newId(row.channel === 'sms' ? 'sms_' : 'mail_');
    await db
      .insertInto('mail_outbox')
      .values({
        id,
        channel: row.channel,
        to_address: row.to,
        subject: row.subject,
        text_body: row.text,
        html_body: row.html,
        created_at: clock.now(),
        sent_at: null,
        attempts: 0,
        last_error: null,
        next_attempt_at: 0,
        claimed_until: null,
      })
      .execute();
    return id;
  };
  return {
    enqueue: (message) => insert({ channel: 'mail', to: message.to, subject: message.subject, text: message.text, html: message.html ?? null }),
    async enqueueSms(message) {
      if (!isE164(message.to)) throw new Error('an SMS goes to an E.164 number only');
      return insert({ channel: 'sms', to: message.to, subject: '', text: message.text, html: null });
    },
    async pending(limit, channels = ['mail', 'sms']) {
      if (channels.length === 0) return [];
      const now = clock.now();
      const rows = await db
        .selectFrom('mail_outbox')
        .selectAll()
        .where('sent_at', 'is', null)
        .where('created_at', '>', now - GIVE_UP_AFTER_MS)
        .where('channel', 'in', channels)
        .where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
        .orderBy('created_at')
        .limit(limit)
        .execute();
      return rows.map(toMessage);
    },
    async recent(limit, to) {
      let q = db.selectFrom('mail_outbox').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit);
      if (to) q = q.where('to_address', '=', to.toLowerCase());
      return (await q.execute()).map(toMessage);
    },
    async claim(id, forMs) {
      const now = clock.now();
      const result = await db
        .updateTable('mail_outbox')
        .set({ claimed_until: now + forMs })
        .where('id', '=', id)
        .where('sent_at', 'is', null)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async markSent(id) {
      await db
        .updateTable('mail_outbox')
        .set({ sent_at: clock.now(), claimed_until: null })
        .where('id', '=', id)
        .where('sent_at', 'is', null)
        .execute();
    },
    async markFailed(id, error, retryAt) {
      await db
        .updateTable('mail_outbox')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          last_error: error.slice(0, 500),
          claimed_until: null,
          next_attempt_at: retryAt ?? clock.now(),
        }))
        .where('id', '=', id)
        .where('sent_at', 'is', null)
        .execute();
    },
  };
}
