/**
 * Groups of one namespace, their user members and nested groups. Every query is
 * bound to the scope's namespace; a reference to another namespace's group or
 * application is also refused by the composite foreign keys of the schema.
 */
import type { Kysely, Selectable } from 'kysely';
import type { DirectoryMember, Group } from '../../domain/groups.js';
import { asGroupId, asNamespaceId, asUserId, type NamespaceId } from '../../domain/ids.js';
import type { GroupRepository, Linked } from '../../domain/repositories.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { Engine } from '../database.js';
import { foreignKeyViolation, insertUnique } from '../errors.js';
import type { GroupsTable, Schema } from '../schema.js';

/** People and groups linked to something (a group's members, an application's assignees), as the domain lists them. */
export function directoryMembers(
  users: ReadonlyArray<{ id: string; email: string; given_name: string; family_name: string; created_at: number }>,
  groups: ReadonlyArray<{ id: string; name: string; created_at: number }>,
): DirectoryMember[] {
  return [
    ...users.map((u): DirectoryMember => ({
      type: 'user',
      id: asUserId(u.id),
      email: u.email,
      givenName: u.given_name,
      familyName: u.family_name,
      since: Number(u.created_at),
    })),
    ...groups.map((g): DirectoryMember => ({ type: 'group', id: asGroupId(g.id), name: g.name, since: Number(g.created_at) })),
  ];
}

export function toGroup(row: Selectable<GroupsTable>): Group {
  return {
    id: asGroupId(row.id),
    namespaceId: asNamespaceId(row.namespace_id),
    name: row.name,
    description: row.description,
    createdAt: row.created_at,
  };
}

/**
 * Inserts a link row: added, already there (ON CONFLICT DO NOTHING, so a PostgreSQL
 * transaction is not aborted by a duplicate), or refused because a referenced row is missing.
 */
export async function insertLink(
  insert: () => Promise<Array<{ numInsertedOrUpdatedRows?: bigint }>>,
  missing: 'user' | 'member' | 'group' | 'application',
): Promise<Linked> {
  try {
    const [result] = await insert();
    return { ok: true, added: Number(result?.numInsertedOrUpdatedRows ?? 0) > 0 };
  } catch (error) {
    if (foreignKeyViolation(error)) return { ok: false, missing };
    throw error;
  }
}

