/**
 * invitations: the registration links a public officer sends to someone whose e-mail no
 * integrated identity provider serves (flows/invitations.ts). One row per link; only the
 * digest of its secret is kept.
 *
 * A link is live until it is used (`completed_at`), replaced by a newer invitation to the
 * same address (`replaced_at`) or past `expires_at`. At most one live-or-expired, unfinished
 * invitation per address: a partial unique index on `email` where neither `completed_at`
 * nor `replaced_at` is set (both engines support it), so two invitations racing cannot
 * both leave a working link. `expiry_notified_at` records that the inviter was told the
 * link expired unused (once). `draft` keeps what the invitee typed into a refused form
 * (never the password), so the form shows it again after the redirect.
 */
import { sql, type Kysely } from 'kysely';

export const invitations = {
  async up(db: Kysely<unknown>): Promise<void> {
    const big = 'bigint' as const;
    await db.schema
      .createTable('invitations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('invited_by', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('expires_at', big, (c) => c.notNull())
      .addColumn('completed_at', big)
      .addColumn('replaced_at', big)
      .addColumn('expiry_notified_at', big)
      .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('draft', 'text')
      .execute();
    await db.schema
      .createIndex('invitations_open_email')
      .unique()
      .on('invitations')
      .column('email')
      .where(sql<boolean>`completed_at is null and replaced_at is null`)
      .execute();
    // The expiry job's look-up: unfinished links, by expiry.
    await db.schema
      .createIndex('invitations_unnotified_expiry')
      .on('invitations')
      .column('expires_at')
      .where(sql<boolean>`completed_at is null and replaced_at is null and expiry_notified_at is null`)
      .execute();
  },
};
