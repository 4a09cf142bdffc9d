/**
 * The mail outbox: every message is written here first, in the same transaction
 * as the change that caused it; the delivery job sends it (SMTP) or, in embedded
 * mode, leaves it for people to read in the local outbox.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { Schema } from '../schema.js';

export interface OutboxMessage {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  createdAt: number;
  sentAt: number | null;
  attempts: number;
}

export interface MailOutbox {
  enqueue(message: { to: string; subject: string; text: string; html?: string }): Promise<string>;
  pending(limit: number): Promise<OutboxMessage[]>;
  recent(limit: number, to?: string): Promise<OutboxMessage[]>;
  markSent(id: string): Promise<void>;
  markFailed(id: string, error: string): Promise<void>;
}

export function mailOutbox(db: Kysely<Schema>, clock: Clock): MailOutbox {
  const toMessage = (r: {
    id: string;
    to_address: string;
    subject: string;
    text_body: string;
    html_body: string | null;
    created_at: number;
    sent_at: number | null;
    attempts: number;
  }): OutboxMessage => ({
    id: r.id,
    to: r.to_address,
    subject: r.subject,
    text: r.text_body,
    html: r.html_body,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    attempts: r.attempts,
  });
  return {
    async enqueue(message) {
      const id = newId('mail_');
      await db
        .insertInto('mail_outbox')
        .values({
          id,
          to_address: message.to,
          subject: message.subject,
          text_body: message.text,
          html_body: message.html ?? null,
          created_at: clock.now(),
          sent_at: null,
          attempts: 0,
          last_error: null,
        })
        .execute();
      return id;
    },
    async pending(limit) {
      const rows = await db
        .selectFrom('mail_outbox')
        .selectAll()
        .where('sent_at', 'is', null)
        .where('attempts', '<', 10)
        .orderBy('created_at')
        .limit(limit)
        .execute();
      return rows.map(toMessage);
    },
    async recent(limit, to) {
      let q = db.selectFrom('mail_outbox').selectAll().orderBy('created_at', 'desc').limit(limit);
      if (to) q = q.where('to_address', '=', to.toLowerCase());
      return (await q.execute()).map(toMessage);
    },
    async markSent(id) {
      await db.updateTable('mail_outbox').set({ sent_at: clock.now() }).where('id', '=', id).execute();
    },
    async markFailed(id, error) {
      await db
        .updateTable('mail_outbox')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 500) }))
        .where('id', '=', id)
        .execute();
    },
  };
}
