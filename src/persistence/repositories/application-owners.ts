/**
 * The owners of the applications of one namespace (application_owners, namespace-owned:
 * every query carries the scope's namespace id). The list is replaced as a whole.
 */
import type { Kysely } from 'kysely';
import { asUserId, type NamespaceId } from '../../domain/ids.js';
import type { ApplicationOwnerRepository } from '../../domain/repositories.js';
import type { Clock } from '../../platform/clock.js';
import type { Schema } from '../schema.js';

export function applicationOwnerRepository(db: Kysely<Schema>, clock: Clock, namespaceId: NamespaceId): ApplicationOwnerRepository {
  return {
    async list(applicationId) {
      const rows = await db
        .selectFrom('application_owners as o')
        .innerJoin('users as u', 'u.id', 'o.user_id')
        .select(['o.user_id', 'u.email'])
        .where('o.namespace_id', '=', namespaceId)
        .where('o.application_id', '=', applicationId)
        .orderBy('u.email')
        .execute();
      return rows.map((r) => ({ userId: asUserId(r.user_id), email: r.email }));
    },

    async replace(applicationId, userIds) {
      await db.deleteFrom('application_owners').where('namespace_id', '=', namespaceId).where('application_id', '=', applicationId).execute();
      const unique = [...new Set(userIds)];
      if (unique.length === 0) return;
      const now = clock.now();
      await db
        .insertInto('application_owners')
        .values(unique.map((userId) => ({ namespace_id: namespaceId, application_id: applicationId, user_id: userId, created_at: now })))
        .execute();
    },
  };
}
