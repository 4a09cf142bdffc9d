/**
 * Sign-in state: flows (one row per sign-in, sign-up, recovery… with optimistic
 * locking), the accounts a browser remembers (the account picker), terms
 * acceptances per user and application, password-reset links, and rate-limit
 * counters. All state lives here so any node can continue any flow.
 */
import type { Kysely } from 'kysely';

export const signIn = {
  async up(db: Kysely<unknown>): Promise<void> {
    const big = 'bigint' as const;
    const schema = db.schema;

    await schema
      .createTable('flows')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('interaction_uid', 'text')
      .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
      .addColumn('requested_aal', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('methods_done', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('context', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('csrf', 'text', (c) => c.notNull())
      .addColumn('expires_at', big, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .execute();
    await schema.createIndex('flows_by_interaction').on('flows').columns(['interaction_uid']).execute();
    await schema.createIndex('flows_by_expiry').on('flows').columns(['expires_at']).execute();

    await schema
      .createTable('remembered_accounts')
      .addColumn('ref', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('authenticated_at', big, (c) => c.notNull())
      .addColumn('amr', 'text', (c) => c.notNull())
      .addColumn('acr', 'text', (c) => c.notNull())
      .addColumn('session_expires_at', big)
      .addColumn('created_at', big, (c) => c.notNull())
      .execute();
    await schema.createIndex('remembered_accounts_by_user').on('remembered_accounts').columns(['user_id']).execute();

    await schema
      .createTable('terms_acceptances')
      .addColumn('namespace_id', 'text', (c) => c.notNull())
      .addColumn('application_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('accepted_at', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('terms_acceptances_pk', ['namespace_id', 'application_id', 'user_id'])
      .addForeignKeyConstraint('terms_acceptances_app', ['namespace_id', 'application_id'], 'applications', ['namespace_id', 'id'], (fk) =>
        fk.onDelete('cascade'),
      )
      .execute();

    await schema
      .createTable('password_resets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('expires_at', big, (c) => c.notNull())
      .addColumn('used_at', big)
      .execute();
    await schema.createIndex('password_resets_by_user').on('password_resets').columns(['user_id']).execute();

    await schema
      .createTable('rate_limits')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('window_start', big, (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .execute();
  },
};
