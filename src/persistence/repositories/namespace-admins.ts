/**
 * The admins of one namespace (namespace_admins, namespace-owned: every query carries
 * the scope's namespace id). The last admin cannot be removed: the count and the
 * delete are serialised per namespace (SQLite runs one writing transaction at a time;
 * PostgreSQL locks the namespace row first), so two removals at once cannot leave none.
 */
import type { Kysely } from 'kysely';
import { asUserId, type NamespaceId } from '../../domain/ids.js';
import type { NamespaceAdminRepository } from '../../domain/repositories.js';
import type { Clock } from '../../platform/clock.js';
import type { Engine } from '../database.js';
import type { Schema } from '../schema.js';

export function namespaceAdminRepository(db: Kysely<Schema>, clock: Clock, namespaceId: NamespaceId, engine: Engine): NamespaceAdminRepository {
  return {
    async list() {
      const rows = await db
        .selectFrom('namespace_admins')
        .innerJoin('users', 'users.id', 'namespace_admins.user_id')
        .select(['namespace_admins.user_id', 'namespace_admins.created_at', 'users.email', 'users.given_name', 'users.family_name'])
        .where('namespace_admins.namespace_id', '=', namespaceId)
        .orderBy('users.email')
        .execute();
      return rows.map((r) => ({
        userId: asUserId(r.user_id),
        email: r.email,
        givenName: r.given_name,
        familyName: r.family_name,
        since: Number(r.created_at),
      }));
    },

    async add(userId) {
      const result = await db
        .insertInto('namespace_admins')
        .values({ namespace_id: namespaceId, user_id: userId, created_at: clock.now() })
        .onConflict((oc) => oc.columns(['namespace_id', 'user_id']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    },

    async remove(userId) {
      if (engine === 'postgres') {
        await db.selectFrom('namespaces').select('id').where('id', '=', namespaceId).forUpdate().execute();
      }
      const admins = await db.selectFrom('namespace_admins').select('user_id').where('namespace_id', '=', namespaceId).execute();
      if (!admins.some((a) => a.user_id === userId)) return 'not_admin';
      if (admins.length <= 1) return 'last_admin';
      await db.deleteFrom('namespace_admins').where('namespace_id', '=', namespaceId).where('user_id', '=', userId).execute();
      return 'removed';
    },
  };
}
