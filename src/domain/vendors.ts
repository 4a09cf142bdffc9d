/**
 * Vendor accounts: a tenant admin creates them in their namespace with an e-mail, a
 * local username (the TechPass ID `name@<local domain>`) and a mobile number. The
 * account is pending until its first sign-in, which takes the one-time activation
 * code sent by SMS, a new password and an MFA enrolment (flows/sign-in-activation.ts).
 *
 * The rules here are pure: the username's form, the code's form, the state of a code,
 * and the repository contracts the persistence layer fulfils.
 */
import type { UserId } from './ids.js';
import type { User } from './users.js';

/** How long an activation code works unless configured (VENDOR_ACTIVATION_CODE_TTL). */
export const DEFAULT_ACTIVATION_CODE_TTL_SECONDS = 72 * 60 * 60;

/** Digits of an activation code: 10^8 codes against at most LOCKOUT_THRESHOLD guesses. */
export const ACTIVATION_CODE_DIGITS = 8;

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,62}[a-z0-9]$/;

/**
 * The username of a vendor's local TechPass ID, from what the admin typed: `name` or
 * `name@<local domain>`. Any other domain is refused: a vendor's ID is local.
 */
export function vendorUsername(input: string, localIdDomain: string): { ok: true; username: string } | { ok: false; message: string } {
  const value = input.trim().toLowerCase();
  const suffix = `@${localIdDomain.toLowerCase()}`;
  const name = value.endsWith(suffix) ? value.slice(0, -suffix.length) : value;
  if (name.includes('@')) return { ok: false, message: `must be a local TechPass ID, name@${localIdDomain} (or just the name)` };
  if (!USERNAME.test(name)) {
    return { ok: false, message: 'must be 3–64 lower-case letters, digits, dots, dashes or underscores, starting and ending with a letter or digit' };
  }
  return { ok: true, username: name };
}

/**
 * First and last names read from a username such as `ravi_kumar` or `ravi.kumar`, for
 * an admin who did not give them; null when the username has no two parts.
 */
export function namesFromUsername(username: string): { givenName: string; familyName: string } | null {
  const parts = username.split(/[._-]+/).filter((p) => /^[a-z]/.test(p));
  if (parts.length < 2) return null;
  const word = (p: string) => p.charAt(0).toUpperCase() + p.slice(1);
  return { givenName: word(parts[0]!), familyName: parts.slice(1).map(word).join(' ') };
}

/** A code as typed (spaces and dashes allowed between digits), or null when it is not one. */
export function normaliseActivationCode(input: string): string | null {
  const digits = input.replace(/[\s-]/g, '');
  return new RegExp(`^\\d{${ACTIVATION_CODE_DIGITS}}$`).test(digits) ? digits : null;
}

/** The last four digits of a mobile number, to say where a code went without saying the number. */
export function mobileEnding(mobile: string): string {
  return mobile.slice(-4);
}

export interface StoredActivationCode {
  expiresAt: number;
  usedAt: number | null;
  createdAt: number;
}

export type ActivationCodeState = 'live' | 'expired' | 'used' | 'none';

/** Whether the account's code may still be used now. A used code stays used, even once its time is up. */
export function activationCodeState(code: StoredActivationCode | null, now: number): ActivationCodeState {
  if (!code) return 'none';
  if (code.usedAt !== null) return 'used';
  return code.expiresAt <= now ? 'expired' : 'live';
}

/** Whether the account is waiting for its activation (then its first sign-in asks for the code). */
export function awaitsActivation(user: Pick<User, 'accountType' | 'status'>, code: StoredActivationCode | null): boolean {
  return user.accountType === 'vendor' && user.status === 'pending' && code !== null;
}

/** A vendor account as its namespace lists it. */
export interface VendorAccount {
  user: User;
  createdBy: string;
  createdAt: number;
  code: StoredActivationCode | null;
}

/** The vendor accounts of one namespace; obtained only through `forNamespace`. */
export interface VendorRepository {
  /** Records that the account belongs to this namespace (a vendor belongs to one namespace). */
  add(userId: UserId, createdBy: string): Promise<void>;
  /** The account, when it is a vendor of this namespace; null otherwise (another namespace's vendor too). */
  get(userId: UserId): Promise<VendorAccount | null>;
  /** The namespace's vendor accounts, oldest first. */
  list(): Promise<VendorAccount[]>;
}

/**
 * One-time activation codes (one per account). The code itself is never stored: the
 * repository keeps a keyed digest (HMAC under a key derived from the master key), and
 * compares in constant time.
 */
export interface ActivationCodes {
  /**
   * Stores `code` as the account's activation code until `expiresAt`, replacing any
   * earlier one (used or not), and gives the account its attempts back: the failure
   * count goes to zero and a lock from wrong codes is lifted (a new code from the
   * tenant admin is what unlocks a pending vendor, as a reset does for a password).
   */
  issue(userId: UserId, code: string, expiresAt: number): Promise<void>;
  /** The account's code as stored (never the code), or null when it has none. */
  find(userId: UserId): Promise<StoredActivationCode | null>;
  /** Whether `code` is the account's code, used or not, expired or not. */
  matches(userId: UserId, code: string): Promise<boolean>;
  /**
   * Marks the code used if `code` is the account's code, unused and unexpired at `now`.
   * A conditional update: of two requests with the right code, exactly one wins.
   */
  consume(userId: UserId, code: string, now: number): Promise<boolean>;
}
