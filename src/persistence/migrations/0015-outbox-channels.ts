/**
 * The outbox carries SMS as well as mail, and delivers each message once per claim.
 *
 * channel: `mail` or `sms` (existing rows are mail). An SMS has an empty subject and
 * no HTML; its `to_address` is an E.164 number.
 *
 * next_attempt_at: when a failed message may be tried again (exponential back-off).
 * claimed_until: a sender's claim on a message while it sends it; another sender
 * (another node whose job lease overlapped) skips it until the claim runs out.
 */
import type { Kysely } from 'kysely';

export const outboxChannels = {
  async up(db: Kysely<unknown>): Promise<void> {
    const big = 'bigint' as const;
    await db.schema
      .alterTable('mail_outbox')
      .addColumn('channel', 'text', (c) => c.notNull().defaultTo('mail'))
      .execute();
    await db.schema
      .alterTable('mail_outbox')
      .addColumn('next_attempt_at', big, (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('mail_outbox').addColumn('claimed_until', big).execute();
  },
};
