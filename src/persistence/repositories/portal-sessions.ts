/** The portal's sessions (portal_sessions; see migration 0025 and flows/portal-session.ts). */
import type { Kysely } from 'kysely';
import { asUserId } from '../../domain/ids.js';
import type { PortalSessions } from '../../domain/repositories.js';
import type { Schema } from '../schema.js';

export function portalSessions(db: Kysely<Schema>): PortalSessions {
  return {
    async create(s) {
      await db
        .insertInto('portal_sessions')
        .values({
          id: s.id,
          user_id: s.userId,
          csrf: s.csrf,
          id_token: s.idToken,
          created_at: s.createdAt,
          expires_at: s.expiresAt,
          idle_expires_at: s.idleExpiresAt,
          signed_in_at: s.signedInAt,
          amr: JSON.stringify(s.amr),
        })
        .execute();
    },

    async findLive(id, now) {
      const row = await db
        .selectFrom('portal_sessions')
        .selectAll()
        .where('id', '=', id)
        .where('expires_at', '>', now)
        .where('idle_expires_at', '>', now)
        .executeTakeFirst();
      if (!row) return null;
      return {
        id: row.id,
        userId: asUserId(row.user_id),
        csrf: row.csrf,
        idToken: row.id_token,
        createdAt: Number(row.created_at),
        expiresAt: Number(row.expires_at),
        idleExpiresAt: Number(row.idle_expires_at),
        signedInAt: row.signed_in_at === null ? null : Number(row.signed_in_at),
        amr: row.amr ? (JSON.parse(row.amr) as string[]) : [],
      };
    },

    async touch(id, idleExpiresAt) {
      await db.updateTable('portal_sessions').set({ idle_expires_at: idleExpiresAt }).where('id', '=', id).execute();
    },

    async remove(id) {
      const result = await db.deleteFrom('portal_sessions').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async removeExpired(now) {
      const result = await db
        .deleteFrom('portal_sessions')
        .where((eb) => eb.or([eb('expires_at', '<=', now), eb('idle_expires_at', '<=', now)]))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
