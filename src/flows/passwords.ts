/**
 * Passwords outside a sign-in: reset by e-mailed link (single use, valid 30
 * minutes, answered the same whether or not the account exists; it unlocks the
 * account) and change knowing the current one. Both end the account's remembered
 * sessions and tell the person by e-mail.
 */
import { randomBytes } from 'node:crypto';
import { ErrorCodes } from '../contracts/errors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import type { AuditLog, MailQueue, PasswordResets, RateLimiter, RememberedAccounts, UserRepository } from '../domain/repositories.js';
import { shouldLock, type LockoutPolicy } from '../domain/lockout.js';
import { techpassId } from '../domain/users.js';
import type { Clock } from '../platform/clock.js';
import { digestSecret } from '../platform/secrets.js';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../strategies/password/hash.js';
import { checkPassword, describePasswordProblem } from '../strategies/password/policy.js';

export const RESET_LINK_TTL_MS = 30 * 60 * 1000;

export interface PasswordResetDeps {
  users: UserRepository;
  resets: PasswordResets;
  remembered: RememberedAccounts;
  outbox: MailQueue;
  audit: AuditLog;
  clock: Clock;
  publicUrl: string;
}

/** Sends a reset link when the account exists and has a password; says nothing either way. */
export async function requestPasswordReset(deps: PasswordResetDeps, login: string, ip: string): Promise<void> {
  const user = await deps.users.findByLogin(login);
  if (!user || !user.hasPassword) return;
  const secret = randomBytes(32).toString('base64url');
  const id = await deps.resets.create(user.id, digestSecret(secret), deps.clock.now() + RESET_LINK_TTL_MS);
  const link = `${deps.publicUrl}/login/reset/${id}.${secret}`;
  await deps.outbox.enqueue({
    to: user.email,
    subject: 'Reset your TechPass password',
    text: [
      `Hello ${user.givenName},`,
      '',
      `Someone (we hope you) asked to reset the password of your TechPass account ${techpassId(user)}.`,
      `Choose a new password here within 30 minutes (the link works once):`,
      '',
      link,
      '',
      'If you did not ask for this, ignore this e-mail: your password stays as it is.',
    ].join('\n'),
  });
  await deps.audit.append({ actor: 'anonymous', action: 'password.reset_requested', targetType: 'user', targetId: user.id, ip });
}

function splitToken(token: string): { id: string; secret: string } | null {
  const [id, secret] = token.split('.');
  return id && secret ? { id, secret } : null;
}

export async function resetLinkIsLive(deps: PasswordResetDeps, token: string): Promise<boolean> {
  const parts = splitToken(token);
  return parts ? (await deps.resets.peek(parts.id, digestSecret(parts.secret))) !== null : false;
}

export async function completePasswordReset(
  deps: PasswordResetDeps,
  token: string,
  password: string,
  confirm: string,
  ip: string,
): Promise<Result<'reset'>> {
  const parts = splitToken(token);
  const peeked = parts ? await deps.resets.peek(parts.id, digestSecret(parts.secret)) : null;
  if (!parts || !peeked) return fail(ErrorCodes.resetLinkInvalid, 'this reset link has expired or was already used');
  if (password !== confirm) return fail(ErrorCodes.inputInvalid, 'the two passwords are not the same', 'confirm');
  const user = await deps.users.findById(peeked);
  if (!user) return fail(ErrorCodes.resetLinkInvalid, 'this reset link has expired or was already used');
  const weak = checkPassword(password, [user.email, user.username]);
  if (weak) return fail(ErrorCodes.passwordTooWeak, `the password ${describePasswordProblem(weak)}`, 'password');
  const hash = await hashPassword(password);
  // Consumed only now, so a weak password does not burn the link; a race still lets one request win.
  if ((await deps.resets.consume(parts.id, digestSecret(parts.secret))) === null) {
    return fail(ErrorCodes.resetLinkInvalid, 'this reset link has expired or was already used');
  }
  await deps.users.setPassword(user.id, hash);
  await deps.remembered.endSessionsOfUser(user.id);
  await deps.audit.append({
    actor: user.id,
    action: 'password.reset',
    targetType: 'user',
    targetId: user.id,
    ip,
    data: { unlocked: user.lockedAt !== null },
  });
  await deps.outbox.enqueue({
    to: user.email,
    subject: 'Your TechPass password was changed',
    text: `Hello ${user.givenName},\n\nThe password of your TechPass account ${techpassId(user)} was just changed. If this was not you, contact the TechPass team now.`,
  });
  return ok('reset');
}

export interface PasswordChangeDeps extends PasswordResetDeps {
  rateLimits: RateLimiter;
  lockout: LockoutPolicy;
}

/**
 * Changes a password knowing the current one. A wrong current password counts
 * towards the lockout like a failed sign-in, and unknown accounts take as long.
 */
export async function changePassword(
  deps: PasswordChangeDeps,
  input: { login: string; current: string; password: string; confirm: string },
  ip: string,
): Promise<Result<'changed'>> {
  const addressKey = `password-failures:${ip}`;
  if ((await deps.rateLimits.count(addressKey, deps.lockout.windowMs)) >= deps.lockout.perAddress) {
    return fail(ErrorCodes.throttled, 'there were too many failed attempts from your network; wait 15 minutes');
  }
  const user = await deps.users.findByLogin(input.login);
  const hash = user ? await deps.users.passwordHash(user.id) : null;
  const verified = hash ? await verifyPassword(hash, input.current) : await verifyAgainstDummy(input.current);
  if (!user || !verified) {
    await deps.rateLimits.hit(addressKey, deps.lockout.windowMs);
    if (user) {
      const failures = await deps.users.recordFailedSignIn(user.id);
      if (shouldLock(failures, deps.lockout) && user.lockedAt === null) {
        await deps.users.lock(user.id);
        await deps.audit.append({ actor: 'system', action: 'user.locked', targetType: 'user', targetId: user.id, ip, data: { failures } });
      }
    }
    return fail(ErrorCodes.credentialsInvalid, 'the TechPass ID or current password is not correct', 'current');
  }
  if (user.lockedAt !== null) return fail(ErrorCodes.accountLocked, 'your account is locked; reset your password by e-mail to unlock it');
  if (input.password !== input.confirm) return fail(ErrorCodes.inputInvalid, 'the two new passwords are not the same', 'confirm');
  if (input.password === input.current) return fail(ErrorCodes.passwordTooWeak, 'the new password must differ from the current one', 'password');
  const weak = checkPassword(input.password, [user.email, user.username]);
  if (weak) return fail(ErrorCodes.passwordTooWeak, `the new password ${describePasswordProblem(weak)}`, 'password');
  await deps.users.setPassword(user.id, await hashPassword(input.password));
  await deps.remembered.endSessionsOfUser(user.id);
  await deps.audit.append({ actor: user.id, action: 'password.changed', targetType: 'user', targetId: user.id, ip });
  await deps.outbox.enqueue({
    to: user.email,
    subject: 'Your TechPass password was changed',
    text: `Hello ${user.givenName},\n\nThe password of your TechPass account ${techpassId(user)} was just changed. If this was not you, reset it now and contact the TechPass team.`,
  });
  return ok('changed');
}
