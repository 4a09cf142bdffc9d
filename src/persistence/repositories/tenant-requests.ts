/**
 * Tenant requests (migration 0021, domain/tenant-requests.ts). Platform-level: a request
 * belongs to no namespace until its approval creates one. Each decision is an update
 * conditional on `status = 'pending'`, so approving twice, or deciding a withdrawn
 * request, changes nothing (and, inside the approval's transaction, PostgreSQL's row
 * lock makes a second approval racing the first wait and then find it decided).
 */
import type { Kysely } from 'kysely';
import { asNamespaceId, asUserId } from '../../domain/ids.js';
import { TENANT_REQUEST_STATUSES, type TenantRequest, type TenantRequestRepository, type TenantRequestStatus } from '../../domain/tenant-requests.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { insertUnique } from '../errors.js';
import type { Schema } from '../schema.js';

const orNull = (v: number | string | null) => (v === null ? null : Number(v));
const statusOf = (s: string): TenantRequestStatus =>
  (TENANT_REQUEST_STATUSES as readonly string[]).includes(s) ? (s as TenantRequestStatus) : 'pending';

export function tenantRequestRepository(db: Kysely<Schema>, clock: Clock): TenantRequestRepository {
  const select = () =>
    db
      .selectFrom('tenant_requests')
      .innerJoin('users', 'users.id', 'tenant_requests.requested_by')
      .selectAll('tenant_requests')
      .select('users.email as requester_email');
  type Row = Awaited<ReturnType<ReturnType<typeof select>['executeTakeFirstOrThrow']>>;
  const toRequest = (row: Row): TenantRequest => ({
    id: row.id,
    name: row.name,
    displayName: row.display_name,
    description: row.description,
    justification: row.justification,
    status: statusOf(row.status),
    requestedBy: asUserId(row.requested_by),
    requesterEmail: row.requester_email,
    requestedAt: Number(row.requested_at),
    decidedBy: row.decided_by,
    decidedAt: orNull(row.decided_at),
    reason: row.reason,
    namespaceId: row.namespace_id ? asNamespaceId(row.namespace_id) : null,
  });
  const find = async (id: string) => {
    const row = await select().where('tenant_requests.id', '=', id).executeTakeFirst();
    return row ? toRequest(row) : null;
  };

  return {
    async create(input) {
      const id = newId('tr_');
      const insert = db
        .insertInto('tenant_requests')
        .values({
          id,
          name: input.name,
          display_name: input.displayName,
          description: input.description,
          justification: input.justification,
          status: 'pending',
          requested_by: input.requestedBy,
          requested_at: clock.now(),
          decided_by: null,
          decided_at: null,
          reason: null,
          namespace_id: null,
        })
        .execute();
      const created = await insertUnique(insert, id, 'name' as const);
      if (!created.ok) return created;
      return { ok: true, value: (await find(id))! };
    },

    find,

    async list(query) {
      let q = select();
      if (query.status) q = q.where('tenant_requests.status', '=', query.status);
      if (query.requestedBy) q = q.where('tenant_requests.requested_by', '=', query.requestedBy);
      const after = query.after;
      if (after) {
        q = q.where((eb) =>
          eb.or([
            eb('tenant_requests.requested_at', '>', after.requestedAt),
            eb.and([eb('tenant_requests.requested_at', '=', after.requestedAt), eb('tenant_requests.id', '>', after.id)]),
          ]),
        );
      }
      const rows = await q.orderBy('tenant_requests.requested_at').orderBy('tenant_requests.id').limit(query.limit).execute();
      return rows.map(toRequest);
    },

    async decide(id, decision) {
      const result = await db
        .updateTable('tenant_requests')
        .set({
          status: decision.status,
          decided_by: decision.decidedBy,
          decided_at: clock.now(),
          reason: decision.reason ?? null,
          namespace_id: decision.namespaceId ?? null,
        })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async platformAdminEmails() {
      const rows = await db
        .selectFrom('users')
        .select('email')
        .where('platform_role', '=', 'admin')
        .where('status', '=', 'active')
        .orderBy('email')
        .execute();
      return rows.map((r) => r.email);
    },
  };
}
