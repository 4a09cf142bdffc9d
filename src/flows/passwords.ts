/**
 * Passwords outside a sign-in.
 *
 * Reset by e-mailed link (single use, valid 30 minutes; it unlocks the account). The
 * request only queues what was typed: a job looks the account up and sends the mail, so
 * the request does the same work, in the same time, whether or not the account exists.
 * Mail is limited per account and per address, so the form cannot be used to flood a
 * mailbox.
 *
 * Change, knowing the current password, from a browser signed in to that account with a
 * second factor: the password alone is not enough to replace itself.
 *
 * Both end the account's sessions everywhere and tell the person by e-mail, in the same
 * transaction as the new password.
 */
import { randomBytes } from 'node:crypto';
import { ErrorCodes } from '../contracts/errors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import { assuranceLevel } from '../domain/assurance.js';
import type { UserId } from '../domain/ids.js';
import type { LockoutPolicy } from '../domain/lockout.js';
import type {
  AccountSessions,
  AuditLog,
  MailQueue,
  PasswordResetRequests,
  PasswordResets,
  RateLimiter,
  RememberedAccounts,
  UserRepository,
} from '../domain/repositories.js';
import { brandedMail } from '../domain/messages.js';
import { techpassId, type User } from '../domain/users.js';
import type { Clock } from '../platform/clock.js';
import { digestSecret } from '../platform/secrets.js';
import { verifyAgainstDummy } from '../strategies/password/hash.js';
import { describePasswordFailure, passwordStrategy } from '../strategies/password/strategy.js';
import { endAccountSessions } from './account-sessions.js';
import { addressThrottled, attemptCredential, type LockoutRepositories } from './credential-attempts.js';

export const RESET_LINK_TTL_MS = 30 * 60 * 1000;
/** Reset mails one account may receive per hour; more requests are recorded and dropped. */
export const RESET_MAILS_PER_ACCOUNT_PER_HOUR = 3;
/** Reset requests one address may make per hour (for any accounts); more are dropped. */
export const RESET_REQUESTS_PER_ADDRESS_PER_HOUR = 20;
const HOUR_MS = 60 * 60 * 1000;

export interface PasswordRepositories extends LockoutRepositories {
  users: UserRepository;
  passwordResets: PasswordResets;
  passwordResetRequests: PasswordResetRequests;
  outbox: MailQueue;
  rateLimits: RateLimiter;
}

export interface PasswordDeps extends PasswordRepositories {
  /** The browser's remembered sign-ins (a password change needs a live one of the account). */
  remembered: Pick<RememberedAccounts, 'find'>;
  clock: Clock;
  publicUrl: string;
  lockout: LockoutPolicy;
  transaction<T>(fn: (tx: PasswordRepositories) => Promise<T>): Promise<T>;
  /** Asks this node to send queued reset mail soon (the job runs every second anyway). */
  resetRequested?(): void;
}

/** "Forgot your password?": queues the request; answers nothing either way. */
export async function requestPasswordReset(deps: PasswordDeps, login: string, ip: string): Promise<void> {
  const requests = await deps.rateLimits.hit(`reset-requests:${ip}`, HOUR_MS);
  if (requests > RESET_REQUESTS_PER_ADDRESS_PER_HOUR) return;
  await deps.passwordResetRequests.add(login.trim().toLowerCase().slice(0, 320), ip);
  deps.resetRequested?.();
}

/** The job's work: a reset link for each queued request that names an account, within the per-account limit. */
export async function sendQueuedResetMails(deps: PasswordDeps, limit = 50): Promise<number> {
  let sent = 0;
  for (const request of await deps.passwordResetRequests.take(limit)) {
    const user = await deps.users.findByLogin(request.login);
    // Disabled and terminated accounts get no link; an account without a password gets one to set it.
    if (!user || user.status === 'disabled' || user.status === 'terminated') continue;
    if ((await deps.rateLimits.hit(`reset-mails:${user.id}`, HOUR_MS)) > RESET_MAILS_PER_ACCOUNT_PER_HOUR) {
      await deps.audit.append({ actor: 'anonymous', action: 'password.reset_limited', targetType: 'user', targetId: user.id, ip: request.ip });
      continue;
    }
    await deps.transaction(async (tx) => {
      const secret = randomBytes(32).toString('base64url');
      const expiresAt = deps.clock.now() + RESET_LINK_TTL_MS;
      const id = await tx.passwordResets.create(user.id, digestSecret(secret), expiresAt);
      await tx.outbox.enqueue(resetMail(user, `${deps.publicUrl}/login/reset/${id}.${secret}`, expiresAt));
      await tx.audit.append({ actor: 'anonymous', action: 'password.reset_requested', targetType: 'user', targetId: user.id, ip: request.ip });
    });
    sent += 1;
  }
  return sent;
}

