import { Kysely, SqliteDialect } from 'kysely';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { NamespaceGuardPlugin } from './namespace-guard.js';
import type { Schema } from './schema.js';

describe('namespace guard', () => {
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }), plugins: [new NamespaceGuardPlugin()] });

  it('refuses a query on a namespace-owned table without a namespace condition', () => {
    expect(() => db.selectFrom('groups').selectAll().where('name', '=', 'x').compile()).toThrow(/no namespace_id condition/);
    expect(() => db.deleteFrom('applications').where('id', '=', 'x').compile()).toThrow(/applications/);
    expect(() => db.updateTable('application_secrets').set({ expires_at: 1 }).where('id', '=', 'x').compile()).toThrow(/application_secrets/);
  });

  it('lets scoped queries, joins on the namespace, and other tables through', () => {
    expect(() => db.selectFrom('groups').selectAll().where('namespace_id', '=', 'n').where('name', '=', 'x').compile()).not.toThrow();
    expect(() =>
      db
        .selectFrom('group_user_members as m')
        .innerJoin('groups as g', (j) => j.onRef('g.namespace_id', '=', 'm.namespace_id').onRef('g.id', '=', 'm.group_id'))
        .select('g.name')
        .where('m.namespace_id', '=', 'n')
        .compile(),
    ).not.toThrow();
    expect(() => db.selectFrom('users').selectAll().where('email', '=', 'x').compile()).not.toThrow();
  });
});
