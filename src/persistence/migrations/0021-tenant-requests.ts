/**
 * tenant_requests: a service's request to become a tenant (issue 19): the namespace
 * name it asks for, its display name, description and justification, who asked, and
 * the platform admin's decision (approved: the namespace made of it; rejected: the
 * reason), or its withdrawal by the requester.
 *
 * `status` is pending, approved, rejected or withdrawn; only a pending request changes
 * (each decision is a conditional update). At most one pending request per name: a
 * partial unique index (both engines), so two requests racing for a name cannot both
 * be pending. A request goes with its requester's account (cascade); the namespace an
 * approval made outlives it (`namespace_id` is set null when it is deleted).
 */
import { sql, type Kysely } from 'kysely';

export const tenantRequests = {
  async up(db: Kysely<unknown>): Promise<void> {
    const big = 'bigint' as const;
    await db.schema
      .createTable('tenant_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('justification', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('requested_by', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('requested_at', big, (c) => c.notNull())
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', big)
      .addColumn('reason', 'text')
      .addColumn('namespace_id', 'text', (c) => c.references('namespaces.id').onDelete('set null'))
      .execute();
    await db.schema
      .createIndex('tenant_requests_pending_name')
      .unique()
      .on('tenant_requests')
      .column('name')
      .where(sql<boolean>`status = 'pending'`)
      .execute();
    // A requester's own list.
    await db.schema.createIndex('tenant_requests_requester').on('tenant_requests').columns(['requested_by', 'requested_at']).execute();
  },
};
