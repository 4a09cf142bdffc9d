/**
 * device_request_nonces: the nonces of the signed requests each authenticator device
 * made, so a request is accepted once on any node (the primary key decides between two
 * nodes receiving the same request). A row is kept until its request's timestamp would
 * be stale anyway; the device's expired rows are deleted when it makes its next request,
 * and all of them with the device.
 */
import type { Kysely } from 'kysely';

export const deviceRequestNonces = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('device_request_nonces')
      .addColumn('device_id', 'text', (c) => c.notNull().references('authenticator_devices.id').onDelete('cascade'))
      .addColumn('nonce', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('device_request_nonces_pkey', ['device_id', 'nonce'])
      .execute();
    await db.schema.createIndex('device_request_nonces_by_expiry').on('device_request_nonces').columns(['device_id', 'expires_at']).execute();
  },
};
