/**
 * What a person may do to their own second factors (issue 20's My Account › Security).
 * Adding or removing one changes how the account is protected, so a session someone
 * left open is not enough: the person must have signed in, with a second factor, in
 * the last minutes (`windowMs`, PORTAL_FRESH_SIGN_IN_MINUTES). The portal asks for such
 * a sign-in with `prompt=login`; a caller that cannot show one (an API token, a portal
 * session older than the window) is refused with `fresh_sign_in_required`, which
 * tells the portal to ask for it.
 */
import { assuranceLevel } from './assurance.js';
import { ALLOW, deny, type Caller, type Decision } from './authorization.js';
import type { UserId } from './ids.js';

export const FRESH_SIGN_IN_MESSAGE = 'confirm it is you: sign in again with your second factor, then try again';

/** Whether the caller signed in with a second factor no earlier than `windowMs` before `now`. */
export function signedInRecently(caller: Caller, now: number, windowMs: number): boolean {
  const signedIn = caller.signedIn;
  return Boolean(signedIn && signedIn.at <= now + 60_000 && now - signedIn.at <= windowMs && assuranceLevel([...signedIn.amr]) >= 2);
}

const own = (caller: Caller, userId: UserId | string) => caller.via !== 'operator' && caller.userId === userId;

/** Adds a second factor to one's own account: oneself only, freshly signed in. */
export function mayAddOwnFactor(caller: Caller, userId: UserId, now: number, windowMs: number): Decision {
  if (!own(caller, userId)) return deny('platform_admin_only', 'a second factor is added by its owner, from their own account');
  return signedInRecently(caller, now, windowMs) ? ALLOW : deny('fresh_sign_in_required', FRESH_SIGN_IN_MESSAGE);
}

/** Removes one of one's own second factors: freshly signed in (the last one stays: see flows/own-factors.ts). */
export function mayRemoveOwnFactor(caller: Caller, userId: UserId, now: number, windowMs: number): Decision {
  return mayAddOwnFactor(caller, userId, now, windowMs);
}