function resetMail(user: User, link: string, expiresAt: number) {
  return brandedMail({
    to: user.email,
    subject: 'Reset your TechPass password',
    techpassId: techpassId(user),
    links: [{ url: link, expiresAt }],
    lines: [
      `Hello ${user.givenName},`,
      '',
      `Someone (we hope you) asked to reset the password of your TechPass account ${techpassId(user)}.`,
      `Choose a new password here within 30 minutes (the link works once):`,
      '',
      link,
      '',
      'If you did not ask for this, ignore this e-mail: your password stays as it is.',
    ],
  });
}

function changedMail(user: User, publicUrl: string) {
  return brandedMail({
    to: user.email,
    techpassId: techpassId(user),
    subject: 'Your TechPass password was changed',
    lines: [
      `Hello ${user.givenName},`,
      '',
      `The password of your TechPass account ${techpassId(user)} was just changed, and you were signed out everywhere.`,
      `If this was not you, reset it now at ${publicUrl}/login/reset and contact the TechPass team.`,
    ],
  });
}

function setMail(user: User, publicUrl: string) {
  return brandedMail({
    to: user.email,
    techpassId: techpassId(user),
    subject: 'Your TechPass password is set',
    lines: [
      `Hello ${user.givenName},`,
      '',
      `The password of your TechPass account ${techpassId(user)} is now set. Sign in with it at any application that offers Login with TechPass.`,
      `If this was not you, reset it now at ${publicUrl}/login/reset and contact the TechPass team.`,
    ],
  });
}

function splitToken(token: string): { id: string; secret: string } | null {
  const [id, secret] = token.split('.');
  return id && secret ? { id, secret } : null;
}

export async function resetLinkIsLive(deps: Pick<PasswordDeps, 'passwordResets'>, token: string): Promise<boolean> {
  const parts = splitToken(token);
  return parts ? (await deps.passwordResets.peek(parts.id, digestSecret(parts.secret))) !== null : false;
}

const LINK_INVALID = 'this reset link has expired or was already used';

export async function completePasswordReset(
  deps: PasswordDeps,
  token: string,
  password: string,
  confirm: string,
  ip: string,
): Promise<Result<'reset' | 'first-password'>> {
  const parts = splitToken(token);
  const peeked = parts ? await deps.passwordResets.peek(parts.id, digestSecret(parts.secret)) : null;
  if (!parts || !peeked) return fail(ErrorCodes.resetLinkInvalid, LINK_INVALID);
  if (password !== confirm) return fail(ErrorCodes.inputInvalid, 'the two passwords are not the same', 'confirm');
  const user = await deps.users.findById(peeked);
  if (!user) return fail(ErrorCodes.resetLinkInvalid, LINK_INVALID);
  const made = await passwordStrategy.enrol({ password, identifiers: [user.email, user.username] });
  if (made.kind !== 'ok')
    return fail(
      ErrorCodes.passwordTooWeak,
      `the password ${made.kind === 'failed' ? describePasswordFailure(made.reason) : 'cannot be used'}`,
      'password',
    );
  const hash = made.value.hash;
  return deps.transaction(async (tx) => {
    // Consumed only now, so a weak password does not burn the link; of two requests racing, one wins.
    if ((await tx.passwordResets.consume(parts.id, digestSecret(parts.secret))) === null) return fail(ErrorCodes.resetLinkInvalid, LINK_INVALID);
    await tx.users.setPassword(user.id, hash);
    await endAccountSessions(tx, user.id, 'password_reset', user.id);
    await tx.audit.append({
      actor: user.id,
      action: 'password.reset',
      targetType: 'user',
      targetId: user.id,
      ip,
      data: { unlocked: user.lockedAt !== null },
    });
    // A set-password link (set-password-link.ts) completes here too: the account had no password.
    await tx.outbox.enqueue(user.hasPassword ? changedMail(user, deps.publicUrl) : setMail(user, deps.publicUrl));
    return ok(user.hasPassword ? ('reset' as const) : ('first-password' as const));
  });
}

