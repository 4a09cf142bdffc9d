/**
 * "No, it's not me": a fraud report from the authenticator marks the account
 * high risk. Every later sign-in stops (by any factor) until a platform admin
 * clears it; the person gets a remediation e-mail; the audit log records the
 * report and a security alert. Clearing is audited too.
 */
import { ErrorCodes } from '../contracts/errors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import type { UserId } from '../domain/ids.js';
import type { PushChallenge } from '../domain/push.js';
import type { Repositories, Transactional } from '../domain/repositories.js';
import { brandedMail } from '../domain/messages.js';
import { techpassId, type User, type UserStatus } from '../domain/users.js';
import type { Clock } from '../platform/clock.js';
import { endAccountSessions } from './account-sessions.js';
import { applyStatusChange } from './account-status.js';

/** What a fraud report writes, inside the answer's transaction. */
export type FraudReportRepositories = Pick<Repositories, 'users' | 'accountStatuses' | 'accountSessions' | 'push' | 'audit' | 'outbox'>;

export interface ClearRiskDeps
  extends Pick<Repositories, 'users'>, Transactional<Pick<Repositories, 'users' | 'accountStatuses' | 'accountSessions' | 'push' | 'audit'>> {
  clock: Clock;
}

/**
 * Why this account may not sign in, as far as push fraud reports go: `high_risk`
 * until a platform admin clears it, else null. The sign-in calls this after the
 * password (and before any factor) and for remembered sessions.
 */
export function signInBlockedByRisk(user: Pick<User, 'status'>): 'high_risk' | null {
  return user.status === 'high_risk' ? 'high_risk' : null;
}

/** Applies a fraud report inside the answering transaction. */
export async function reportFraud(
  tx: FraudReportRepositories,
  deps: { publicUrl: string },
  challenge: PushChallenge,
  deviceId: string,
  ip: string | null,
): Promise<void> {
  const userId = challenge.userId;
  const user = await tx.users.findById(userId);
  // The transition table says which statuses a report marks high risk (disabled or terminated accounts stay as they are).
  const marked = (await applyStatusChange(tx, userId, 'high_risk_on', userId, { reason: 'fraud_reported', sessionsEnd: 'fraud_reported' })).ok;
  // An account already disabled or terminated keeps its status, and its sessions end all the same.
  if (!marked) await endAccountSessions(tx, userId, 'fraud_reported', userId);
  const expired = await tx.push.expirePending(userId);
  const details = {
    challengeId: challenge.id,
    deviceId,
    application: challenge.applicationName,
    signInIp: challenge.ip,
    userAgent: challenge.userAgent,
  };
  await tx.audit.append({ actor: userId, action: 'push.reported', targetType: 'user', targetId: userId, ip, data: { ...details, expired } });
  await tx.audit.append({
    actor: 'system',
    action: 'security.alert',
    targetType: 'user',
    targetId: userId,
    ip,
    data: { kind: 'push_fraud_report', statusChanged: marked, previousStatus: user?.status ?? null, ...details },
  });
  if (!user) return;
  await tx.outbox.enqueue(
    brandedMail({
      to: user.email,
      subject: 'Action needed: your TechPass account is on hold',
      techpassId: techpassId(user),
      lines: [
        `Hello ${user.givenName},`,
        '',
        `You told us that a sign-in to ${challenge.applicationName} with your TechPass account ${techpassId(user)} was not you.`,
        `It came from the address ${challenge.ip ?? 'unknown'} (${challenge.userAgent ?? 'unknown browser'}).`,
        '',
        'To protect you, nobody can sign in with this account until the TechPass team has checked it. What to do now:',
        `  1. Change your password at ${deps.publicUrl}/login/reset once the account is released,`,
        '     and do not reuse it anywhere else.',
        '  2. Contact the TechPass team (your agency IT helpdesk) to have the account released.',
        '  3. Never approve a sign-in request on your phone that you did not start yourself.',
        '',
        'If you reported this by mistake, contact the TechPass team as well.',
      ],
    }),
  );
}

/** A platform admin restores a high-risk account to active (audited); answers whether anything changed. */
export async function clearRisk(
  deps: ClearRiskDeps,
  email: string,
  actor: string,
): Promise<Result<{ userId: UserId; techpassId: string; cleared: boolean; status: UserStatus }>> {
  const user = await deps.users.findByLogin(email);
  if (!user) return fail(ErrorCodes.userNotFound, `no account ${email.trim().toLowerCase()}`, 'email');
  if (user.status !== 'high_risk') return ok({ userId: user.id, techpassId: techpassId(user), cleared: false, status: user.status });
  return deps.transaction(async (tx) => {
    const cleared = (await applyStatusChange(tx, user.id, 'high_risk_off', actor, { action: 'user.risk_cleared' })).ok;
    // A cleared account starts again without a pause left over from the attack.
    await tx.push.pause(user.id, deps.clock.now());
    return ok({ userId: user.id, techpassId: techpassId(user), cleared, status: cleared ? 'active' : user.status });
  });
}
