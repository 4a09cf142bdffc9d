/**
 * People and their accounts: account types, statuses, and the rules for a new
 * account's identifiers. A TechPass ID is the organisational e-mail, or a local
 * username for people without an integrated identity provider.
 */
import type { UserId } from './ids.js';

export const ACCOUNT_TYPES = ['officer', 'vendor', 'temp', 'product', 'other'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

export const USER_STATUSES = ['pending', 'active', 'disabled', 'terminated', 'under_investigation', 'high_risk'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export interface User {
  id: UserId;
  email: string;
  username: string | null;
  givenName: string;
  familyName: string;
  accountType: AccountType;
  status: UserStatus;
  platformRole: 'admin' | null;
  hasPassword: boolean;
  failedSignIns: number;
  lockedAt: number | null;
  createdAt: number;
  updatedAt: number;
  lastSignInAt: number | null;
}

export interface NewUser {
  email: string;
  username: string | null;
  givenName: string;
  familyName: string;
  accountType: AccountType;
  platformRole?: 'admin' | null;
  status?: UserStatus;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const USERNAME = /^[a-z0-9][a-z0-9._-]{1,62}[a-z0-9](@[a-z0-9.-]+\.[a-z]{2,})?$/;

/** E-mail addresses compare case-insensitively; we store them lower-cased. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export type NewUserProblem = { field: 'email' | 'username' | 'givenName' | 'familyName'; message: string };

/** Checks a new account's identifiers; returns the first problem or null. */
export function checkNewUser(user: NewUser): NewUserProblem | null {
  if (!EMAIL.test(user.email) || user.email.length > 254) {
    return { field: 'email', message: 'must be an e-mail address such as jane_tan@agency.gov.sg' };
  }
  if (user.username !== null && !USERNAME.test(user.username)) {
    return {
      field: 'username',
      message: 'must be 3–64 lower-case letters, digits, dots, dashes or underscores (optionally @domain)',
    };
  }
  if (!user.givenName.trim() || user.givenName.length > 100) {
    return { field: 'givenName', message: 'is required (at most 100 characters)' };
  }
  if (!user.familyName.trim() || user.familyName.length > 100) {
    return { field: 'familyName', message: 'is required (at most 100 characters)' };
  }
  return null;
}

/** The TechPass ID shown to people and sent as `preferred_username`. */
export function techpassId(user: Pick<User, 'email' | 'username'>): string {
  return user.username ?? user.email;
}

/** Why an account may not sign in now, whatever credential it shows. */
export type StandingRefusal = 'locked' | 'reported' | 'account_inactive';

/**
 * Checked at every step of a sign-in (each factor, and once more when it completes), not
 * only at the password: a lock, a fraud report or a status change made meanwhile stops
 * flows that were already open.
 */
export function standingRefusal(user: Pick<User, 'status' | 'lockedAt'>): StandingRefusal | null {
  if (user.lockedAt !== null) return 'locked';
  if (user.status === 'high_risk') return 'reported';
  if (user.status !== 'active') return 'account_inactive';
  return null;
}