const SIGN_IN_FIRST = 'sign in to TechPass in this browser with your second factor first, then change your password';

/**
 * Changes a password knowing the current one. The browser must hold a live sign-in of
 * that account that passed a second factor; a wrong current password counts in the
 * lockout. An unknown account, an account without such a sign-in, a locked account and a
 * wrong password answer alike, so the page tells an attacker nothing.
 */
export async function changePassword(
  deps: PasswordDeps,
  input: { login: string; current: string; password: string; confirm: string },
  rememberedRefs: string[],
  ip: string,
): Promise<Result<'changed'>> {
  if (await addressThrottled(deps, ip)) return fail(ErrorCodes.throttled, 'there were too many failed attempts from your network; wait 15 minutes');
  const user = await deps.users.findByLogin(input.login);
  // The sign-ins this browser holds (the account picker's record of them).
  const sessions = await deps.remembered.find(rememberedRefs);
  const now = deps.clock.now();
  const signedIn = sessions.some(
    (s) => s.userId === user?.id && s.sessionExpiresAt !== null && s.sessionExpiresAt > now && assuranceLevel(s.amr) >= 2,
  );
  if (!user || !signedIn) return fail(ErrorCodes.signInRequired, SIGN_IN_FIRST, 'login');
  return replaceKnownPassword(deps, user, input, ip);
}

/**
 * The rules of a change knowing the current password, once the person is known to be
 * signed in with a second factor (the sign-in page's browser above, or the management
 * API's caller: flows/own-password.ts): the current password is checked under the
 * lockout (a wrong one counts), the two new ones must agree, the new one must differ and
 * be strong enough; then, in one transaction, the new password, the end of every session
 * of the account (the portal's too), the audit event and the mail.
 */
export async function replaceKnownPassword(
  deps: Omit<PasswordDeps, 'remembered'>,
  user: User,
  input: { current: string; password: string; confirm: string },
  ip: string,
): Promise<Result<'changed'>> {
  const hash = await deps.users.passwordHash(user.id);
  const outcome = hash
    ? await attemptCredential(
        deps,
        user.id,
        'password',
        ip,
        async () => (await passwordStrategy.verify({ hash, password: input.current })).kind === 'ok',
      )
    : 'locked';
  if (outcome !== 'ok') {
    if (outcome === 'locked') await verifyAgainstDummy(input.current);
    return fail(ErrorCodes.credentialsInvalid, 'the current password is not correct', 'current');
  }
  if (input.password !== input.confirm) return fail(ErrorCodes.inputInvalid, 'the two new passwords are not the same', 'confirm');
  if (input.password === input.current) return fail(ErrorCodes.passwordTooWeak, 'the new password must differ from the current one', 'password');
  const made = await passwordStrategy.enrol({ password: input.password, identifiers: [user.email, user.username] });
  if (made.kind !== 'ok')
    return fail(
      ErrorCodes.passwordTooWeak,
      `the new password ${made.kind === 'failed' ? describePasswordFailure(made.reason) : 'cannot be used'}`,
      'password',
    );
  const newHash = made.value.hash;
  await deps.transaction(async (tx) => {
    await tx.users.setPassword(user.id, newHash);
    await endAccountSessions(tx, user.id, 'password_changed', user.id);
    await tx.audit.append({ actor: user.id, action: 'password.changed', targetType: 'user', targetId: user.id, ip });
    await tx.outbox.enqueue(changedMail(user, deps.publicUrl));
  });
  return ok('changed');
}
