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
  profile: Profile;
}

export const BUSINESS_OPERATIONS = ['onshore', 'offshore'] as const;
export type BusinessOperation = (typeof BUSINESS_OPERATIONS)[number];

/** The profile fields beyond names and e-mail; the agency comes from the integrated provider (read-only). */
export interface Profile {
  /** E.164 (`+6591234567`), unique across TechPass. */
  mobile: string | null;
  agency: string | null;
  department: string | null;
  businessOperation: BusinessOperation | null;
  /** Offshore users only: their reporting officer's e-mail and their company's address. */
  reportingOfficerEmail: string | null;
  companyAddress: string | null;
}

export interface NewUser {
  email: string;
  username: string | null;
  givenName: string;
  familyName: string;
  accountType: AccountType;
  platformRole?: 'admin' | null;
  status?: UserStatus;
  profile?: Partial<Profile>;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const USERNAME = /^[a-z0-9][a-z0-9._-]{1,62}[a-z0-9](@[a-z0-9.-]+\.[a-z]{2,})?$/;

/** E-mail addresses compare case-insensitively; we store them lower-cased. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * A mobile number in E.164: `+` and 8–15 digits; spaces, dashes, dots and brackets are
 * dropped, and a leading `00` reads as `+`. Null when it is not one.
 */
export function normaliseMobile(mobile: string): string | null {
  const compact = mobile
    .trim()
    .replace(/[\s().-]/g, '')
    .replace(/^00/, '+');
  return /^\+[1-9]\d{7,14}$/.test(compact) ? compact : null;
}

export type NewUserProblem = {
  field: 'email' | 'username' | 'givenName' | 'familyName' | 'mobile' | 'department' | 'reportingOfficer' | 'companyAddress';
  message: string;
};

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
  return checkProfile(user.profile ?? {});
}

/** The profile's rules: a mobile in E.164, short texts, and an offshore user's reporting officer and company address. */
export function checkProfile(profile: Partial<Profile>): NewUserProblem | null {
  if (profile.mobile != null && normaliseMobile(profile.mobile) !== profile.mobile) {
    return { field: 'mobile', message: 'must be a mobile number with its country code, such as +65 9123 4567' };
  }
  if (profile.department != null && (!profile.department.trim() || profile.department.length > 100)) {
    return { field: 'department', message: 'must be 1–100 characters' };
  }
  if (profile.reportingOfficerEmail != null && (!EMAIL.test(profile.reportingOfficerEmail) || profile.reportingOfficerEmail.length > 254)) {
    return { field: 'reportingOfficer', message: 'must be the reporting officer’s e-mail address' };
  }
  if (profile.companyAddress != null && (!profile.companyAddress.trim() || profile.companyAddress.length > 300)) {
    return { field: 'companyAddress', message: 'must be 1–300 characters' };
  }
  if (profile.businessOperation === 'offshore') {
    if (!profile.reportingOfficerEmail) return { field: 'reportingOfficer', message: 'is required for an offshore user' };
    if (!profile.companyAddress) return { field: 'companyAddress', message: 'is required for an offshore user' };
  }
  return null;
}

/** The TechPass ID shown to people and sent as `preferred_username`. */
export function techpassId(user: Pick<User, 'email' | 'username'>): string {
  return user.username ?? user.email;
}

export const DEFAULT_LOCAL_ID_DOMAIN = 'techpass.local';

/** The local TechPass ID of a username: `name@<local domain>` (a username that already names a domain stays as it is). */
export function localTechpassId(username: string, localIdDomain: string): string {
  return username.includes('@') ? username : `${username}@${localIdDomain}`;
}

/** The username a login names when it reads `name@<local domain>`, else null (the bare name is looked up as it is). */
export function localUsernameOf(login: string, localIdDomain: string): string | null {
  const value = login.trim().toLowerCase();
  const suffix = `@${localIdDomain.toLowerCase()}`;
  return value.endsWith(suffix) && value.length > suffix.length ? value.slice(0, -suffix.length) : null;
}

/** Why an account may not sign in now, whatever credential it shows. */
export type StandingRefusal = 'locked' | 'reported' | 'account_pending' | 'account_inactive';

/**
 * Checked at every step of a sign-in (each factor, and once more when it completes), not
 * only at the password: a lock, a fraud report or a status change made meanwhile stops
 * flows that were already open.
 */
export function standingRefusal(user: Pick<User, 'status' | 'lockedAt'>): StandingRefusal | null {
  if (user.lockedAt !== null) return 'locked';
  if (user.status === 'high_risk') return 'reported';
  if (user.status === 'pending') return 'account_pending';
  if (user.status !== 'active') return 'account_inactive';
  return null;
}
