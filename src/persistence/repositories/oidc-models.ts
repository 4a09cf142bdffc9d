/**
 * Storage for every oidc-provider model (sessions, interactions, grants, codes,
 * refresh tokens…), one table keyed by (model, id). Follows the provider's adapter
 * contract: payloads expire, can be consumed, and are revoked together by grant id.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { precompiled } from '../precompiled.js';
import type { Schema } from '../schema.js';

export type ModelPayload = Record<string, unknown> & {
  grantId?: string;
  uid?: string;
  userCode?: string;
  consumed?: number;
};

export interface OidcModelStore {
  upsert(model: string, id: string, payload: ModelPayload, expiresInSeconds: number | undefined): Promise<void>;
  find(model: string, id: string): Promise<ModelPayload | undefined>;
  findByUid(model: string, uid: string): Promise<ModelPayload | undefined>;
  findByUserCode(model: string, userCode: string): Promise<ModelPayload | undefined>;
  consume(model: string, id: string): Promise<void>;
  destroy(model: string, id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
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

export function oidcModelStore(db: Kysely<Schema>, clock: Clock): OidcModelStore {
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
  const upsert = precompiled(db, (p) =>
    db
      .insertInto('oidc_models')
      .values({
        model: p('model'),
        id: p('id'),
        payload: p('payload'),
        grant_id: p('grant_id'),
        uid: p('uid'),
        user_code: p('user_code'),
        expires_at: p('expires_at') as unknown as number,
      })
      .onConflict((oc) =>
        oc.columns(['model', 'id']).doUpdateSet((eb) => ({
          payload: eb.ref('excluded.payload'),
          grant_id: eb.ref('excluded.grant_id'),
          uid: eb.ref('excluded.uid'),
          user_code: eb.ref('excluded.user_code'),
          expires_at: eb.ref('excluded.expires_at'),
        })),
      ),
  );
  const consume = precompiled(db, (p) =>
    db
      .updateTable('oidc_models')
      .set({ consumed_at: p('now') as unknown as number })
      .where('model', '=', p('model'))
      .where('id', '=', p('id'))
      .where('consumed_at', 'is', null),
  );
  const destroy = precompiled(db, (p) => db.deleteFrom('oidc_models').where('model', '=', p('model')).where('id', '=', p('id')));
  const first = async (rows: Promise<{ rows: Array<{ payload: string; expires_at: number | null; consumed_at: number | null }> }>) =>
    live((await rows).rows[0]);

  return {
    async upsert(model, id, payload, expiresIn) {
      await upsert({
        model,
        id,
        payload: JSON.stringify(payload),
        grant_id: GRANTABLE.has(model) ? (payload.grantId ?? null) : null,
        uid: payload.uid ?? null,
        user_code: payload.userCode ?? null,
        expires_at: expiresIn ? clock.now() + expiresIn * 1000 : null,
      });
    },
    find: (model, id) => first(byId({ model, id })),
    findByUid: (model, uid) => first(byUid({ model, uid })),
    findByUserCode: (model, userCode) => first(byUserCode({ model, user_code: userCode })),
    async consume(model, id) {
      await consume({ model, id, now: clock.now() });
    },
    async destroy(model, id) {
      await destroy({ model, id });
    },
    async revokeByGrantId(grantId) {
      await db.deleteFrom('oidc_models').where('grant_id', '=', grantId).execute();
    },
    async claimOnce(model, id, payload, expiresIn) {
      const now = clock.now();
      const row = {
        model,
        id,
        payload: JSON.stringify(payload),
        grant_id: null,
        uid: null,
        user_code: null,
        expires_at: now + expiresIn * 1000,
        consumed_at: null,
      };
      const result = await db
        .insertInto('oidc_models')
        .values(row)
        // An expired row with the same id (not yet swept) may be taken over.
        .onConflict((oc) =>
          oc
            .columns(['model', 'id'])
            .doUpdateSet({ payload: row.payload, expires_at: row.expires_at, consumed_at: null })
            .where('oidc_models.expires_at', '<=', now),
        )
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
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
