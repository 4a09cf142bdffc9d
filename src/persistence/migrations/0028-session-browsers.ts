/**
 * session_browsers: what a person can recognise of each of their TechPass sessions
 * (the provider's `Session` rows in oidc_models, by their stable `uid`): the browser's
 * user agent and address when it signed in, when it was last seen at /authorize, and the
 * account picker's remembered account in that browser (`remembered_ref`), whose live
 * session ends with it. Written by oidc/session-browsers.ts; read and deleted with the
 * session by persistence/repositories/own-sessions.ts and account-sessions.ts. A row whose
 * session is gone is ignored and deleted at the account's next sign-in.
 *
 * portal_sessions.session_uid: the TechPass session a portal session signed in with (its
 * authorization code's session), so the portal marks "this browser" and a portal session
 * ends with the TechPass session it came from (the portal's ID token carries no `sid`: the
 * provider adds one only for back-channel logout clients).
 */
import type { Kysely } from 'kysely';

export const sessionBrowsers = {
  async up(db: Kysely<unknown>): Promise<void> {
    const big = 'bigint' as const;
    await db.schema
      .createTable('session_browsers')
      .addColumn('session_uid', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('ip', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('remembered_ref', 'text')
      .addColumn('signed_in_at', big, (c) => c.notNull())
      .addColumn('last_seen_at', big, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('session_browsers_user').on('session_browsers').column('user_id').execute();
    await db.schema.alterTable('portal_sessions').addColumn('session_uid', 'text').execute();
  },
};
