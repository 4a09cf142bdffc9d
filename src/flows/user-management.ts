/**
 * Accounts through the management API (issue 19): search, show, update the profile,
 * disable / enable / terminate (with a reason), unlock, end sessions, clear a fraud
 * report's hold, and list or remove single second factors. Like the namespace flows:
 * ask domain/authorization-users.ts first (so a refusal tells nothing of whether the
 * account exists), then one transaction, audited with the caller's role, before and
 * after (never a secret). Status changes go through the transition table
 * (flows/account-status.ts → domain/account-status.ts).
 */
import { ErrorCodes } from '../contracts/errors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import type { StatusChange } from '../domain/account-status.js';
import { auditActor, auditContext, type Caller, type Decision } from '../domain/authorization.js';
import {
  mayChangeUserStatus,
  mayClearUserRisk,
  mayEndUserSessions,
  mayListFactors,
  mayListUsers,
  mayReadUser,
  mayRemoveFactor,
  mayUnlockUser,
  mayUpdateUser,
  userListView,
  type UserListView,
} from '../domain/authorization-users.js';
import { asUserId, type UserId } from '../domain/ids.js';
import { factorRemovedMail } from '../domain/factor-mails.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, MAX_PAGE_SIZE, type Page } from '../domain/pagination.js';
import type { Repositories, Transactional } from '../domain/repositories.js';
import {
  checkProfileChanges,
  effectiveChanges,
  normaliseProfileChanges,
  profileAuditView,
  type ProfileChanges,
  type UserFactor,
} from '../domain/user-directory.js';
import { techpassId, type AccountType, type User, type UserStatus } from '../domain/users.js';
import type { Clock } from '../platform/clock.js';
import { clearRisk } from './account-risk.js';
import { applyStatusChange } from './account-status.js';
import { holds, preconditionFailed, preconditionRequired, refused, type Precondition } from './namespace-management.js';

export type UserManagementRepositories = Pick<
  Repositories,
  'users' | 'userDirectory' | 'accountStatuses' | 'accountSessions' | 'push' | 'audit' | 'outbox'
>;

export interface UserManagementDeps extends Pick<Repositories, 'users' | 'userDirectory'>, Transactional<UserManagementRepositories> {
  clock: Clock;
}

/** Asks `decide` first, then finds the account: a caller refused learns nothing of which ids exist (user-mfa-reset.ts too). */
export async function target(
  deps: UserManagementDeps,
  caller: Caller,
  userId: string,
  decide: (caller: Caller, userId: UserId) => Decision,
): Promise<Result<User>> {
  const id = asUserId(userId);
  const decision = decide(caller, id);
  if (!decision.allow) return refused(decision);
  const user = await deps.users.findById(id);
  return user ? ok(user) : fail(ErrorCodes.userNotFound, `no account with user id ${userId}`, 'userId');
}

const context = (caller: Caller, reason?: string) => ({ ...auditContext(caller), ...(reason ? { reason } : {}) });

