/**
 * Changing an account's status: the domain's transition table decides (`changeStatus`),
 * the update applies only from the status that was read (a concurrent change wins), a
 * status that forbids signing in ends the account's sessions, and the change is audited
 * with the status before and after. Every flow that changes a status goes through here.
 */
import { ErrorCodes } from '../contracts/errors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import { changeStatus, changeTowards, type SettableStatus, type StatusChange } from '../domain/account-status.js';
import type { UserId } from '../domain/ids.js';
import type { Repositories, Transactional } from '../domain/repositories.js';
import { standingRefusal, techpassId, type UserStatus } from '../domain/users.js';
import { endAccountSessions, type SessionsEndReason } from './account-sessions.js';

export type StatusRepositories = Pick<Repositories, 'users' | 'accountStatuses' | 'accountSessions' | 'audit'>;

export type AppliedChange =
  | { ok: true; from: UserStatus; to: UserStatus }
  | { ok: false; refusal: 'not_found' | 'terminated' | 'unchanged' | 'not_allowed' | 'raced'; from: UserStatus | null; message: string };

/**
 * Applies `change` inside the caller's transaction. `action` names the audit event
 * (`user.status_changed` unless a flow has its own name, e.g. `user.risk_cleared`).
 */
export async function applyStatusChange(
  tx: StatusRepositories,
  userId: UserId,
  change: StatusChange,
  actor: string,
  options: {
    reason?: string;
    sessionsEnd?: SessionsEndReason;
    action?: string;
    audit?: (from: UserStatus, to: UserStatus) => Record<string, unknown>;
  } = {},
): Promise<AppliedChange> {
  const user = await tx.users.findById(userId);
  if (!user) return { ok: false, refusal: 'not_found', from: null, message: 'no such account' };
  const answer = changeStatus(user, change);
  if (!answer.ok) return { ok: false, refusal: answer.refusal, from: answer.from, message: answer.message };
  const changed = await tx.accountStatuses.changeStatus(userId, [answer.from], answer.to);
  if (!changed) return { ok: false, refusal: 'raced', from: answer.from, message: 'the account changed meanwhile; try again' };
  if (standingRefusal({ status: answer.to, lockedAt: null })) {
    await endAccountSessions(tx, userId, options.sessionsEnd ?? 'status_changed', actor);
  }
  await tx.audit.append({
    actor,
    action: options.action ?? 'user.status_changed',
    targetType: 'user',
    targetId: userId,
    data: {
      change,
      from: answer.from,
      to: answer.to,
      ...(options.reason ? { reason: options.reason } : {}),
      // What a flow adds (the management API: the caller's role, before and after).
      ...(options.audit ? options.audit(answer.from, answer.to) : {}),
    },
  });
  return { ok: true, from: answer.from, to: answer.to };
}

export interface SetStatusDeps extends Pick<Repositories, 'users'>, Transactional<StatusRepositories> {}

/** An administrator sets an account's status by name (`techpass user set-status`). */
export async function setStatus(
  deps: SetStatusDeps,
  actor: string,
  input: { login: string; status: SettableStatus; reason?: string },
): Promise<Result<{ userId: UserId; techpassId: string; from: UserStatus; status: UserStatus }>> {
  if (input.reason !== undefined && (!input.reason.trim() || input.reason.length > 500)) {
    return fail(ErrorCodes.inputInvalid, 'reason must be 1–500 characters', 'reason');
  }
  const user = await deps.users.findByLogin(input.login);
  if (!user) return fail(ErrorCodes.userNotFound, `no account ${input.login.trim().toLowerCase()}`, 'email');
  const applied = await deps.transaction((tx) =>
    applyStatusChange(tx, user.id, changeTowards(user.status, input.status), actor, input.reason ? { reason: input.reason.trim() } : {}),
  );
  if (!applied.ok) {
    const code = applied.refusal === 'not_found' ? ErrorCodes.userNotFound : ErrorCodes.statusChangeRefused;
    return fail(code, `${techpassId(user)}: ${applied.message}`, 'status');
  }
  return ok({ userId: user.id, techpassId: techpassId(user), from: applied.from, status: applied.to });
}
