/**
 * Integrated identity providers and the accounts linked through them.
 *
 * identity_providers: platform-level (no namespace). The client secret, or the private
 * key of our certificate for private_key_jwt, is sealed under the master key with the
 * provider's id as context (`credentials_sealed`), as signing keys are; the certificate
 * itself is public and kept in clear. `revision` is a fresh random value on every write,
 * so each node's cached directory notices any change (identity-provider-directory.ts).
 *
 * federated_identities: (issuer, subject) → user, the primary key keeping an upstream
 * identity to one account; unique on (provider, user) so an account links once per
 * provider. Links go with their provider or their account (cascade).
 */
import type { Kysely } from 'kysely';

export const identityProviders = {
  async up(db: Kysely<unknown>): Promise<void> {
    const big = 'bigint' as const;
    await db.schema
      .createTable('identity_providers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('issuer', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('auth_method', 'text', (c) => c.notNull())
      .addColumn('credentials_sealed', 'text', (c) => c.notNull())
      .addColumn('certificate', 'text')
      .addColumn('credentials_set_at', big, (c) => c.notNull())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('domains', 'text', (c) => c.notNull())
      .addColumn('claims', 'text', (c) => c.notNull())
      .addColumn('end_session', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('metadata', 'text', (c) => c.notNull())
      .addColumn('discovered_at', big, (c) => c.notNull())
      .addColumn('revision', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('federated_identities')
      .addColumn('provider_id', 'text', (c) => c.notNull().references('identity_providers.id').onDelete('cascade'))
      .addColumn('issuer', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('last_used_at', big)
      .addPrimaryKeyConstraint('federated_identities_pkey', ['issuer', 'subject'])
      .addUniqueConstraint('federated_identities_provider_user', ['provider_id', 'user_id'])
      .execute();
    await db.schema.createIndex('federated_identities_by_user').on('federated_identities').column('user_id').execute();
  },
};
