/**
 * The sign-in log (domain/sign-in-log.ts). `record` is on the sign-in's hot path: one
 * insert, compiled once per database, run in the step's transaction when the
 * repository is a transaction's. Queries are newest first with a keyset on
 * (occurred_at, id), each filter a condition on an indexed column.
 */
import type { Kysely, Selectable } from 'kysely';
import { precompiledPerDatabase } from '../precompiled.js';
import { asNamespaceId, asUserId } from '../../domain/ids.js';
import type { SignInLog, SignInRecord, SignInResult } from '../../domain/sign-in-log.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { Schema, SignInLogTable } from '../schema.js';

const insertLine = precompiledPerDatabase((db, p) =>
  db.insertInto('sign_in_log').values({
    id: p('id'),
    occurred_at: p('occurredAt') as unknown as number,
    user_id: p('userId'),
    login: p('login'),
    client_id: p('clientId'),
    namespace_id: p('namespaceId'),
    ip: p('ip'),
    user_agent: p('userAgent'),
    factors: p('factors'),
    result: p('result'),
    reason: p('reason'),
    correlation_id: p('correlationId'),
    flow_id: p('flowId'),
  }),
);

function toRecord(row: Selectable<SignInLogTable>): SignInRecord {
  return {
    id: row.id,
    occurredAt: Number(row.occurred_at),
    userId: row.user_id === null ? null : asUserId(row.user_id),
    login: row.login,
    clientId: row.client_id,
    namespaceId: row.namespace_id === null ? null : asNamespaceId(row.namespace_id),
    ip: row.ip,
    userAgent: row.user_agent,
    factors: JSON.parse(row.factors) as string[],
    result: row.result as SignInResult,
    reason: row.reason,
    correlationId: row.correlation_id,
    flowId: row.flow_id,
  };
}

export function signInLogRepository(db: Kysely<Schema>, clock: Clock): SignInLog {
  return {
    async record(attempt) {
      await insertLine(db)(
        {
          id: newId('sgn_'),
          occurredAt: clock.now(),
          userId: attempt.userId,
          login: attempt.login?.slice(0, 320) ?? null,
          clientId: attempt.clientId,
          namespaceId: attempt.namespaceId,
          ip: attempt.ip,
          userAgent: attempt.userAgent?.slice(0, 500) ?? null,
          factors: JSON.stringify(attempt.factors),
          result: attempt.result,
          reason: attempt.reason,
          correlationId: attempt.correlationId,
          flowId: attempt.flowId,
        },
        db,
      );
    },

    async query(q) {
      let query = db.selectFrom('sign_in_log').selectAll();
      if (q.userId !== undefined) query = query.where('user_id', '=', q.userId);
      if (q.clientId !== undefined) query = query.where('client_id', '=', q.clientId);
      if (q.result !== undefined) query = query.where('result', '=', q.result);
      if (q.namespaceIds !== undefined) {
        if (q.namespaceIds.length === 0) return [];
        query = query.where('namespace_id', 'in', [...q.namespaceIds]);
      }
      if (q.from !== undefined) query = query.where('occurred_at', '>=', q.from);
      if (q.to !== undefined) query = query.where('occurred_at', '<', q.to);
      const before = q.before;
      if (before) {
        query = query.where((eb) =>
          eb.or([eb('occurred_at', '<', before.occurredAt), eb.and([eb('occurred_at', '=', before.occurredAt), eb('id', '<', before.id)])]),
        );
      }
      const rows = await query.orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
      return rows.map(toRecord);
    },

    async deleteOlderThan(before, limit) {
      const doomed = db.selectFrom('sign_in_log').select('id').where('occurred_at', '<', before).orderBy('occurred_at').limit(limit);
      const result = await db.deleteFrom('sign_in_log').where('id', 'in', doomed).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