export async function searchUsers(
  deps: UserManagementDeps,
  caller: Caller,
  input: {
    q?: string | undefined;
    status?: UserStatus | undefined;
    type?: AccountType | undefined;
    cursor?: string | undefined;
    limit?: number | undefined;
  },
): Promise<Result<{ page: Page<User>; view: UserListView }>> {
  const decision = mayListUsers(caller);
  if (!decision.allow) return refused(decision);
  const limit = Math.min(Math.max(input.limit ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
  const rows = await deps.userDirectory.search({
    q: input.q,
    status: input.status,
    type: input.type,
    afterEmail: input.cursor === undefined ? undefined : decodeCursor(input.cursor),
    limit: limit + 1,
  });
  const items = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? encodeCursor(items[items.length - 1]!.email) : null;
  return ok({ page: { items, nextCursor }, view: userListView(caller) });
}

export const showUser = (deps: UserManagementDeps, caller: Caller, userId: string) => target(deps, caller, userId, mayReadUser);

/** The request's profile changes, as the API names them (`agency` is read-only and refused). */
export type ProfileInput = { [K in keyof ProfileChanges]?: string | null | undefined } & { agency?: unknown };

export async function updateUser(
  deps: UserManagementDeps,
  caller: Caller,
  input: { userId: string; changes: ProfileInput; precondition: Precondition<User> },
): Promise<Result<User>> {
  const found = await target(deps, caller, input.userId, (c, id) => mayUpdateUser(c, id, input.changes));
  if (!found.ok) return found;
  if (input.precondition === 'missing') return preconditionRequired();
  const { agency, ...rest } = input.changes;
  if (agency !== undefined) {
    return fail(ErrorCodes.inputInvalid, 'agency is read-only: the integrated identity provider is its source', 'agency');
  }
  const normalised = normaliseProfileChanges(rest);
  if (!normalised.ok) return fail(ErrorCodes.inputInvalid, normalised.problem.message, normalised.problem.field);
  if (Object.keys(normalised.changes).length === 0) return fail(ErrorCodes.inputInvalid, 'nothing to change: give at least one profile field');
  return deps.transaction(async (tx) => {
    const before = await tx.users.findById(found.value.id);
    if (!before) return fail(ErrorCodes.userNotFound, `no account with user id ${input.userId}`, 'userId');
    if (!holds(input.precondition, before)) return preconditionFailed();
    const changes = effectiveChanges(before, normalised.changes);
    const problem = checkProfileChanges(before, changes);
    if (problem) return fail(ErrorCodes.inputInvalid, problem.message, problem.field);
    if (Object.keys(changes).length === 0) return ok(before);
    const updated = await tx.userDirectory.updateProfile(before.id, changes);
    if (!updated.ok) {
      if (updated.conflict === 'mobile')
        return fail(ErrorCodes.userExists, `${changes.mobile} is already the mobile number of another account`, 'mobile');
      if (updated.conflict === 'email') {
        return fail(ErrorCodes.userExists, `${changes.email} is already the e-mail, username or mobile number of another account`, 'email');
      }
      return fail(ErrorCodes.userNotFound, `no account with user id ${input.userId}`, 'userId');
    }
    const after = updated.value;
    const keys = Object.keys(changes) as Array<keyof ReturnType<typeof profileAuditView>>;
    const pick = (view: ReturnType<typeof profileAuditView>) => Object.fromEntries(keys.map((k) => [k, view[k]]));
    await tx.audit.append({
      actor: auditActor(caller),
      action: 'user.updated',
      targetType: 'user',
      targetId: before.id,
      data: { ...context(caller), self: caller.userId === before.id, before: pick(profileAuditView(before)), after: pick(profileAuditView(after)) },
    });
    return ok(after);
  });
}

const STATUS_ACTIONS = { disable: 'disable', enable: 'enable', terminate: 'terminate' } as const satisfies Record<string, StatusChange>;
export type AdminStatusChange = keyof typeof STATUS_ACTIONS;

/** Disables, enables or terminates an account (the transition table decides); disabling and terminating need a reason. */
export async function changeUserStatus(
  deps: UserManagementDeps,
  caller: Caller,
  input: { userId: string; change: AdminStatusChange; reason?: string | undefined },
): Promise<Result<User>> {
  const found = await target(deps, caller, input.userId, mayChangeUserStatus);
  if (!found.ok) return found;
  const reason = input.reason?.trim();
  if (input.change !== 'enable' && !reason) return fail(ErrorCodes.inputInvalid, `reason is required to ${input.change} an account`, 'reason');
  if (reason !== undefined && reason.length > 500) return fail(ErrorCodes.inputInvalid, 'reason must be 1–500 characters', 'reason');
  const user = found.value;
  const applied = await deps.transaction((tx) =>
    applyStatusChange(tx, user.id, STATUS_ACTIONS[input.change], auditActor(caller), {
      ...(reason ? { reason } : {}),
      audit: (from, to) => ({ ...auditContext(caller), before: { status: from }, after: { status: to } }),
    }),
  );
  if (!applied.ok) {
    const code = applied.refusal === 'not_found' ? ErrorCodes.userNotFound : ErrorCodes.statusChangeRefused;
    return fail(code, `${techpassId(user)}: ${applied.message}`);
  }
  return ok((await deps.users.findById(user.id))!);
}

/** Lifts a lock (wrong passwords or codes) and forgets the failures counted. */
export async function unlockUser(deps: UserManagementDeps, caller: Caller, input: { userId: string; reason?: string | undefined }) {
  const found = await target(deps, caller, input.userId, mayUnlockUser);
  if (!found.ok) return found;
  const user = found.value;
  const unlocked = await deps.transaction(async (tx) => {
    const was = await tx.users.findById(user.id);
    const done = await tx.userDirectory.unlock(user.id);
    if (done) {
      await tx.audit.append({
        actor: auditActor(caller),
        action: 'user.unlocked',
        targetType: 'user',
        targetId: user.id,
        data: {
          ...context(caller, input.reason?.trim()),
          before: { locked: true, failedSignIns: was?.failedSignIns ?? null },
          after: { locked: false, failedSignIns: 0 },
        },
      });
    }
    return done;
  });
  return ok({ user: (await deps.users.findById(user.id))!, unlocked });
}

/** Ends every session of the person: in each browser, at the provider, every grant with its refresh tokens. */
export async function endUserSessions(deps: UserManagementDeps, caller: Caller, input: { userId: string; reason?: string | undefined }) {
  const found = await target(deps, caller, input.userId, mayEndUserSessions);
  if (!found.ok) return found;
  const user = found.value;
  return deps.transaction(async (tx) => {
    const ended = await tx.accountSessions.endAll(user.id);
    await tx.audit.append({
      actor: auditActor(caller),
      action: 'sessions.ended',
      targetType: 'user',
      targetId: user.id,
      data: { reason: 'ended_by_admin', ...ended, ...auditContext(caller), ...(input.reason?.trim() ? { why: input.reason.trim() } : {}) },
    });
    return ok({ userId: user.id, ...ended });
  });
}

/** Releases an account a fraud report ("No, it's not me") put on hold (flows/account-risk.ts). */
export async function clearUserRisk(deps: UserManagementDeps, caller: Caller, input: { userId: string }): Promise<Result<User>> {
  const found = await target(deps, caller, input.userId, mayClearUserRisk);
  if (!found.ok) return found;
  const user = found.value;
  const cleared = await clearRisk(deps, user.email, auditActor(caller));
  if (!cleared.ok) return cleared;
  if (!cleared.value.cleared)
    return fail(ErrorCodes.statusChangeRefused, `${techpassId(user)} is not high risk (it is ${user.status.replace('_', ' ')})`);
  return ok((await deps.users.findById(user.id))!);
}

export async function listUserFactors(deps: UserManagementDeps, caller: Caller, userId: string): Promise<Result<UserFactor[]>> {
  const found = await target(deps, caller, userId, mayListFactors);
  return found.ok ? ok(await deps.userDirectory.factors(found.value.id)) : found;
}


/** Removes one second factor (audited, e-mailed); the sessions it may have made end with it. */
export async function removeUserFactor(
  deps: UserManagementDeps,
  caller: Caller,
  input: { userId: string; factorId: string },
): Promise<Result<UserFactor>> {
  const found = await target(deps, caller, input.userId, mayRemoveFactor);
  if (!found.ok) return found;
  const user = found.value;
  return deps.transaction(async (tx) => {
    const removed = await tx.userDirectory.removeFactor(user.id, input.factorId);
    if (!removed) return fail(ErrorCodes.factorNotFound, `${techpassId(user)} has no factor ${input.factorId}`, 'factorId');
    const ended = await tx.accountSessions.endAll(user.id);
    await tx.audit.append({
      actor: auditActor(caller),
      action: 'mfa.factor_removed',
      targetType: 'user',
      targetId: user.id,
      data: { ...auditContext(caller), reason: 'admin', before: removed, after: null, sessionsEnded: ended },
    });
    await tx.outbox.enqueue(factorRemovedMail(user, removed, 'admin'));
    return ok(removed);
  });
}
