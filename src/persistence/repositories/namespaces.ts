/** Tenant namespaces: the isolated spaces that own applications, groups and admins. */
import type { Kysely, Selectable } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { Namespace } from '../../domain/directory.js';
import { asNamespaceId } from '../../domain/ids.js';
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
  };
}
