/**
 * Storage for every oidc-provider model (sessions, interactions, grants, codes,
 * refresh tokens…), one table keyed by (model, id). Follows the provider's adapter
 * contract: payloads expire, can be consumed, and are revoked together by grant id.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
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

  return {
    async upsert(model, id, payload, expiresIn) {
      const row = {
        model,
        id,
        payload: JSON.stringify(payload),
        grant_id: GRANTABLE.has(model) ? (payload.grantId ?? null) : null,
        uid: payload.uid ?? null,
        user_code: payload.userCode ?? null,
        expires_at: expiresIn ? clock.now() + expiresIn * 1000 : null,
        consumed_at: null,
      };
      await db
        .insertInto('oidc_models')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['model', 'id']).doUpdateSet({
            payload: row.payload,
            grant_id: row.grant_id,
            uid: row.uid,
            user_code: row.user_code,
            expires_at: row.expires_at,
          }),
        )
        .execute();
    },
    async find(model, id) {
      return live(await db.selectFrom('oidc_models').select(columns).where('model', '=', model).where('id', '=', id).executeTakeFirst());
    },
    async findByUid(model, uid) {
      return live(await db.selectFrom('oidc_models').select(columns).where('model', '=', model).where('uid', '=', uid).executeTakeFirst());
    },
    async findByUserCode(model, userCode) {
      return live(await db.selectFrom('oidc_models').select(columns).where('model', '=', model).where('user_code', '=', userCode).executeTakeFirst());
    },
    async consume(model, id) {
      await db
        .updateTable('oidc_models')
        .set({ consumed_at: clock.now() })
        .where('model', '=', model)
        .where('id', '=', id)
        .where('consumed_at', 'is', null)
        .execute();
    },
    async destroy(model, id) {
      await db.deleteFrom('oidc_models').where('model', '=', model).where('id', '=', id).execute();
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
      const expired = db.selectFrom('oidc_models').select(['model', 'id']).where('expires_at', '<=', clock.now()).limit(limit);
      const rows = await expired.execute();
      if (rows.length === 0) return 0;
      await db
        .deleteFrom('oidc_models')
        .where((eb) => eb.or(rows.map((r) => eb.and([eb('model', '=', r.model), eb('id', '=', r.id)]))))
        .execute();
      return rows.length;
    },
  };
}
