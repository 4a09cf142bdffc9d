/** Accounts and their MFA factors. */
import { STORED_KIND } from '../../contracts/factors.js';
import { sql, type Kysely, type Selectable } from 'kysely';
import { asUserId, type UserId } from '../../domain/ids.js';
import type { UserRepository } from '../../domain/repositories.js';
import { localUsernameOf, normaliseEmail, type AccountType, type BusinessOperation, type User, type UserStatus } from '../../domain/users.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { MasterKey } from '../../platform/secrets.js';
import { insertUnique } from '../errors.js';
import { precompiledPerDatabase, transactionOf } from '../precompiled.js';
import type { Schema, UsersTable } from '../schema.js';

export function toUser(row: Selectable<UsersTable>): User {
  return {
    id: asUserId(row.id),
    email: row.email,
    username: row.username,
    givenName: row.given_name,
    familyName: row.family_name,
    accountType: row.account_type as AccountType,
    status: row.status as UserStatus,
    platformRole: row.platform_role === 'admin' ? 'admin' : null,
    hasPassword: row.password_hash !== null,
    failedSignIns: row.failed_sign_ins,
    lockedAt: row.locked_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastSignInAt: row.last_sign_in_at,
    profile: {
      mobile: row.mobile,
      agency: row.agency,
      department: row.department,
      businessOperation: row.business_operation as BusinessOperation | null,
      reportingOfficerEmail: row.reporting_officer_email,
      companyAddress: row.company_address,
    },
  };
}

/**
 * Runs `fn` as one unit: in a transaction of its own, or, inside the caller's, under a
 * savepoint that is rolled back when `fn` throws. A caller that answers a conflict and
 * then commits must not keep the half of an account (SQLite goes on after a failed
 * statement; PostgreSQL would refuse every later statement of the transaction).
 */
export async function atomically(db: Kysely<Schema>, fn: (tx: Kysely<Schema>) => Promise<void>): Promise<void> {
  if (!db.isTransaction) return transactionOf(db, fn);
  await sql`savepoint user_create`.execute(db);
  try {
    await fn(db);
  } catch (error) {
    await sql`rollback to savepoint user_create`.execute(db);
    throw error;
  }
  await sql`release savepoint user_create`.execute(db);
}

// The statements of every sign-in and token request, compiled once per database (also
// for the repositories made per transaction).
const STATEMENTS = {
  // Every token request about a user reads it (the account and its claims).
  byId: precompiledPerDatabase((db, p) => db.selectFrom('users').selectAll().where('id', '=', p('id'))),
  // Every password step reads the account by its TechPass ID, then its hash.
  byEmail: precompiledPerDatabase((db, p) => db.selectFrom('users').selectAll().where('email', '=', p('value'))),
  byUsername: precompiledPerDatabase((db, p) => db.selectFrom('users').selectAll().where('username', '=', p('value'))),
  byMobile: precompiledPerDatabase((db, p) => db.selectFrom('users').selectAll().where('mobile', '=', p('value'))),
  hashOf: precompiledPerDatabase((db, p) => db.selectFrom('users').select('password_hash').where('id', '=', p('id'))),
  totpFactors: precompiledPerDatabase((db, p) =>
    db.selectFrom('user_factors').select(['id', 'secret_sealed', 'last_used_step']).where('user_id', '=', p('id')).where('kind', '=', p('kind') as never),
  ),
  // Conditional update: of two requests with the same code, only one moves the step.
  recordTotpUse: precompiledPerDatabase((db, p) =>
    db
      .updateTable('user_factors')
      .set({ last_used_step: p('step') as unknown as number, last_used_at: p('now') as unknown as number })
      .where('id', '=', p('id'))
      .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', p('step') as unknown as number)])),
  ),
  // One conditional update: of requests racing, at most `threshold` get an attempt.
  reserveAttempt: precompiledPerDatabase((db, p) =>
    db
      .updateTable('users')
      .set((eb) => ({ failed_sign_ins: eb('failed_sign_ins', '+', eb.lit(1)), updated_at: p('now') as unknown as number }))
      .where('id', '=', p('id'))
      .where('locked_at', 'is', null)
      .where('failed_sign_ins', '<', p('threshold') as unknown as number)
      .returning('failed_sign_ins'),
  ),
  releaseAttempt: precompiledPerDatabase((db, p) =>
    db
      .updateTable('users')
      .set((eb) => ({ failed_sign_ins: eb('failed_sign_ins', '-', eb.lit(1)) }))
      .where('id', '=', p('id'))
      .where('locked_at', 'is', null)
      .where('failed_sign_ins', '>', sql.lit(0)),
  ),
  // A lock is never cleared by a sign-in (only a new password clears it), nor its count.
  recordSignIn: precompiledPerDatabase((db, p) =>
    db
      .updateTable('users')
      .set((eb) => ({
        failed_sign_ins: eb.case().when('locked_at', 'is', null).then(sql.lit(0)).else(eb.ref('failed_sign_ins')).end(),
        last_sign_in_at: p('now') as unknown as number,
        updated_at: p('now') as unknown as number,
      }))
      .where('id', '=', p('id')),
  ),
  listFactors: precompiledPerDatabase((db, p) =>
    db.selectFrom('user_factors').select(['id', 'kind', 'label', 'created_at']).where('user_id', '=', p('id')).orderBy('created_at'),
  ),
};

