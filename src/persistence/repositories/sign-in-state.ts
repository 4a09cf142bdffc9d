/**
 * Storage for sign-in state: flows (optimistic locking on `version`), remembered
 * accounts, password-reset links and rate-limit counters.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Flow, FlowRepository } from '../../domain/flows/flow.js';
import { asUserId } from '../../domain/ids.js';
import type { PasswordResets, RateLimiter, RememberedAccounts } from '../../domain/repositories.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { constantTimeEqual } from '../../platform/secrets.js';
import { precompiledPerDatabase } from '../precompiled.js';
import type { FlowsTable, Schema } from '../schema.js';

function toFlow(row: Selectable<FlowsTable>): Flow<string, unknown> {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    interactionUid: row.interaction_uid,
    userId: row.user_id === null ? null : asUserId(row.user_id),
    requestedAal: row.requested_aal,
    methodsDone: JSON.parse(row.methods_done) as string[],
    context: JSON.parse(row.context) as unknown,
    csrf: row.csrf,
    expiresAt: row.expires_at,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

// Every sign-in page and step reads its flow by interaction, and every move saves it: compiled once per database.
const flowByInteraction = precompiledPerDatabase((db, p) =>
  db.selectFrom('flows').selectAll().where('interaction_uid', '=', p('uid')).orderBy('created_at', 'desc'),
);
const saveFlow = precompiledPerDatabase((db, p) =>
  db
    .updateTable('flows')
    .set({
      state: p('state'),
      user_id: p('userId'),
      requested_aal: p('requestedAal') as unknown as number,
      methods_done: p('methodsDone'),
      context: p('context'),
      expires_at: p('expiresAt') as unknown as number,
      version: p('nextVersion') as unknown as number,
      updated_at: p('updatedAt') as unknown as number,
    })
    .where('id', '=', p('id'))
    .where('version', '=', p('version') as unknown as number),
);
// Every sign-in starts a flow, remembers its account and counts its address: compiled once per database.
const insertFlow = precompiledPerDatabase((db, p) =>
  db.insertInto('flows').values({
    id: p('id'),
    kind: p('kind'),
    state: p('state'),
    interaction_uid: p('interactionUid'),
    user_id: p('userId'),
    requested_aal: p('requestedAal') as unknown as number,
    methods_done: p('methodsDone'),
    context: p('context'),
    csrf: p('csrf'),
    expires_at: p('expiresAt') as unknown as number,
    version: p('version') as unknown as number,
    created_at: p('createdAt') as unknown as number,
    updated_at: p('updatedAt') as unknown as number,
  }),
);
const rememberAccount = precompiledPerDatabase((db, p) =>
  db.insertInto('remembered_accounts').values({
    ref: p('ref'),
    user_id: p('userId'),
    authenticated_at: p('authenticatedAt') as unknown as number,
    amr: p('amr'),
    acr: p('acr'),
    session_expires_at: p('sessionExpiresAt') as unknown as number,
    created_at: p('createdAt') as unknown as number,
  }),
);
const rateCount = precompiledPerDatabase((db, p) => db.selectFrom('rate_limits').select(['count', 'window_start']).where('key', '=', p('key')));

export function flowRepository(db: Kysely<Schema>): FlowRepository {
  const byInteraction = flowByInteraction(db);
  const saveIfUnchanged = saveFlow(db);
  return {
    async create(flow) {
      await insertFlow(db)({
        id: flow.id,
        kind: flow.kind,
        state: flow.state,
        interactionUid: flow.interactionUid,
        userId: flow.userId,
        requestedAal: flow.requestedAal,
        methodsDone: JSON.stringify(flow.methodsDone),
        context: JSON.stringify(flow.context),
        csrf: flow.csrf,
        expiresAt: flow.expiresAt,
        version: flow.version,
        createdAt: flow.createdAt,
        updatedAt: flow.updatedAt,
      });
    },
    async findByInteraction(uid) {
      const row = (await byInteraction({ uid })).rows[0];
      return row ? toFlow(row) : null;
    },
    async find(id) {
      const row = await db.selectFrom('flows').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toFlow(row) : null;
    },
    async save(flow) {
      const result = await saveIfUnchanged({
        state: flow.state,
        userId: flow.userId,
        requestedAal: flow.requestedAal,
        methodsDone: JSON.stringify(flow.methodsDone),
        context: JSON.stringify(flow.context),
        expiresAt: flow.expiresAt,
        nextVersion: flow.version + 1,
        updatedAt: flow.updatedAt,
        id: flow.id,
        version: flow.version,
      });
      return Number(result.numAffectedRows ?? 0n) === 1;
    },
  };
}

export function rememberedAccounts(db: Kysely<Schema>, clock: Clock): RememberedAccounts {
  return {
    async remember(userId, signIn) {
      const ref = randomBytes(18).toString('base64url');
      const now = clock.now();
      await rememberAccount(db)({
        ref,
        userId,
        authenticatedAt: now,
        amr: JSON.stringify(signIn.amr),
        acr: signIn.acr,
        sessionExpiresAt: signIn.sessionExpiresAt,
        createdAt: now,
      });
      return ref;
    },
    async find(refs) {
      if (refs.length === 0) return [];
      const rows = await db.selectFrom('remembered_accounts').selectAll().where('ref', 'in', refs).execute();
      const byRef = new Map(rows.map((r) => [r.ref, r]));
      return refs.flatMap((ref) => {
        const r = byRef.get(ref);
        return r
          ? [
              {
                ref,
                userId: asUserId(r.user_id),
                amr: JSON.parse(r.amr) as string[],
                acr: r.acr,
                authenticatedAt: r.authenticated_at,
                sessionExpiresAt: r.session_expires_at,
              },
            ]
          : [];
      });
    },
    async upgrade(ref, signIn) {
      await db
        .updateTable('remembered_accounts')
        .set({ amr: JSON.stringify(signIn.amr), acr: signIn.acr, authenticated_at: clock.now(), session_expires_at: signIn.sessionExpiresAt })
        .where('ref', '=', ref)
        .execute();
    },
    async forget(ref) {
      await db.deleteFrom('remembered_accounts').where('ref', '=', ref).execute();
    },
    async endSessions(refs) {
      if (refs.length === 0) return;
      await db.updateTable('remembered_accounts').set({ session_expires_at: null }).where('ref', 'in', refs).execute();
    },
    async endSessionsOfUser(userId) {
      await db.updateTable('remembered_accounts').set({ session_expires_at: null }).where('user_id', '=', userId).execute();
    },
  };
}

export function passwordResets(db: Kysely<Schema>, clock: Clock): PasswordResets {
  const live = async (id: string, digest: string) => {
    const row = await db.selectFrom('password_resets').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || row.used_at !== null || row.expires_at <= clock.now() || !constantTimeEqual(row.digest, digest)) return null;
    return row;
  };
  return {
    async create(userId, digest, expiresAt) {
      const id = newId('rst_');
      // A new link replaces any earlier one that was not used.
      await db.updateTable('password_resets').set({ used_at: clock.now() }).where('user_id', '=', userId).where('used_at', 'is', null).execute();
      await db
        .insertInto('password_resets')
        .values({ id, digest, user_id: userId, created_at: clock.now(), expires_at: expiresAt, used_at: null })
        .execute();
      return id;
    },
    async peek(id, digest) {
      const row = await live(id, digest);
      return row ? asUserId(row.user_id) : null;
    },
    async consume(id, digest) {
      const row = await live(id, digest);
      if (!row) return null;
      // Single use even when two requests race: only one update finds used_at null.
      const result = await db
        .updateTable('password_resets')
        .set({ used_at: clock.now() })
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1 ? asUserId(row.user_id) : null;
    },
  };
}

export function rateLimiter(db: Kysely<Schema>, clock: Clock): RateLimiter {
  const windowOf = (windowMs: number) => Math.floor(clock.now() / windowMs) * windowMs;
  return {
    async hit(key, windowMs) {
      const start = windowOf(windowMs);
      const row = await db
        .insertInto('rate_limits')
        .values({ key, window_start: start, count: 1 })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet((eb) => ({
            count: eb
              .case()
              .when('rate_limits.window_start', '=', start)
              .then(eb('rate_limits.count', '+', 1))
              .else(1)
              .end(),
            window_start: start,
          })),
        )
        .returning('count')
        .executeTakeFirst();
      return row?.count ?? 1;
    },
    async count(key, windowMs) {
      const row = (await rateCount(db)({ key })).rows[0];
      return row && row.window_start === windowOf(windowMs) ? row.count : 0;
    },
  };
}
