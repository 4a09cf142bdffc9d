/**
 * Storage for every oidc-provider model (sessions, interactions, grants, codes,
 * refresh tokens…), one table keyed by (model, id). Follows the provider's adapter
 * contract: payloads expire, can be consumed, and are revoked together by grant id.
 */
import { sql, type Kysely, type QueryCreator } from 'kysely';
import type { Engine } from '../database.js';
import type { Clock } from '../../platform/clock.js';
import { inOneTransaction, precompiled, type param, type Precompiled } from '../precompiled.js';
import type { Schema } from '../schema.js';

export type ModelPayload = Record<string, unknown> & {
  grantId?: string;
  uid?: string;
  userCode?: string;
  consumed?: number;
};

/** A token as `findWithGrant` finds it. */
export interface TokenWithGrant {
  token?: ModelPayload;
  grant?: ModelPayload;
  session?: ModelPayload;
}

/** A write that `applyWrites` can combine with others. */
export type ModelWrite =
  | { op: 'upsert'; model: string; id: string; payload: ModelPayload; expiresInSeconds: number | undefined }
  | { op: 'consume'; model: string; id: string };

export interface OidcModelStore {
  upsert(model: string, id: string, payload: ModelPayload, expiresInSeconds: number | undefined): Promise<void>;
  find(model: string, id: string): Promise<ModelPayload | undefined>;
  findByUid(model: string, uid: string): Promise<ModelPayload | undefined>;
  findByUserCode(model: string, userCode: string): Promise<ModelPayload | undefined>;
  /**
   * The row `id` of each of `models` that has one (by model), each with, in the same
   * statement, the grant it belongs to (its `grantId`) and the session it is bound to (its
   * `sessionUid`): what the token endpoint reads next. Several models at once, because the
   * provider looks one value up as several (introspection asks for an access token, a
   * client-credentials token and a refresh token together).
   */
  findWithGrant(models: readonly string[], id: string): Promise<Map<string, TokenWithGrant>>;
  consume(model: string, id: string): Promise<void>;
  destroy(model: string, id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
  /**
   * Applies several upserts and consumes, each of a different (model, id), all or none:
   * one transaction on SQLite (one commit), one statement on PostgreSQL (one round trip).
   */
  applyWrites(writes: readonly ModelWrite[]): Promise<void>;
  /**
   * Stores `id` unless a live row with that id exists, in one statement; answers
   * whether this call stored it. Two nodes racing for the same id: exactly one wins.
   */
  claimOnce(model: string, id: string, payload: ModelPayload, expiresInSeconds: number): Promise<boolean>;
  /** Deletes rows that expired before now; returns how many. */
  deleteExpired(limit: number): Promise<number>;
}

/**
 * Models that belong to a grant and die with it. Others (an Interaction, a Session)
 * may carry a grantId too, but revoking a grant must not delete them: an
 * interaction in progress for the same application would be lost.
 */
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

/** Models found by account when its sessions end everywhere (see AccountSessions). */
const OF_ACCOUNT = new Set(['Session', 'Grant']);

export function oidcModelStore(db: Kysely<Schema>, engine: Engine, clock: Clock): OidcModelStore {
  const live = (row: { payload: string; expires_at: number | null; consumed_at: number | null } | undefined) => {
    if (!row) return undefined;
    if (row.expires_at !== null && row.expires_at <= clock.now()) return undefined;
    const payload = JSON.parse(row.payload) as ModelPayload;
    if (row.consumed_at !== null) payload.consumed = Math.floor(row.consumed_at / 1000);
    return payload;
  };
  const columns = ['payload', 'expires_at', 'consumed_at'] as const;

  const byId = precompiled(db, (p) => db.selectFrom('oidc_models').select(columns).where('model', '=', p('model')).where('id', '=', p('id')));
  const byUid = precompiled(db, (p) => db.selectFrom('oidc_models').select(columns).where('model', '=', p('model')).where('uid', '=', p('uid')));
  const byUserCode = precompiled(db, (p) =>
    db.selectFrom('oidc_models').select(columns).where('model', '=', p('model')).where('user_code', '=', p('user_code')),
  );
  // The session a token is bound to is named in its payload only.
  const sessionUidOf = engine === 'sqlite' ? sql<string>`json_extract(t.payload, '$.sessionUid')` : sql<string>`(t.payload::json ->> 'sessionUid')`;
  // A token of one of `models` models (by count: parameters model0…) with its grant and session.
  const withGrant = (models: number) =>
    precompiled(db, (p) =>
      db
        .selectFrom('oidc_models as t')
        .leftJoin('oidc_models as g', (join) => join.on('g.model', '=', p('grant_model')).onRef('g.id', '=', 't.grant_id'))
        .leftJoin('oidc_models as s', (join) => join.on('s.model', '=', p('session_model')).on('s.uid', '=', sessionUidOf))
        .select(['t.model', 't.payload', 't.expires_at', 't.consumed_at'])
        .select(['g.payload as g_payload', 'g.expires_at as g_expires_at', 'g.consumed_at as g_consumed_at'])
        .select(['s.payload as s_payload', 's.expires_at as s_expires_at', 's.consumed_at as s_consumed_at'])
        .where(
          't.model',
          'in',
          Array.from({ length: models }, (_, i) => p(`model${i}`)),
        )
        .where('t.id', '=', p('id')),
    );
  const withGrantStatements = new Map<number, ReturnType<typeof withGrant>>();
  // The upsert of `rows` rows at once (parameters suffixed with the row's index).
  const upsertRows = (rows: number, p: typeof param, from: QueryCreator<Schema> = db) =>
    from
      .insertInto('oidc_models')
      .values(
        Array.from({ length: rows }, (_, i) => ({
          model: p(`model${i}`),
          id: p(`id${i}`),
          payload: p(`payload${i}`),
          grant_id: p(`grant_id${i}`),
          uid: p(`uid${i}`),
          user_code: p(`user_code${i}`),
          expires_at: p(`expires_at${i}`) as unknown as number,
          account_id: p(`account_id${i}`),
        })),
      )
      .onConflict((oc) =>
        oc.columns(['model', 'id']).doUpdateSet((eb) => ({
          payload: eb.ref('excluded.payload'),
          grant_id: eb.ref('excluded.grant_id'),
          uid: eb.ref('excluded.uid'),
          user_code: eb.ref('excluded.user_code'),
          expires_at: eb.ref('excluded.expires_at'),
          account_id: eb.ref('excluded.account_id'),
        })),
      );
  // The consume of `rows` (model, id) pairs at once.
  const consumeRows = (rows: number, p: typeof param, from: QueryCreator<Schema> = db) =>
    from
      .updateTable('oidc_models')
      .set({ consumed_at: p('now') as unknown as number })
      .where((eb) => eb.or(Array.from({ length: rows }, (_, i) => eb.and([eb('model', '=', p(`cmodel${i}`)), eb('id', '=', p(`cid${i}`))]))))
      .where('consumed_at', 'is', null);
  const upsert = precompiled(db, (p) => upsertRows(1, p));
  // A claim (a client assertion's jti, ReplayDetection): a new row, or an expired one with the same id, not yet swept, taken over.
  const nothing = sql<null>`null`;
  const claim = precompiled(db, (p) =>
    db
      .insertInto('oidc_models')
      .values({
        model: p('model'),
        id: p('id'),
        payload: p('payload'),
        grant_id: nothing,
        uid: nothing,
        user_code: nothing,
        expires_at: p('expires_at') as unknown as number,
        consumed_at: nothing,
        account_id: nothing,
      })
      .onConflict((oc) =>
        oc
          .columns(['model', 'id'])
          .doUpdateSet((eb) => ({ payload: eb.ref('excluded.payload'), expires_at: eb.ref('excluded.expires_at'), consumed_at: nothing }))
          .where('oidc_models.expires_at', '<=', p('now') as unknown as number),
      ),
  );
  const consume = precompiled(db, (p) => consumeRows(1, p));
  const destroy = precompiled(db, (p) => db.deleteFrom('oidc_models').where('model', '=', p('model')).where('id', '=', p('id')));
  /** The statements for a batch of `consumes` consumes and `upserts` upserts, compiled once per shape. */
  const batches = new Map<string, Array<Precompiled<unknown>>>();
  const batchStatements = (consumes: number, upserts: number) => {
    const shape = `${consumes}:${upserts}`;
    let statements = batches.get(shape);
    if (!statements) {
      if (engine === 'postgres' && consumes > 0 && upserts > 0) {
        // One statement: the consume as a data-modifying CTE in front of the upsert.
        statements = [
          precompiled(db, (p) => {
            const consumed = db.with('consumed', (qc) => consumeRows(consumes, p, qc).returning('id'));
            return upsertRows(upserts, p, consumed as unknown as QueryCreator<Schema>);
          }),
        ];
      } else {
        statements = [
          ...(consumes > 0 ? [precompiled(db, (p) => consumeRows(consumes, p))] : []),
          ...(upserts > 0 ? [precompiled(db, (p) => upsertRows(upserts, p))] : []),
        ];
      }
      batches.set(shape, statements);
    }
    return statements;
  };
  const rowValues = (i: number, model: string, id: string, payload: ModelPayload, expiresIn: number | undefined) => ({
    [`model${i}`]: model,
    [`id${i}`]: id,
    [`payload${i}`]: JSON.stringify(payload),
    [`grant_id${i}`]: GRANTABLE.has(model) ? (payload.grantId ?? null) : null,
    [`uid${i}`]: payload.uid ?? null,
    [`user_code${i}`]: payload.userCode ?? null,
    [`expires_at${i}`]: expiresIn ? clock.now() + expiresIn * 1000 : null,
    [`account_id${i}`]: OF_ACCOUNT.has(model) && typeof payload.accountId === 'string' ? payload.accountId : null,
  });

  const first = async (rows: Promise<{ rows: Array<{ payload: string; expires_at: number | null; consumed_at: number | null }> }>) =>
    live((await rows).rows[0]);

  return {
    async upsert(model, id, payload, expiresIn) {
      await upsert(rowValues(0, model, id, payload, expiresIn));
    },
    async applyWrites(writes) {
      const values: Record<string, unknown> = { now: clock.now() };
      let consumes = 0;
      let upserts = 0;
      for (const write of writes) {
        if (write.op === 'consume') {
          values[`cmodel${consumes}`] = write.model;
          values[`cid${consumes}`] = write.id;
          consumes += 1;
        } else {
          Object.assign(values, rowValues(upserts, write.model, write.id, write.payload, write.expiresInSeconds));
          upserts += 1;
        }
      }
      const statements = batchStatements(consumes, upserts);
      if (statements.length === 0) return;
      if (statements.length === 1) {
        await statements[0]!(values);
        return;
      }
      await inOneTransaction(
        db,
        statements.map((statement) => [statement, values]),
      );
    },
    find: (model, id) => first(byId({ model, id })),
    findByUid: (model, uid) => first(byUid({ model, uid })),
    findByUserCode: (model, userCode) => first(byUserCode({ model, user_code: userCode })),
    async findWithGrant(models, id) {
      let statement = withGrantStatements.get(models.length);
      if (!statement) {
        statement = withGrant(models.length);
        withGrantStatements.set(models.length, statement);
      }
      const values: Record<string, unknown> = { id, grant_model: 'Grant', session_model: 'Session' };
      models.forEach((model, i) => (values[`model${i}`] = model));
      const { rows } = await statement(values);
      const part = (payload: string | null, expires_at: number | null, consumed_at: number | null) =>
        payload === null ? undefined : live({ payload, expires_at, consumed_at });
      const found = new Map<string, TokenWithGrant>();
      for (const row of rows) {
        found.set(row.model, {
          token: live(row),
          grant: part(row.g_payload, row.g_expires_at, row.g_consumed_at),
          session: part(row.s_payload, row.s_expires_at, row.s_consumed_at),
        });
      }
      return found;
    },
    async consume(model, id) {
      await consume({ cmodel0: model, cid0: id, now: clock.now() });
    },
    async destroy(model, id) {
      await destroy({ model, id });
    },
    async revokeByGrantId(grantId) {
      await db.deleteFrom('oidc_models').where('grant_id', '=', grantId).execute();
    },
    async claimOnce(model, id, payload, expiresIn) {
      const now = clock.now();
      const result = await claim({ model, id, payload: JSON.stringify(payload), expires_at: now + expiresIn * 1000, now });
      return Number(result.numAffectedRows ?? 0n) > 0;
    },
    async deleteExpired(limit) {
      // One statement: the expired rows' keys found through the expiry index, deleted by key.
      const result = await db
        .deleteFrom('oidc_models')
        .where(({ eb, refTuple, selectFrom }) =>
          eb(
            refTuple('model', 'id'),
            'in',
            selectFrom('oidc_models').select(['model', 'id']).where('expires_at', '<=', clock.now()).limit(limit).$asTuple('model', 'id'),
          ),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
