/**
 * A person changes their own password through the management API (issue 20's My
 * Account › Security). The caller is already signed in with a second factor (the portal's
 * session, or a person's access token), so the sign-in page's remembered-browser check is
 * not asked again; every other rule is `replaceKnownPassword`'s (flows/passwords.ts): a
 * wrong current password counts in the lockout, the new one must be strong and differ,
 * every session of the account ends (the portal's too), audited and mailed. An account
 * without a TechPass password (a federated person signs in at their agency) has none to
 * change.
 */
import { ErrorCodes } from '../contracts/errors.js';
import { fail, type Result } from '../contracts/result.js';
import type { Caller } from '../domain/authorization.js';
import { mayChangeOwnPassword } from '../domain/authorization-self.js';
import type { FederatedIdentityRepository } from '../domain/repositories.js';
import { addressThrottled } from './credential-attempts.js';
import { refused } from './namespace-management.js';
import { replaceKnownPassword, type PasswordDeps } from './passwords.js';

export type OwnPasswordDeps = Omit<PasswordDeps, 'remembered' | 'resetRequested'> & {
  /** Whether an account without a password signs in at its agency (a federated link) or has yet to set one. */
  federatedIdentities: Pick<FederatedIdentityRepository, 'ofUser'>;
};

export async function changeOwnPassword(
  deps: OwnPasswordDeps,
  caller: Caller,
  input: { current: string; password: string },
  ip: string,
): Promise<Result<'changed'>> {
  const decision = mayChangeOwnPassword(caller);
  if (!decision.allow) return refused(decision);
  if (await addressThrottled(deps, ip)) return fail(ErrorCodes.throttled, 'there were too many failed attempts from your network; wait 15 minutes');
  const user = await deps.users.findById(caller.userId);
  if (!user) return fail(ErrorCodes.userNotFound, 'your account was not found');
  // A person linked to their agency's identity provider signs in there: a TechPass password (a demo's, an old one) is not theirs to change.
  const federated = (await deps.federatedIdentities.ofUser(user.id)).length > 0;
  if (!user.hasPassword || federated) {
    return fail(
      ErrorCodes.passwordManagedElsewhere,
      federated
        ? 'you sign in at your agency, which manages your password: change it there'
        : 'your account has no TechPass password yet: set one with “Forgot your password?” on the sign-in page',
    );
  }
  const changed = await replaceKnownPassword(deps, user, { ...input, confirm: input.password }, ip);
  // Signed in already: a wrong current password is a mistake in the form, not a failed sign-in (401 would end the portal's page).
  if (!changed.ok && changed.error === ErrorCodes.credentialsInvalid) return fail(ErrorCodes.currentPasswordIncorrect, changed.message, 'current');
  return changed;
}
