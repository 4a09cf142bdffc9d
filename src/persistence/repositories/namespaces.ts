/** Tenant namespaces: the isolated spaces that own applications, groups and admins. */
import type { Kysely, Selectable } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { Namespace } from '../../domain/directory.js';
import { asNamespaceId, type NamespaceId } from '../../domain/ids.js';
import type { NamespaceRepository } from '../../domain/repositories.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { insertUnique } from '../errors.js';
import type { NamespacesTable, Schema } from '../schema.js';

function toNamespace(row: Selectable<NamespacesTable>): Namespace {
  return {
    id: asNamespaceId(row.id),
    name: row.name,
    displayName: row.display_name,
    description: row.description,
    directoryId: row.directory_id,
    createdAt: row.created_at,
  };
}

export function namespaceRepository(db: Kysely<Schema>, clock: Clock): NamespaceRepository {
  return {
    async create(input) {
      const row = {
        id: newId('ns_'),
        name: input.name,
        display_name: input.displayName,
        description: input.description,
        directory_id: randomUUID(),
        created_at: clock.now(),
      };
      return insertUnique(db.insertInto('namespaces').values(row).execute(), toNamespace(row), 'name');
    },
    async findByName(name) {
      const row = await db.selectFrom('namespaces').selectAll().where('name', '=', name).executeTakeFirst();
      return row ? toNamespace(row) : null;
    },
    async findById(id) {
      const row = await db.selectFrom('namespaces').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toNamespace(row) : null;
    },
    async list() {
      const rows = await db.selectFrom('namespaces').selectAll().orderBy('name').execute();
      return rows.map(toNamespace);
    },
    async update(id, changes) {
      const set: { display_name?: string; description?: string } = {};
      if (changes.displayName !== undefined) set.display_name = changes.displayName;
      if (changes.description !== undefined) set.description = changes.description;
      if (Object.keys(set).length) await db.updateTable('namespaces').set(set).where('id', '=', id).execute();
      const row = await db.selectFrom('namespaces').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toNamespace(row) : null;
    },
    async remove(id) {
      const result = await db.deleteFrom('namespaces').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
    async administeredBy(userId) {
      // Across namespaces by design: a caller's role is learned before any scope exists
      // (hence no namespace guard). Only namespace ids leave this query.
      const rows = await db.withoutPlugins().selectFrom('namespace_admins').select('namespace_id').where('user_id', '=', userId).execute();
      return rows.map((r): NamespaceId => asNamespaceId(r.namespace_id));
    },
  };
}
