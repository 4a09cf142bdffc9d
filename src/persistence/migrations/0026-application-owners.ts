/**
 * application_owners: the people responsible for an application (issue 19; the
 * reference's "Applications … owners"). Namespace-owned like the assignments: the
 * application is named by (namespace_id, application_id), so a row cannot point at
 * another namespace's application; it goes with the application and with the user.
 */
import type { Kysely } from 'kysely';

export const applicationOwners = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('application_owners')
      .addColumn('namespace_id', 'text', (c) => c.notNull())
      .addColumn('application_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('application_owners_pk', ['namespace_id', 'application_id', 'user_id'])
      .addForeignKeyConstraint('application_owners_app', ['namespace_id', 'application_id'], 'applications', ['namespace_id', 'id'], (fk) =>
        fk.onDelete('cascade'),
      )
      .execute();
    await db.schema.createIndex('application_owners_user').on('application_owners').column('user_id').execute();
  },
};
