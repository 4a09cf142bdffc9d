/**
 * "Reset MFA" through the management API (issue 20): a platform admin removes every
 * second factor of an account after checking, out of band, who the person is. The
 * work is flows/mfa-recovery.ts `resetMfaOf` (factors, sessions, audit, e-mail in one
 * transaction); here the rule is asked first and the audit names the caller's role.
 */
import { ok, type Result } from '../contracts/result.js';
import { auditActor, auditContext, type Caller } from '../domain/authorization.js';
import { mayResetMfa } from '../domain/authorization-users.js';
import { resetMfaOf, type MfaReset } from './mfa-recovery.js';
import { target, type UserManagementDeps } from './user-management.js';

/** What the reset needs beyond the account flows: where the e-mail points people. */
export interface MfaResetDeps extends UserManagementDeps {
  publicUrl: string;
}

export async function resetUserMfa(
  deps: MfaResetDeps,
  caller: Caller,
  input: { userId: string; reason?: string | undefined },
): Promise<Result<MfaReset>> {
  const found = await target(deps, caller, input.userId, mayResetMfa);
  if (!found.ok) return found;
  const reason = input.reason?.trim();
  return ok(await resetMfaOf(deps, found.value, auditActor(caller), { ...auditContext(caller), ...(reason ? { reason } : {}) }));
}
