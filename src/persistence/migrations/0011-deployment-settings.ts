/**
 * deployment_settings: facts about the running deployment that every process working on
 * the database must agree on, one row per name. The first is `public_url`, the issuer a
 * server records at each start, so that CLI commands (enrolment links, e-mailed links, an
 * application's issuer) name the URL the server answers at, not a default of their own.
 */
import type { Kysely } from 'kysely';

export const deploymentSettings = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('deployment_settings')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
