/**
 * portal_sessions.signed_in_at and .amr: when the sign-in behind a portal session proved
 * who the person is (the ID token's auth_time, in ms) and with which methods (its amr,
 * as JSON). Changing one's own second factors needs a recent sign-in with a second
 * factor (domain/authorization-self.ts): the portal asks for one with `prompt=login`.
 * Sessions made before this migration have neither, so they count as not recent.
 */
import type { Kysely } from 'kysely';

export const portalSessionSignIn = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('portal_sessions').addColumn('signed_in_at', 'bigint').execute();
    await db.schema.alterTable('portal_sessions').addColumn('amr', 'text').execute();
  },
};
