/**
 * What the management API needs of the directory (issue 19).
 *
 * application_secrets.name: what the admin called the secret when adding it
 * ("CI deploy key"); existing secrets have none (empty).
 * application_secrets.last_used_at: when the secret last authenticated the
 * application (recorded at most once a minute per secret and node), null if never.
 * applications.management_api: whether people signing in through this application
 * may be issued access tokens for the management API (resource `<issuer>/api`).
 * Off for every existing application: only a platform admin turns it on.
 */
import type { Kysely } from 'kysely';

export const managementApi = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('application_secrets')
      .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema.alterTable('application_secrets').addColumn('last_used_at', 'bigint').execute();
    await db.schema
      .alterTable('applications')
      .addColumn('management_api', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