export function userRepository(db: Kysely<Schema>, clock: Clock, masterKey: MasterKey, localIdDomain: string): UserRepository {
  const byId = STATEMENTS.byId(db);
  const byEmail = STATEMENTS.byEmail(db);
  const byUsername = STATEMENTS.byUsername(db);
  const byMobile = STATEMENTS.byMobile(db);
  const hashOf = STATEMENTS.hashOf(db);
  return {
    async create(user, { passwordHash }) {
      const now = clock.now();
      const row = {
        id: newId('usr_'),
        email: normaliseEmail(user.email),
        username: user.username?.toLowerCase() ?? null,
        given_name: user.givenName.trim(),
        family_name: user.familyName.trim(),
        account_type: user.accountType,
        status: user.status ?? 'active',
        platform_role: user.platformRole ?? null,
        password_hash: passwordHash,
        password_changed_at: passwordHash ? now : null,
        failed_sign_ins: 0,
        locked_at: null,
        mobile: user.profile?.mobile ?? null,
        agency: user.profile?.agency ?? null,
        department: user.profile?.department?.trim() ?? null,
        business_operation: user.profile?.businessOperation ?? null,
        reporting_officer_email: user.profile?.reportingOfficerEmail ? normaliseEmail(user.profile.reportingOfficerEmail) : null,
        company_address: user.profile?.companyAddress?.trim() ?? null,
        created_at: now,
        updated_at: now,
        status_changed_at: now,
        last_sign_in_at: null,
      };
      // The account and its identifiers commit together; a taken identifier is answered as a conflict.
      const identifiers = [
        { identifier: row.email, kind: 'email' as const },
        ...(row.username !== null && row.username !== row.email ? [{ identifier: row.username, kind: 'username' as const }] : []),
        ...(row.mobile !== null ? [{ identifier: row.mobile, kind: 'mobile' as const }] : []),
      ];
      const inserting = { kind: 'email' as 'email' | 'username' | 'mobile' };
      const insert = atomically(db, async (tx) => {
        await tx.insertInto('users').values(row).execute();
        for (const { identifier, kind } of identifiers) {
          inserting.kind = kind;
          await tx.insertInto('user_identifiers').values({ identifier, user_id: row.id, kind }).execute();
        }
      });
      return insertUnique(insert, toUser(row), (constraint) =>
        /user_identifiers/.test(constraint)
          ? inserting.kind
          : /mobile/.test(constraint)
            ? 'mobile'
            : /username/.test(constraint)
              ? 'username'
              : 'email',
      );
    },

    async findById(id) {
      const row = (await byId({ id })).rows[0];
      return row ? toUser(row) : null;
    },

    async findByLogin(login) {
      const value = login.trim().toLowerCase();
      const local = localUsernameOf(value, localIdDomain);
      const row = value.includes('@')
        ? ((await byEmail({ value })).rows[0] ??
          (await byUsername({ value })).rows[0] ??
          // A local TechPass ID (`name@techpass.local`) names the username `name`.
          (local !== null ? (await byUsername({ value: local })).rows[0] : undefined))
        : (await byUsername({ value })).rows[0];
      return row ? toUser(row) : null;
    },

    async findByMobile(mobile) {
      const row = (await byMobile({ value: mobile })).rows[0];
      return row ? toUser(row) : null;
    },

    async passwordHash(id) {
      return (await hashOf({ id })).rows[0]?.password_hash ?? null;
    },

    async addTotpFactor(id: UserId, label, seedBase32) {
      const factorId = newId('fac_');
      await db
        .insertInto('user_factors')
        .values({
          id: factorId,
          user_id: id,
          kind: STORED_KIND.otp,
          label,
          secret_sealed: masterKey.seal(seedBase32, `user_factors:${factorId}`),
          public_key: null,
          data: '{}',
          created_at: clock.now(),
          last_used_at: null,
          last_used_step: null,
          credential_id: null,
          sign_count: 0,
        })
        .execute();
      return factorId;
    },

    async totpFactors(id) {
      const { rows } = await STATEMENTS.totpFactors(db)({ id, kind: STORED_KIND.otp });
      return rows.map((r) => ({ id: r.id, seed: masterKey.open(r.secret_sealed ?? '', `user_factors:${r.id}`), lastUsedStep: r.last_used_step }));
    },

    async recordTotpUse(factorId, step) {
      const result = await STATEMENTS.recordTotpUse(db)({ id: factorId, step, now: clock.now() });
      return Number(result.numAffectedRows ?? 0n) === 1;
    },

    async reserveAttempt(id, threshold) {
      const { rows } = await STATEMENTS.reserveAttempt(db)({ id, threshold, now: clock.now() });
      return rows[0]?.failed_sign_ins ?? null;
    },

    async releaseAttempt(id) {
      await STATEMENTS.releaseAttempt(db)({ id });
    },

    async lock(id) {
      const result = await db
        .updateTable('users')
        .set({ locked_at: clock.now(), updated_at: clock.now() })
        .where('id', '=', id)
        .where('locked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async recordSignIn(id) {
      await STATEMENTS.recordSignIn(db)({ id, now: clock.now() });
    },

    async updateFromProvider(id, facts) {
      const values = {
        ...(facts.agency !== undefined ? { agency: facts.agency.slice(0, 200) } : {}),
        ...(facts.givenName !== undefined ? { given_name: facts.givenName.trim().slice(0, 100) } : {}),
        ...(facts.familyName !== undefined ? { family_name: facts.familyName.trim().slice(0, 100) } : {}),
      };
      if (Object.keys(values).length === 0) return;
      await db
        .updateTable('users')
        .set({ ...values, updated_at: clock.now() })
        .where('id', '=', id)
        .execute();
    },

    async setPassword(id, passwordHash) {
      const now = clock.now();
      await db
        .updateTable('users')
        .set({ password_hash: passwordHash, password_changed_at: now, failed_sign_ins: 0, locked_at: null, updated_at: now })
        .where('id', '=', id)
        .execute();
    },

    async removeFactors(id, kinds) {
      if (kinds.length === 0) return 0;
      const result = await db.deleteFrom('user_factors').where('user_id', '=', id).where('kind', 'in', kinds).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async listFactors(id) {
      const { rows } = await STATEMENTS.listFactors(db)({ id });
      return rows.map((r) => ({ id: r.id, kind: r.kind, label: r.label, createdAt: r.created_at }));
    },
  };
}
