/**
 * Assignments of users and groups to the applications of one namespace, and the
 * facts the access rules read (domain/application-access.ts). Each fact is one
 * index lookup over at most 50 rows (a namespace holds at most 50 groups); the three
 * are read in one statement.
 */
import { sql, type Kysely } from 'kysely';
import { asApplicationId, asGroupId, type NamespaceId } from '../../domain/ids.js';
import type { AssignmentRepository } from '../../domain/repositories.js';
import type { Clock } from '../../platform/clock.js';
import { precompiledPerDatabase } from '../precompiled.js';
import type { Schema } from '../schema.js';
import { directoryMembers, insertLink } from './groups.js';

/**
 * The three facts in one statement (asked at every sign-in and refresh): a row per direct
 * assignment, per direct group membership, and per group assigned to the application.
 */
export const accessFactsStatement = precompiledPerDatabase((db, p) =>
  db
    .selectFrom('application_user_assignments')
    .select([sql<string>`'user'`.as('fact'), 'user_id as id', sql<string | null>`null`.as('name')])
    .where('namespace_id', '=', p('namespace'))
    .where('application_id', '=', p('application'))
    .where('user_id', '=', p('user'))
    .unionAll(
      db
        .selectFrom('group_user_members as m')
        .innerJoin('groups as g', (join) => join.onRef('g.namespace_id', '=', 'm.namespace_id').onRef('g.id', '=', 'm.group_id'))
        .select([sql<string>`'member'`.as('fact'), 'g.id as id', 'g.name as name'])
        .where('m.namespace_id', '=', p('namespace'))
        .where('m.user_id', '=', p('user')),
    )
    .unionAll(
      db
        .selectFrom('application_group_assignments')
        .select([sql<string>`'assigned'`.as('fact'), 'group_id as id', sql<string | null>`null`.as('name')])
        .where('namespace_id', '=', p('namespace'))
        .where('application_id', '=', p('application')),
    ),
);

export function assignmentRepository(db: Kysely<Schema>, clock: Clock, namespaceId: NamespaceId): AssignmentRepository {
  const applicationExists = async (id: string) =>
    (await db.selectFrom('applications').select('id').where('namespace_id', '=', namespaceId).where('id', '=', id).executeTakeFirst()) !== undefined;

  return {
    async assignUser(applicationId, userId) {
      if (!(await applicationExists(applicationId))) return { ok: false, missing: 'application' };
      return insertLink(
        () =>
          db
            .insertInto('application_user_assignments')
            .values({ namespace_id: namespaceId, application_id: applicationId, user_id: userId, created_at: clock.now() })
            .onConflict((oc) => oc.doNothing())
            .execute(),
        'user',
      );
    },

    async assignGroup(applicationId, groupId) {
      if (!(await applicationExists(applicationId))) return { ok: false, missing: 'application' };
      const group = await db.selectFrom('groups').select('id').where('namespace_id', '=', namespaceId).where('id', '=', groupId).executeTakeFirst();
      if (!group) return { ok: false, missing: 'group' };
      return insertLink(
        () =>
          db
            .insertInto('application_group_assignments')
            .values({ namespace_id: namespaceId, application_id: applicationId, group_id: groupId, created_at: clock.now() })
            .onConflict((oc) => oc.doNothing())
            .execute(),
        'group',
      );
    },

    async list(applicationId) {
      const [users, groups] = await Promise.all([
        db
          .selectFrom('application_user_assignments as a')
          .innerJoin('users as u', 'u.id', 'a.user_id')
          .select(['u.id', 'u.email', 'u.given_name', 'u.family_name', 'a.created_at'])
          .where('a.namespace_id', '=', namespaceId)
          .where('a.application_id', '=', applicationId)
          .orderBy('u.email')
          .execute(),
        db
          .selectFrom('application_group_assignments as a')
          .innerJoin('groups as g', (join) => join.onRef('g.namespace_id', '=', 'a.namespace_id').onRef('g.id', '=', 'a.group_id'))
          .select(['g.id', 'g.name', 'a.created_at'])
          .where('a.namespace_id', '=', namespaceId)
          .where('a.application_id', '=', applicationId)
          .orderBy('g.name')
          .execute(),
      ]);
      return directoryMembers(users, groups);
    },

    async applicationsOfGroup(groupId) {
      const rows = await db
        .selectFrom('application_group_assignments')
        .select('application_id')
        .where('namespace_id', '=', namespaceId)
        .where('group_id', '=', groupId)
        .orderBy('application_id')
        .execute();
      return rows.map((r) => asApplicationId(r.application_id));
    },

    async unassignUser(applicationId, userId) {
      const result = await db
        .deleteFrom('application_user_assignments')
        .where('namespace_id', '=', namespaceId)
        .where('application_id', '=', applicationId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },

    async unassignGroup(applicationId, groupId) {
      const result = await db
        .deleteFrom('application_group_assignments')
        .where('namespace_id', '=', namespaceId)
        .where('application_id', '=', applicationId)
        .where('group_id', '=', groupId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },

    async accessFacts(applicationId, userId) {
      const { rows } = await accessFactsStatement(db)({ namespace: namespaceId, application: applicationId, user: userId });
      return {
        userAssigned: rows.some((r) => r.fact === 'user'),
        directGroups: rows.filter((r) => r.fact === 'member').map((r) => ({ id: asGroupId(r.id), name: r.name! })),
        assignedGroupIds: rows.filter((r) => r.fact === 'assigned').map((r) => asGroupId(r.id)),
      };
    },
  };
}
