/**
 * The one lockout. Every credential a person types or answers (a password, a TOTP
 * code, a number on the TechPass Authenticator) is checked here, so they count in one
 * place: an attempt is taken from the account before the credential is even looked at
 * (none left, or the account locked: the credential is not checked at all), a right one
 * gives it back, and a wrong one stays counted. The failure that reaches the threshold
 * locks the account, once, with one audit event, and ends its sessions everywhere. Wrong
 * credentials also count against the address they came from (across accounts).
 */
import type { UserId } from '../domain/ids.js';
import type { LockoutPolicy } from '../domain/lockout.js';
import type { AccountSessions, AuditLog, RateLimiter, UserRepository } from '../domain/repositories.js';
import type { SignInAttemptFacts, SignInLog } from '../domain/sign-in-log.js';
import { endAccountSessions } from './account-sessions.js';

/** `activation_code`: a vendor's one-time SMS code at its first sign-in (sign-in-activation.ts). */
export type Credential = 'password' | 'totp' | 'push_number' | 'activation_code';

export interface LockoutRepositories {
  users: Pick<UserRepository, 'reserveAttempt' | 'releaseAttempt' | 'lock'>;
  accountSessions: AccountSessions;
  audit: AuditLog;
  /** Where a sign-in's wrong credential is logged (with its audit event); absent outside sign-in. */
  signInLog?: Pick<SignInLog, 'record'>;
}

/** A sign-in's attempt: a wrong credential is a failed line of the sign-in log, with `reason` (read after `verify`). */
export interface LoggedAttempt {
  facts: SignInAttemptFacts;
  reason: () => string;
}

export interface AttemptDeps extends LockoutRepositories {
  rateLimits: RateLimiter;
  lockout: LockoutPolicy;
  transaction<T>(fn: (tx: LockoutRepositories) => Promise<T>): Promise<T>;
}

/** `locked`: the account was locked (or had no attempt left) and the credential was not checked; `locked_now`: it was wrong and locked the account. */
export type AttemptOutcome = 'ok' | 'wrong' | 'locked_now' | 'locked';

const addressKey = (ip: string) => `password-failures:${ip}`;

/** Whether the address failed too often, across accounts, to try again in this window. */
export async function addressThrottled(deps: Pick<AttemptDeps, 'rateLimits' | 'lockout'>, ip: string): Promise<boolean> {
  return (await deps.rateLimits.count(addressKey(ip), deps.lockout.windowMs)) >= deps.lockout.perAddress;
}

/** A failure that names no account (an unknown TechPass ID): it counts against the address only. */
export async function countAddressFailure(deps: Pick<AttemptDeps, 'rateLimits' | 'lockout'>, ip: string): Promise<void> {
  await deps.rateLimits.hit(addressKey(ip), deps.lockout.windowMs);
}

/**
 * Checks one credential of an account under the lockout. `verify` runs only when the
 * account still has an attempt.
 */
export async function attemptCredential(
  deps: AttemptDeps,
  userId: UserId,
  credential: Credential,
  ip: string | null,
  verify: () => Promise<boolean>,
  /** What the audit event of a wrong credential records besides the count (read after `verify`). */
  details: () => Record<string, unknown> = () => ({}),
  logged?: LoggedAttempt,
): Promise<AttemptOutcome> {
  const attempt = await deps.users.reserveAttempt(userId, deps.lockout.threshold);
  if (attempt === null) {
    if (ip) await countAddressFailure(deps, ip);
    return 'locked';
  }
  if (await verify()) {
    await deps.users.releaseAttempt(userId);
    return 'ok';
  }
  if (ip) await countAddressFailure(deps, ip);
  const event = {
    actor: 'anonymous',
    action: `sign_in.${credential}_failed`,
    targetType: 'user',
    targetId: userId,
    ip,
    data: { failures: attempt, ...details() },
  };
  if (logged) {
    // The audit event and the sign-in log's line commit together (the append is a transaction anyway).
    await deps.transaction(async (tx) => {
      await tx.audit.append(event);
      await tx.signInLog?.record({ ...logged.facts, result: 'failed', reason: logged.reason() });
    });
  } else {
    await deps.audit.append(event);
  }
  if (attempt < deps.lockout.threshold) return 'wrong';
  await lockAccount(deps, userId, { failures: attempt, credential }, ip);
  return 'locked_now';
}

/** Locks the account (once: a second call changes nothing) and ends its sessions. */
export async function lockAccount(
  deps: Pick<AttemptDeps, 'transaction'>,
  userId: UserId,
  data: Record<string, unknown>,
  ip: string | null,
): Promise<void> {
  await deps.transaction(async (tx) => {
    if (!(await tx.users.lock(userId))) return;
    await tx.audit.append({ actor: 'system', action: 'user.locked', targetType: 'user', targetId: userId, ip, data });
    await endAccountSessions(tx, userId, 'locked', 'system');
  });
}