export function groupRepository(db: Kysely<Schema>, clock: Clock, namespaceId: NamespaceId, engine: Engine): GroupRepository {
  const get = async (id: string) => {
    const row = await db.selectFrom('groups').selectAll().where('namespace_id', '=', namespaceId).where('id', '=', id).executeTakeFirst();
    return row ? toGroup(row) : null;
  };

  return {
    async create(input, limit) {
      // Serialise creations in this namespace so two cannot both see room for one more.
      // SQLite runs one writing transaction at a time already; PostgreSQL locks the namespace row.
      if (engine === 'postgres') {
        await db.selectFrom('namespaces').select('id').where('id', '=', namespaceId).forUpdate().execute();
      }
      const { count } = await db
        .selectFrom('groups')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('namespace_id', '=', namespaceId)
        .executeTakeFirstOrThrow();
      if (Number(count) >= limit) return { ok: false, conflict: 'limit' };
      const row = { namespace_id: namespaceId, id: newId('grp_'), name: input.name, description: input.description, created_at: clock.now() };
      return insertUnique(db.insertInto('groups').values(row).execute(), toGroup(row), 'name' as const);
    },

    get,

    async findByName(name) {
      const row = await db.selectFrom('groups').selectAll().where('namespace_id', '=', namespaceId).where('name', '=', name).executeTakeFirst();
      return row ? toGroup(row) : null;
    },

    async list() {
      const rows = await db.selectFrom('groups').selectAll().where('namespace_id', '=', namespaceId).orderBy('name').execute();
      return rows.map(toGroup);
    },

    async addUser(groupId, userId) {
      if (!(await get(groupId))) return { ok: false, missing: 'group' };
      return insertLink(
        () =>
          db
            .insertInto('group_user_members')
            .values({ namespace_id: namespaceId, group_id: groupId, user_id: userId, created_at: clock.now() })
            .onConflict((oc) => oc.doNothing())
            .execute(),
        'user',
      );
    },

    async addGroup(groupId, memberGroupId) {
      if (!(await get(groupId))) return { ok: false, missing: 'group' };
      if (!(await get(memberGroupId))) return { ok: false, missing: 'member' };
      return insertLink(
        () =>
          db
            .insertInto('group_group_members')
            .values({ namespace_id: namespaceId, group_id: groupId, member_group_id: memberGroupId, created_at: clock.now() })
            .onConflict((oc) => oc.doNothing())
            .execute(),
        'member',
      );
    },

    async nestings() {
      const rows = await db
        .selectFrom('group_group_members')
        .select(['group_id', 'member_group_id'])
        .where('namespace_id', '=', namespaceId)
        .execute();
      return rows.map((r) => ({ groupId: asGroupId(r.group_id), memberGroupId: asGroupId(r.member_group_id) }));
    },

    async directGroupsOf(userId) {
      const rows = await db
        .selectFrom('group_user_members as m')
        .innerJoin('groups as g', (join) => join.onRef('g.namespace_id', '=', 'm.namespace_id').onRef('g.id', '=', 'm.group_id'))
        .selectAll('g')
        .where('m.namespace_id', '=', namespaceId)
        .where('m.user_id', '=', userId)
        .orderBy('g.name')
        .execute();
      return rows.map(toGroup);
    },

    async update(id, changes) {
      const set: { name?: string; description?: string } = {};
      if (changes.name !== undefined) set.name = changes.name;
      if (changes.description !== undefined) set.description = changes.description;
      const updating = db.updateTable('groups').set(set).where('namespace_id', '=', namespaceId).where('id', '=', id).execute();
      const done = await insertUnique(updating, null, 'name' as const);
      if (!done.ok) return done;
      const after = await get(id);
      return after ? { ok: true, value: after } : null;
    },

    async remove(id) {
      // Memberships, nestings (either way) and assignments go by cascade.
      const result = await db.deleteFrom('groups').where('namespace_id', '=', namespaceId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },

    async members(groupId) {
      const [users, groups] = await Promise.all([
        db
          .selectFrom('group_user_members as m')
          .innerJoin('users as u', 'u.id', 'm.user_id')
          .select(['u.id', 'u.email', 'u.given_name', 'u.family_name', 'm.created_at'])
          .where('m.namespace_id', '=', namespaceId)
          .where('m.group_id', '=', groupId)
          .orderBy('u.email')
          .execute(),
        db
          .selectFrom('group_group_members as m')
          .innerJoin('groups as g', (join) => join.onRef('g.namespace_id', '=', 'm.namespace_id').onRef('g.id', '=', 'm.member_group_id'))
          .select(['g.id', 'g.name', 'm.created_at'])
          .where('m.namespace_id', '=', namespaceId)
          .where('m.group_id', '=', groupId)
          .orderBy('g.name')
          .execute(),
      ]);
      return directoryMembers(users, groups);
    },

    async parentsOf(memberGroupId) {
      const rows = await db
        .selectFrom('group_group_members as m')
        .innerJoin('groups as g', (join) => join.onRef('g.namespace_id', '=', 'm.namespace_id').onRef('g.id', '=', 'm.group_id'))
        .selectAll('g')
        .where('m.namespace_id', '=', namespaceId)
        .where('m.member_group_id', '=', memberGroupId)
        .orderBy('g.name')
        .execute();
      return rows.map(toGroup);
    },

    async removeUser(groupId, userId) {
      const result = await db
        .deleteFrom('group_user_members')
        .where('namespace_id', '=', namespaceId)
        .where('group_id', '=', groupId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },

    async removeGroup(groupId, memberGroupId) {
      const result = await db
        .deleteFrom('group_group_members')
        .where('namespace_id', '=', namespaceId)
        .where('group_id', '=', groupId)
        .where('member_group_id', '=', memberGroupId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
  };
}
