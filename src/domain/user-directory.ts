/**
 * Accounts as administrators and their owners manage them (issue 19): search, profile
 * changes with every identifier kept unique across TechPass, unlocking, and single
 * second factors (listed without any secret, removed one at a time). The persistence
 * layer fulfils `UserDirectory` (persistence/repositories/user-directory.ts).
 */
import type { Created } from './repositories.js';
import type { UserId } from './ids.js';
import {
  BUSINESS_OPERATIONS,
  checkProfile,
  normaliseEmail,
  normaliseMobile,
  type AccountType,
  type BusinessOperation,
  type User,
  type UserStatus,
} from './users.js';

/** A second factor as listed: what it is, its name, when it was made and last used; never a secret nor a key. */
export interface UserFactor {
  id: string;
  /** `totp` (authenticator app), `passkey`, `authenticator` (the TechPass Authenticator's push). */
  type: 'totp' | 'passkey' | 'authenticator';
  label: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface UserQuery {
  /** Part of an e-mail, username, name or mobile number, or a whole user id; case-insensitive. */
  q?: string | undefined;
  status?: UserStatus | undefined;
  type?: AccountType | undefined;
  /** Only accounts whose e-mail sorts after this one (the cursor). */
  afterEmail?: string | undefined;
  limit: number;
}

/** The profile fields a change may set (only those present change); agency is the provider's, never changed here. */
export interface ProfileChanges {
  email?: string;
  givenName?: string;
  familyName?: string;
  mobile?: string | null;
  department?: string | null;
  businessOperation?: BusinessOperation | null;
  reportingOfficerEmail?: string | null;
  companyAddress?: string | null;
}

export interface UserDirectory {
  /** Accounts matching the query, by e-mail. */
  search(query: UserQuery): Promise<User[]>;
  /**
   * Applies `changes` with the account's identifiers (e-mail, mobile) in one unit;
   * `conflict` names the identifier another account holds (as e-mail, username or mobile).
   */
  updateProfile(id: UserId, changes: ProfileChanges): Promise<Created<User>>;
  /** Lifts a lock and clears the failure count; answers whether the account was locked. */
  unlock(id: UserId): Promise<boolean>;
  /** The account's second factors, oldest first. */
  factors(id: UserId): Promise<UserFactor[]>;
  /** Removes one factor of this account (a push device's waiting prompts expire with it); null when it has no such factor. */
  removeFactor(id: UserId, factorId: string): Promise<UserFactor | null>;
}

export type ProfileProblem = { field: keyof ProfileChanges | 'agency'; message: string };

/** The request's profile changes as stored values (trimmed, e-mails lower-cased, mobile in E.164), or the first problem. */
export function normaliseProfileChanges(input: { [K in keyof ProfileChanges]?: string | null | undefined }):
  { ok: true; changes: ProfileChanges } | { ok: false; problem: ProfileProblem } {
  const changes: ProfileChanges = {};
  const text = (value: string | null | undefined) => (value === null ? null : value?.trim());
  if (input.email !== undefined) {
    if (input.email === null) return { ok: false, problem: { field: 'email', message: 'email cannot be removed' } };
    changes.email = normaliseEmail(input.email);
  }
  for (const field of ['givenName', 'familyName'] as const) {
    const value = input[field];
    if (value === undefined) continue;
    if (value === null || !value.trim() || value.length > 100)
      return { ok: false, problem: { field, message: `${field} is required (at most 100 characters)` } };
    changes[field] = value.trim();
  }
  if (input.mobile !== undefined) {
    const mobile = input.mobile === null || input.mobile.trim() === '' ? null : normaliseMobile(input.mobile);
    if (input.mobile !== null && input.mobile.trim() !== '' && mobile === null) {
      return { ok: false, problem: { field: 'mobile', message: 'mobile must be a mobile number with its country code, such as +65 9123 4567' } };
    }
    changes.mobile = mobile;
  }
  if (input.businessOperation !== undefined) {
    const op = input.businessOperation;
    if (op !== null && !BUSINESS_OPERATIONS.includes(op as BusinessOperation)) {
      return { ok: false, problem: { field: 'businessOperation', message: `businessOperation must be one of ${BUSINESS_OPERATIONS.join(', ')}` } };
    }
    changes.businessOperation = op as BusinessOperation | null;
  }
  if (input.department !== undefined) changes.department = text(input.department) || null;
  if (input.companyAddress !== undefined) changes.companyAddress = text(input.companyAddress) || null;
  if (input.reportingOfficerEmail !== undefined) {
    const value = text(input.reportingOfficerEmail);
    changes.reportingOfficerEmail = value ? normaliseEmail(value) : null;
  }
  return { ok: true, changes };
}

/** Checks the account as it would be after `changes` (e-mail, names, and the profile's rules, offshore included). */
export function checkProfileChanges(user: User, changes: ProfileChanges): ProfileProblem | null {
  const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
  if (changes.email !== undefined && (!EMAIL.test(changes.email) || changes.email.length > 254)) {
    return { field: 'email', message: 'email must be an e-mail address such as jane_tan@agency.gov.sg' };
  }
  const { agency: _agency, ...current } = user.profile;
  const problem = checkProfile({ ...current, ...withoutUndefined(changes) });
  if (!problem) return null;
  const field = problem.field === 'reportingOfficer' ? 'reportingOfficerEmail' : (problem.field as keyof ProfileChanges);
  return { field, message: `${field} ${problem.message}` };
}

const withoutUndefined = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/** The changes that differ from the account as it is (a change to the same value is none). */
export function effectiveChanges(user: User, changes: ProfileChanges): ProfileChanges {
  const now: Required<ProfileChanges> = {
    email: user.email,
    givenName: user.givenName,
    familyName: user.familyName,
    mobile: user.profile.mobile,
    department: user.profile.department,
    businessOperation: user.profile.businessOperation,
    reportingOfficerEmail: user.profile.reportingOfficerEmail,
    companyAddress: user.profile.companyAddress,
  };
  return Object.fromEntries(
    Object.entries(withoutUndefined(changes)).filter(([key, value]) => now[key as keyof ProfileChanges] !== value),
  ) as ProfileChanges;
}

/** What the audit keeps of a profile (no secret is part of it). */
export const profileAuditView = (user: User) => ({
  email: user.email,
  givenName: user.givenName,
  familyName: user.familyName,
  ...user.profile,
});
