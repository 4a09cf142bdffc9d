/** Signing keys, sealed under the master key at rest. */
import { sql, type Kysely } from 'kysely';
import type { SigningKeyRepository } from '../../domain/repositories.js';
import type { KeyStatus, SigningAlg } from '../../domain/signing-keys.js';
import type { Clock } from '../../platform/clock.js';
import type { MasterKey } from '../../platform/secrets.js';
import type { Schema } from '../schema.js';

const context = (kid: string) => `signing_keys:${kid}`;

export function signingKeyRepository(db: Kysely<Schema>, clock: Clock, masterKey: MasterKey): SigningKeyRepository {
  return {
    async all() {
      const rows = await db.selectFrom('signing_keys').selectAll().orderBy('created_at').execute();
      return rows.map((row) => ({
        kid: row.kid,
        alg: row.alg as SigningAlg,
        status: row.status as KeyStatus,
        privateJwk: JSON.parse(masterKey.open(row.sealed_jwk, context(row.kid))) as Record<string, unknown>,
        createdAt: row.created_at,
        activatedAt: row.activated_at,
        retiredAt: row.retired_at,
        publishUntil: row.publish_until,
      }));
    },

    async insert(key) {
      const now = clock.now();
      await db
        .insertInto('signing_keys')
        .values({
          kid: key.kid,
          alg: key.alg,
          status: key.status,
          sealed_jwk: masterKey.seal(JSON.stringify(key.privateJwk), context(key.kid)),
          created_at: now,
          activated_at: key.status === 'current' ? now : null,
          retired_at: null,
          publish_until: null,
        })
        .execute();
    },

    async applyRotation(plan, newKeys) {
      const now = clock.now();
      await db.transaction().execute(async (tx) => {
        for (const { kid, publishUntil } of plan.retire) {
          await tx
            .updateTable('signing_keys')
            .set({ status: 'retired', retired_at: now, publish_until: publishUntil })
            .where('kid', '=', kid)
            .execute();
        }
        for (const kid of plan.promote) {
          await tx.updateTable('signing_keys').set({ status: 'current', activated_at: now }).where('kid', '=', kid).execute();
        }
        if (plan.drop.length) await tx.deleteFrom('signing_keys').where('kid', 'in', plan.drop).execute();
        for (const key of newKeys) {
          await tx
            .insertInto('signing_keys')
            .values({
              kid: key.kid,
              alg: key.alg,
              status: 'next',
              sealed_jwk: masterKey.seal(JSON.stringify(key.privateJwk), context(key.kid)),
              created_at: now,
              activated_at: null,
              retired_at: null,
              publish_until: null,
            })
            .execute();
        }
      });
    },

    async version() {
      const row = await db
        .selectFrom('signing_keys')
        .select([sql<string>`count(*)`.as('n'), sql<string>`max(coalesce(activated_at, 0) + coalesce(retired_at, 0) + created_at)`.as('v')])
        .executeTakeFirst();
      return `${row?.n ?? 0}:${row?.v ?? 0}`;
    },
  };
}
