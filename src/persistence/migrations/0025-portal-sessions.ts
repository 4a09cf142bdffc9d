/**
 * portal_sessions: the TechPass portal's backend-for-frontend sessions (flows/portal-session.ts).
 * The browser holds an HttpOnly cookie with a random token; only its SHA-256 is stored
 * (`id`), so a copy of the database opens no session. `csrf` is the value the portal's
 * JavaScript sends back in a header with every API call. A session ends at
 * `expires_at` (absolute), at `idle_expires_at` (moved forward as it is used), when its
 * person signs out, and with every other session of the account (account-sessions.ts).
 * `id_token` is the ID token of the sign-in, kept as the `id_token_hint` of the sign-out.
 */
import type { Kysely } from 'kysely';

export const portalSessions = {
  async up(db: Kysely<unknown>): Promise<void> {
    const big = 'bigint' as const;
    await db.schema
      .createTable('portal_sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('csrf', 'text', (c) => c.notNull())
      .addColumn('id_token', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('expires_at', big, (c) => c.notNull())
      .addColumn('idle_expires_at', big, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('portal_sessions_user').on('portal_sessions').column('user_id').execute();
  },
};
