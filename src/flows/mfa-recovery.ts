/**
 * When a second factor is lost. "I can't use my phone" during a sign-in: the
 * person proves another enrolled factor, then the lost one is removed (audited,
 * e-mailed) and they may enrol a replacement. With no other factor left, a
 * platform admin resets MFA after checking who they are (`POST /api/v1/users/{id}/reset-mfa`,
 * the portal, `techpass user reset-mfa`): every factor goes, live sessions end, the person is told by
 * e-mail, and their next sign-in enrols a new factor.
 */
import { FACTOR_NAMES, STORED_KIND, type SecondFactorId } from '../contracts/factors.js';
import type { UserId } from '../domain/ids.js';
import type { Repositories, Transactional } from '../domain/repositories.js';
import { brandedMail } from '../domain/messages.js';
import { techpassId, type User } from '../domain/users.js';
import { endAccountSessions } from './account-sessions.js';

/** What removing factors writes in one transaction: the factors, the sessions they made, the audit, the e-mail. */
export type FactorRemovalRepositories = Pick<Repositories, 'users' | 'push' | 'accountSessions' | 'audit' | 'outbox'>;

export interface FactorRemovalDeps extends Transactional<FactorRemovalRepositories> {
  /** Where people reach TechPass (the e-mails point here). */
  publicUrl: string;
}

/** Removes the factor of `method` ("I can't use my phone"), after `verifiedWith` was proven in the same sign-in. */
export async function removeLostFactor(deps: FactorRemovalDeps, userId: UserId, method: SecondFactorId, verifiedWith: SecondFactorId): Promise<void> {
  await deps.transaction(async (tx) => {
    const removed = await removeFactors(tx, userId, [method]);
    await tx.audit.append({
      actor: userId,
      action: 'mfa.factor_removed',
      targetType: 'user',
      targetId: userId,
      data: { method, reason: 'recovery', verifiedWith, removed },
    });
    // Whoever holds the lost factor may hold a session made with it.
    await endAccountSessions(tx, userId, 'factor_removed', userId);
    const user = await tx.users.findById(userId);
    if (user) {
      await tx.outbox.enqueue(
        brandedMail({
          to: user.email,
          subject: `Your ${FACTOR_NAMES[method].name} was removed from TechPass`,
          techpassId: techpassId(user),
          lines: [
            `Hello ${user.givenName},`,
            '',
            `You told TechPass you cannot use your ${FACTOR_NAMES[method].name} and signed in with your ${FACTOR_NAMES[verifiedWith].name} instead,`,
            `so it was removed from your account ${techpassId(user)}.`,
            '',
            'If this was not you, contact the TechPass team (your agency IT helpdesk) at once and change your password at',
            `${deps.publicUrl}/login/reset.`,
          ],
        }),
      );
    }
  });
}

export interface MfaReset {
  userId: UserId;
  techpassId: string;
  removed: { authenticators: number; totp: number; passkeys: number };
}

/**
 * Removes every second factor of `user` (audited with `context`, e-mailed); their
 * sessions end. The caller decided first (domain/authorization-users.ts `mayResetMfa`).
 */
export async function resetMfaOf(deps: FactorRemovalDeps, user: User, actor: string, context: Record<string, unknown> = {}): Promise<MfaReset> {
  return deps.transaction(async (tx) => {
    const removed = {
      authenticators: await removeFactors(tx, user.id, ['swk']),
      totp: await removeFactors(tx, user.id, ['otp']),
      passkeys: await removeFactors(tx, user.id, ['hwk']),
    };
    // Sessions that an attacker may hold with the old factors end too.
    await endAccountSessions(tx, user.id, 'mfa_reset', actor);
    await tx.audit.append({ actor, action: 'mfa.reset', targetType: 'user', targetId: user.id, data: { ...context, removed } });
    await tx.outbox.enqueue(resetMail(user, deps.publicUrl));
    return { userId: user.id, techpassId: techpassId(user), removed };
  });
}

async function removeFactors(tx: FactorRemovalRepositories, userId: UserId, methods: SecondFactorId[]): Promise<number> {
  let removed = 0;
  if (methods.includes('swk')) removed += await tx.push.removeDevices(userId);
  const kinds = [...(methods.includes('otp') ? [STORED_KIND.otp] : []), ...(methods.includes('hwk') ? [STORED_KIND.hwk] : [])];
  if (kinds.length > 0) removed += await tx.users.removeFactors(userId, kinds);
  return removed;
}

function resetMail(user: User, publicUrl: string) {
  return brandedMail({
    to: user.email,
    techpassId: techpassId(user),
    subject: 'Your TechPass sign-in methods were reset',
    lines: [
      `Hello ${user.givenName},`,
      '',
      `A TechPass administrator removed every second factor (TechPass Authenticator, authenticator app, passkeys) from your account ${techpassId(user)},`,
      'and signed you out everywhere. The next time you sign in, TechPass asks you to set up a new one.',
      '',
      'If you did not ask for this, contact the TechPass team (your agency IT helpdesk) at once and change your password at',
      `${publicUrl}/login/reset.`,
    ],
  });
}
