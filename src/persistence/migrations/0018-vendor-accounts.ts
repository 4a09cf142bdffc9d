/**
 * Vendor accounts: which namespace each belongs to, and their one-time activation codes.
 *
 * namespace_vendors: namespace-owned (reached only through a NamespaceScope). A vendor
 * account belongs to one namespace (unique on user_id); the row goes with its namespace
 * or its account (cascade). `created_by` is the actor who created it (audit-style name).
 *
 * vendor_activation_codes: one code per account at most; re-issuing replaces it. Only
 * an HMAC of the code is kept (a key derived from the master key, so a copy of the
 * database alone does not give 8-digit codes away, as a plain hash would). `used_at`
 * makes it single use; `expires_at` ends it.
 */
import type { Kysely } from 'kysely';

export const vendorAccounts = {
  async up(db: Kysely<unknown>): Promise<void> {
    const big = 'bigint' as const;
    await db.schema
      .createTable('namespace_vendors')
      .addColumn('namespace_id', 'text', (c) => c.notNull().references('namespaces.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('namespace_vendors_pk', ['namespace_id', 'user_id'])
      .addUniqueConstraint('namespace_vendors_user', ['user_id'])
      .execute();

    await db.schema
      .createTable('vendor_activation_codes')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('expires_at', big, (c) => c.notNull())
      .addColumn('used_at', big)
      .addColumn('created_at', big, (c) => c.notNull())
      .execute();
  },
};
