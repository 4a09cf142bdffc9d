/**
 * Inviting from the sign-in experience (/login/invite): the browser must hold a live
 * sign-in, with a second factor, of the account that invites (the account picker's
 * record of its sign-ins, as for a password change). The rules are `inviteUser`'s.
 */
import { ErrorCodes } from '../contracts/errors.js';
import { fail, type Result } from '../contracts/result.js';
import { assuranceLevel } from '../domain/assurance.js';
import { inviterRefusal } from '../domain/invitations.js';
import type { RememberedAccounts } from '../domain/repositories.js';
import { techpassId } from '../domain/users.js';
import { inviteUser, type InvitationDeps, type InvitationSent } from './invitations.js';

export interface InvitationPageDeps extends InvitationDeps {
  remembered: Pick<RememberedAccounts, 'find'>;
}

export interface SignedInAccount {
  /** The remembered sign-in's opaque reference (what the form posts back). */
  ref: string;
  techpassId: string;
  name: string;
  /** Whether this account may invite (an active public officer). */
  mayInvite: boolean;
}

/** The accounts this browser is signed in to with a second factor, live now. Reads only. */
export async function signedInAccounts(deps: InvitationPageDeps, refs: string[]): Promise<SignedInAccount[]> {
  const now = deps.clock.now();
  const live = (await deps.remembered.find(refs)).filter(
    (s) => s.sessionExpiresAt !== null && s.sessionExpiresAt > now && assuranceLevel(s.amr) >= 2,
  );
  const accounts: SignedInAccount[] = [];
  for (const session of live) {
    const user = await deps.users.findById(session.userId);
    if (!user) continue;
    accounts.push({
      ref: session.ref,
      techpassId: techpassId(user),
      name: `${user.givenName} ${user.familyName}`.trim(),
      mayInvite: inviterRefusal(user) === null,
    });
  }
  return accounts;
}

/** Invites `email` as the signed-in account `ref` names (one of this browser's). */
export async function inviteAsSignedIn(
  deps: InvitationPageDeps,
  refs: string[],
  input: { ref: string; email: string },
): Promise<Result<InvitationSent>> {
  const account = refs.includes(input.ref) ? (await signedInAccounts(deps, [input.ref]))[0] : undefined;
  if (!account) return fail(ErrorCodes.signInRequired, 'sign in (with your second factor) as the officer who invites, then try again', 'ref');
  return inviteUser(deps, { email: input.email, inviter: account.techpassId, via: 'web' });
}
