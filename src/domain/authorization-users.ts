/**
 * Who may do what to accounts through the management API (issue 19), one function per
 * action, like authorization.ts (whose helpers these use):
 * - a platform admin: everything, to anyone;
 * - a person: their own profile (read, update all but the e-mail, their TechPass ID)
 *   and their own factors (list here; adding and removing them needs a fresh sign-in:
 *   authorization-self.ts);
 * - a tenant admin: searches accounts to add admins and members, and sees of each only
 *   a minimal view (id, e-mail, names, status); manages their namespaces' vendors;
 * - any active public officer: invites (domain/invitations.ts decides who is one).
 */
import type { AccountType } from './users.js';
import { mayCreate, type AccountCreator } from './account-status.js';
import { ALLOW, administers, deny, platformOnly, type Caller, type Decision, type NamespaceTarget } from './authorization.js';
import type { UserId } from './ids.js';

const self = (caller: Caller, userId: UserId | string) => caller.via !== 'operator' && caller.userId === userId;

/** How much of each account a search shows the caller. */
export type UserListView = 'full' | 'minimal';

export function mayListUsers(caller: Caller): Decision {
  if (caller.platformAdmin || caller.adminOf.size > 0) return ALLOW;
  return deny('not_an_admin', 'only namespace admins and platform admins may search accounts');
}

export const userListView = (caller: Caller): UserListView => (caller.platformAdmin ? 'full' : 'minimal');

export const mayReadUser = (caller: Caller, userId: UserId): Decision =>
  self(caller, userId) ? ALLOW : platformOnly(caller, "read another person's account");

/** A person updates their own profile, but not their e-mail (their TechPass ID); a platform admin anyone's. */
export function mayUpdateUser(caller: Caller, userId: UserId, changes: { email?: unknown }): Decision {
  if (caller.platformAdmin) return ALLOW;
  if (!self(caller, userId)) return platformOnly(caller, "change another person's account");
  if (changes.email !== undefined) return platformOnly(caller, 'change an e-mail address (the TechPass ID)');
  return ALLOW;
}

export const mayChangeUserStatus = (caller: Caller, _userId: UserId): Decision => platformOnly(caller, 'disable, enable or terminate an account');
export const mayUnlockUser = (caller: Caller, _userId: UserId): Decision => platformOnly(caller, 'unlock an account');
export const mayEndUserSessions = (caller: Caller, _userId: UserId): Decision => platformOnly(caller, "end a person's sessions");
export const mayClearUserRisk = (caller: Caller, _userId: UserId): Decision => platformOnly(caller, 'clear a high-risk account');

export const mayListFactors = (caller: Caller, userId: UserId): Decision =>
  self(caller, userId) ? ALLOW : platformOnly(caller, "list another person's factors");

/**
 * Removes one factor of another person: a platform admin. One's own factors are removed
 * through `mayRemoveOwnFactor` (authorization-self.ts), which asks for a fresh sign-in.
 */
export function mayRemoveFactor(caller: Caller, userId: UserId): Decision {
  if (self(caller, userId)) return deny('fresh_sign_in_required', 'removing one of your own factors needs a fresh sign-in with a second factor');
  return platformOnly(caller, "remove another person's factor");
}

/**
 * Resets every second factor of an account (after checking who the person is, out of
 * band): a platform admin, for someone else. One's own factors need a fresh second
 * factor to go, as with removing one, so another platform admin resets them.
 */
export function mayResetMfa(caller: Caller, userId: UserId): Decision {
  if (caller.platformAdmin && self(caller, userId)) {
    return deny('platform_admin_only', 'you may not reset your own second factors: ask another platform admin');
  }
  return platformOnly(caller, "reset a person's second factors");
}

/** Which creator the caller is, for the account type rules (account-status.ts `mayCreate`). */
const creatorOf = (caller: Caller, namespace?: NamespaceTarget): AccountCreator =>
  caller.platformAdmin ? 'platform_admin' : namespace && caller.adminOf.has(namespace.id) ? 'tenant_admin' : 'public_officer';

function creates(caller: Caller, type: AccountType, namespace?: NamespaceTarget): Decision {
  return mayCreate(creatorOf(caller, namespace), type) ? ALLOW : deny('not_an_admin', `you may not create ${type} accounts`);
}

export const mayListVendors = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);

/** A tenant admin of the namespace (or a platform admin) creates vendors there, as the account type rules allow. */
export function mayCreateVendor(caller: Caller, namespace: NamespaceTarget): Decision {
  const admin = administers(caller, namespace);
  return admin.allow ? creates(caller, 'vendor', namespace) : admin;
}

/** Invitations make officer accounts: a person invites (the flow checks they are an active public officer). */
export function mayInvite(caller: Caller): Decision {
  if (caller.via === 'operator') return deny('not_an_admin', 'the operator has no account to invite on behalf of; use `techpass user invite --by`');
  return creates(caller, 'officer');
}
