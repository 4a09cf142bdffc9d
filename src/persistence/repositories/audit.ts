/**
 * The append-only, hash-chained audit log. Appends are serialised (an advisory
 * lock on PostgreSQL, the single writer on SQLite) so the chain never forks.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import { precompiledPerDatabase, transactionOf } from '../precompiled.js';
import { GENESIS_HASH, hashEvent, verifyChain, type AuditEvent } from '../../domain/audit.js';
import type { AuditLog } from '../../domain/repositories.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { Engine } from '../database.js';
import type { AuditEventsTable, Schema } from '../schema.js';

const AUDIT_LOCK = 7_374_101;

function toEvent(row: Selectable<AuditEventsTable>): AuditEvent {
  return {
    seq: Number(row.seq),
    id: row.id,
    occurredAt: row.occurred_at,
    actor: row.actor,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    namespaceId: row.namespace_id,
    ip: row.ip,
    data: JSON.parse(row.data) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

// Every sign-in appends an event or two: both statements compiled once per database.
const lastHash = precompiledPerDatabase((db) => db.selectFrom('audit_events').select('hash').orderBy('seq', 'desc').limit(sql.lit(1)));
const insertEvent = precompiledPerDatabase((db, p) =>
  db
    .insertInto('audit_events')
    .values({
      id: p('id'),
      occurred_at: p('occurredAt') as unknown as number,
      actor: p('actor'),
      action: p('action'),
      target_type: p('targetType'),
      target_id: p('targetId'),
      namespace_id: p('namespaceId'),
      ip: p('ip'),
      data: p('data'),
      prev_hash: p('prevHash'),
      hash: p('hash'),
    })
    .returning('seq'),
);

export function auditLog(db: Kysely<Schema>, engine: Engine, clock: Clock): AuditLog {
  return {
    async append(input) {
      // Inside a caller's transaction the event commits (or not) with the change it records.
      return transactionOf(db, async (tx) => {
        if (engine === 'postgres') await sql`select pg_advisory_xact_lock(${AUDIT_LOCK})`.execute(tx);
        const last = (await lastHash(db)({}, tx)).rows[0];
        const body = {
          id: newId('evt_'),
          occurredAt: clock.now(),
          actor: input.actor,
          action: input.action,
          targetType: input.targetType ?? null,
          targetId: input.targetId ?? null,
          namespaceId: input.namespaceId ?? null,
          ip: input.ip ?? null,
          data: input.data ?? {},
          prevHash: last?.hash ?? GENESIS_HASH,
        };
        const hash = hashEvent(body);
        const inserted = (
          await insertEvent(db)(
            {
              id: body.id,
              occurredAt: body.occurredAt,
              actor: body.actor,
              action: body.action,
              targetType: body.targetType,
              targetId: body.targetId,
              namespaceId: body.namespaceId,
              ip: body.ip,
              data: JSON.stringify(body.data),
              prevHash: body.prevHash,
              hash,
            },
            tx,
          )
        ).rows[0]!;
        return { ...body, seq: Number(inserted.seq), hash };
      });
    },

    async list(options = {}) {
      let query = db
        .selectFrom('audit_events')
        .selectAll()
        .orderBy('seq')
        .limit(options.limit ?? 100);
      if (options.afterSeq !== undefined) query = query.where('seq', '>', options.afterSeq);
      if (options.targetId !== undefined) query = query.where('target_id', '=', options.targetId);
      return (await query.execute()).map(toEvent);
    },

    async query(q) {
      let query = db.selectFrom('audit_events').selectAll();
      if (q.actor !== undefined) query = query.where('actor', '=', q.actor);
      if (q.action !== undefined) query = query.where('action', '=', q.action);
      if (q.targetId !== undefined) query = query.where('target_id', '=', q.targetId);
      if (q.namespaceIds !== undefined) {
        if (q.namespaceIds.length === 0) return [];
        query = query.where('namespace_id', 'in', [...q.namespaceIds]);
      }
      if (q.from !== undefined) query = query.where('occurred_at', '>=', q.from);
      if (q.to !== undefined) query = query.where('occurred_at', '<', q.to);
      if (q.beforeSeq !== undefined) query = query.where('seq', '<', q.beforeSeq);
      if (q.afterSeq !== undefined) query = query.where('seq', '>', q.afterSeq);
      const order = q.afterSeq !== undefined ? 'asc' : 'desc';
      return (await query.orderBy('seq', order).limit(q.limit).execute()).map(toEvent);
    },

    async verify() {
      // Reads in pages so a long log never sits in memory at once.
      let total = 0;
      let prev = GENESIS_HASH;
      let after = 0;
      for (;;) {
        const rows = await db.selectFrom('audit_events').selectAll().where('seq', '>', after).orderBy('seq').limit(1000).execute();
        if (rows.length === 0) return { ok: true, count: total };
        const events = rows.map(toEvent);
        const check = verifyChain(events, prev);
        if (!check.ok) return check;
        total += check.count;
        const last = events[events.length - 1]!;
        prev = last.hash;
        after = last.seq;
      }
    },
  };
}
