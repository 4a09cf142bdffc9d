/**
 * Passkeys are user factors of kind `passkey`: the COSE public key in
 * `public_key`, the WebAuthn credential id (unique across TechPass, so an
 * assertion finds its passkey) and the authenticator's signature counter.
 */
import type { Kysely } from 'kysely';

export const passkeys = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('user_factors').addColumn('credential_id', 'text').execute();
    await db.schema
      .alterTable('user_factors')
      .addColumn('sign_count', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex('user_factors_credential').on('user_factors').columns(['credential_id']).unique().execute();
  },
};
