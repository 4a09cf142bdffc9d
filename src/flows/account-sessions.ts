/**
 * When an account's credentials or standing change, every session it has ends: in each
 * browser, at the provider, and in every application's grant (refresh tokens refused,
 * access tokens inactive), and the applications that asked for it get a back-channel
 * logout. Callers run this inside the transaction of the change itself, so a change that
 * fails ends nothing and a change that lands cannot leave a session behind.
 */
import type { UserId } from '../domain/ids.js';
import type { AccountSessions, AuditLog } from '../domain/repositories.js';

/** Why an account's sessions ended (recorded in the audit log). */
export type SessionsEndReason =
  'password_reset' | 'password_changed' | 'mfa_reset' | 'factor_removed' | 'fraud_reported' | 'locked' | 'status_changed' | 'ended_by_admin';

export async function endAccountSessions(
  tx: { accountSessions: AccountSessions; audit: AuditLog },
  userId: UserId,
  reason: SessionsEndReason,
  actor: string,
): Promise<void> {
  const ended = await tx.accountSessions.endAll(userId);
  await tx.audit.append({ actor, action: 'sessions.ended', targetType: 'user', targetId: userId, data: { reason, ...ended } });
}
