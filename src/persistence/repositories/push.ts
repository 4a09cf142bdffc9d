/**
 * Storage of the TechPass Authenticator: devices, enrolment links, push
 * challenges and pauses, plus guarded account status changes. Whatever must
 * happen once is a conditional update (`… where status = 'pending'`), so of two
 * answers racing on any number of nodes exactly one wins.
 */
import type { Kysely, Selectable } from 'kysely';
import { precompiledPerDatabase, transactionOf } from '../precompiled.js';
import { asUserId } from '../../domain/ids.js';
import type { AuthenticatorDevice, PushChallenge, PushChallengeStatus, PushOutcome } from '../../domain/push.js';
import type { AccountStatuses, PushRepository } from '../../domain/repositories.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { constantTimeEqual } from '../../platform/secrets.js';
import type { AuthenticatorDevicesTable, PushChallengesTable, Schema } from '../schema.js';

function toDevice(row: Selectable<AuthenticatorDevicesTable>): AuthenticatorDevice {
  return {
    id: row.id,
    userId: asUserId(row.user_id),
    name: row.name,
    publicKeyJwk: JSON.parse(row.public_key_jwk) as AuthenticatorDevice['publicKeyJwk'],
    webPush: row.web_push ? (JSON.parse(row.web_push) as AuthenticatorDevice['webPush']) : null,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}

function toChallenge(row: Selectable<PushChallengesTable>): PushChallenge {
  return {
    id: row.id,
    userId: asUserId(row.user_id),
    number: row.number,
    status: row.status as PushChallengeStatus,
    outcome: row.outcome as PushOutcome | null,
    flowId: row.flow_id,
    applicationName: row.application_name,
    ip: row.ip,
    userAgent: row.user_agent,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    answeredAt: row.answered_at,
    deviceId: row.device_id,
    consumedAt: row.consumed_at,
  };
}

const updated = (result: { numUpdatedRows: bigint }) => Number(result.numUpdatedRows) === 1;

// Read at every sign-in of a person with a second factor: compiled once per database.
const devicesOf = precompiledPerDatabase((db, p) => db.selectFrom('authenticator_devices').selectAll().where('user_id', '=', p('userId')).orderBy('created_at'));

export function pushRepository(db: Kysely<Schema>, clock: Clock): PushRepository {
  const inTransaction = <T>(fn: (tx: Kysely<Schema>) => Promise<T>) => transactionOf(db, fn);
  return {
    async createEnrolmentLink(link) {
      const id = newId('enr_');
      await db
        .insertInto('authenticator_enrolments')
        .values({
          id,
          digest: link.digest,
          user_id: link.userId,
          created_by: link.createdBy,
          created_at: clock.now(),
          expires_at: link.expiresAt,
          used_at: null,
        })
        .execute();
      return id;
    },

    async consumeEnrolmentLink(id, digest) {
      const row = await db.selectFrom('authenticator_enrolments').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row || row.used_at !== null || row.expires_at <= clock.now() || !constantTimeEqual(row.digest, digest)) return null;
      const result = await db
        .updateTable('authenticator_enrolments')
        .set({ used_at: clock.now() })
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return updated(result) ? asUserId(row.user_id) : null;
    },

    async addDevice(userId, device) {
      const row = {
        id: newId('dev_'),
        user_id: userId,
        name: device.name,
        public_key_jwk: JSON.stringify(device.publicKeyJwk),
        created_at: clock.now(),
        last_used_at: null,
        web_push: null,
      };
      await db.insertInto('authenticator_devices').values(row).execute();
      return toDevice(row);
    },

    async findDevice(id) {
      const row = await db.selectFrom('authenticator_devices').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toDevice(row) : null;
    },

    async devicesOf(userId) {
      const { rows } = await devicesOf(db)({ userId });
      return rows.map(toDevice);
    },

    async setWebPush(deviceId, subscription) {
      await db
        .updateTable('authenticator_devices')
        .set({ web_push: subscription ? JSON.stringify({ endpoint: subscription.endpoint, keys: subscription.keys }) : null })
        .where('id', '=', deviceId)
        .execute();
    },

    async removeDevice(deviceId) {
      const result = await db.deleteFrom('authenticator_devices').where('id', '=', deviceId).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },

    async removeDevices(userId) {
      return inTransaction(async (tx) => {
        // Prompts waiting for a removed phone can no longer be answered.
        await tx
          .updateTable('push_challenges')
          .set({ status: 'expired', outcome: 'expired' })
          .where('user_id', '=', userId)
          .where('status', '=', 'pending')
          .execute();
        const result = await tx.deleteFrom('authenticator_devices').where('user_id', '=', userId).executeTakeFirst();
        return Number(result.numDeletedRows);
      });
    },

    async enrolmentLinkUsed(id) {
      const row = await db.selectFrom('authenticator_enrolments').select('used_at').where('id', '=', id).executeTakeFirst();
      return row?.used_at != null;
    },

    async touchDevice(id) {
      await db.updateTable('authenticator_devices').set({ last_used_at: clock.now() }).where('id', '=', id).execute();
    },

    async createChallenge(challenge, limit) {
      return inTransaction(async (tx) => {
        // Take the account's write lock first (a row lock on PostgreSQL, the write
        // lock on SQLite), so two creations cannot both see room for one more.
        await tx
          .updateTable('users')
          .set((eb) => ({ updated_at: eb.ref('updated_at') }))
          .where('id', '=', challenge.userId)
          .execute();
        const now = clock.now();
        const { count } = await tx
          .selectFrom('push_challenges')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('user_id', '=', challenge.userId)
          .where('status', '=', 'pending')
          .where('expires_at', '>', now)
          .executeTakeFirstOrThrow();
        if (Number(count) >= limit) return { ok: false as const, conflict: 'too_many_outstanding' as const };
        const row = {
          id: newId('psh_'),
          user_id: challenge.userId,
          number: challenge.number,
          status: 'pending',
          outcome: null,
          flow_id: challenge.flowId,
          application_name: challenge.applicationName,
          ip: challenge.ip,
          user_agent: challenge.userAgent,
          created_at: now,
          expires_at: challenge.expiresAt,
          answered_at: null,
          device_id: null,
          consumed_at: null,
        };
        await tx.insertInto('push_challenges').values(row).execute();
        return { ok: true as const, value: toChallenge(row) };
      });
    },

    async findChallenge(id) {
      const row = await db.selectFrom('push_challenges').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toChallenge(row) : null;
    },

    async pendingChallenges(userId) {
      const rows = await db
        .selectFrom('push_challenges')
        .selectAll()
        .where('user_id', '=', userId)
        .where('status', '=', 'pending')
        .where('expires_at', '>', clock.now())
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .execute();
      return rows.map(toChallenge);
    },

    async settleChallenge(id, answer) {
      const now = clock.now();
      const result = await db
        .updateTable('push_challenges')
        .set({ status: answer.status, outcome: answer.outcome, device_id: answer.deviceId, answered_at: now })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return updated(result);
    },

    async markExpired(id) {
      await db
        .updateTable('push_challenges')
        .set({ status: 'expired', outcome: 'expired' })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('expires_at', '<=', clock.now())
        .execute();
    },

    async expirePending(userId) {
      // Closed now, by TechPass (a pause or a fraud report): not a prompt the person ignored.
      const result = await db
        .updateTable('push_challenges')
        .set({ status: 'expired', outcome: 'expired', answered_at: clock.now() })
        .where('user_id', '=', userId)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async failuresSince(userId, since) {
      const now = clock.now();
      const { count } = await db
        .selectFrom('push_challenges')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('user_id', '=', userId)
        .where((eb) =>
          eb.or([
            eb.and([eb('answered_at', '>', since), eb('outcome', 'in', ['wrong_number', 'denied'])]),
            // Ignored: never answered, and its time ran out within the window.
            eb.and([
              eb('answered_at', 'is', null),
              eb('status', 'in', ['pending', 'expired']),
              eb('expires_at', '>', since),
              eb('expires_at', '<=', now),
            ]),
          ]),
        )
        .executeTakeFirstOrThrow();
      return Number(count);
    },

    async pausedUntil(userId) {
      const row = await db.selectFrom('push_pauses').select('paused_until').where('user_id', '=', userId).executeTakeFirst();
      return row && row.paused_until > clock.now() ? row.paused_until : null;
    },

    async pause(userId, until) {
      await db
        .insertInto('push_pauses')
        .values({ user_id: userId, paused_until: until, created_at: clock.now() })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ paused_until: until, created_at: clock.now() }))
        .execute();
    },

    async claimRequestNonce(deviceId, nonce, expiresAt) {
      await db.deleteFrom('device_request_nonces').where('device_id', '=', deviceId).where('expires_at', '<=', clock.now()).execute();
      const result = await db
        .insertInto('device_request_nonces')
        .values({ device_id: deviceId, nonce, expires_at: expiresAt })
        .onConflict((oc) => oc.columns(['device_id', 'nonce']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    },

    async consumeApproval(id) {
      const result = await db
        .updateTable('push_challenges')
        .set({ consumed_at: clock.now() })
        .where('id', '=', id)
        .where('status', '=', 'approved')
        .where('consumed_at', 'is', null)
        .executeTakeFirst();
      return updated(result);
    },
  };
}

export function accountStatuses(db: Kysely<Schema>, clock: Clock): AccountStatuses {
  return {
    async changeStatus(id, from, to) {
      if (from.length === 0) return false;
      const now = clock.now();
      const result = await db
        .updateTable('users')
        .set({ status: to, status_changed_at: now, updated_at: now })
        .where('id', '=', id)
        .where('status', 'in', [...from])
        .executeTakeFirst();
      return updated(result);
    },
  };
}
