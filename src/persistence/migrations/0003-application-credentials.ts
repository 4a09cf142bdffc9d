/**
 * Application certificates as client credentials: each keeps its public key as a
 * JWK (so the token endpoint never re-parses X.509) and the start of its validity
 * window, and an application holds a given certificate (by SHA-256 thumbprint) once.
 */
import type { Kysely } from 'kysely';

export const applicationCredentials = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('application_certificates')
      .addColumn('public_jwk', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema
      .alterTable('application_certificates')
      .addColumn('not_before', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex('application_certificates_thumbprint')
      .on('application_certificates')
      .columns(['namespace_id', 'application_id', 'thumbprint_sha256'])
      .unique()
      .execute();
  },
};
