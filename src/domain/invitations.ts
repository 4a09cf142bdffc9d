/**
 * Invitations: a public officer asks TechPass to give someone an account.
 *
 *   - Who may invite: an ACTIVE account of type `officer` (a public officer), not locked.
 *   - An address an integrated identity provider serves gets its account at once
 *     (pending, type officer) and the onboarding e-mail; nothing here keeps a link.
 *   - Any other address gets a registration link (default 5 days). The invitee fills in
 *     the registration form (`checkRegistration`); that creates an ACTIVE account with a
 *     local TechPass ID and a password, and the first sign-in enrols a second factor
 *     (the sign-in refuses to finish without one). A new invitation to the same address
 *     replaces an unfinished one; the inviter is told when the registration completes,
 *     or once when the link expires unused.
 *
 * The registration link's state is one of: live, completed (used), replaced, expired.
 */
import type { UserId } from './ids.js';
import { BUSINESS_OPERATIONS, checkNewUser, normaliseEmail, normaliseMobile, type BusinessOperation, type NewUser, type User } from './users.js';

/** The registration link's default lifetime: 5 days (INVITATION_LINK_TTL). */
export const DEFAULT_INVITATION_TTL_MS = 5 * 24 * 60 * 60 * 1000;

export interface Invitation {
  id: string;
  email: string;
  /** The digest of the link's secret (the secret itself is only in the e-mail). */
  digest: string;
  invitedBy: UserId;
  createdAt: number;
  expiresAt: number;
  completedAt: number | null;
  replacedAt: number | null;
  expiryNotifiedAt: number | null;
  /** The account the registration created. */
  userId: UserId | null;
  /** What the invitee last typed into a refused form, and what was wrong with it. */
  draft: RegistrationDraft | null;
}

export type LinkState = 'live' | 'completed' | 'replaced' | 'expired';

export function linkState(invitation: Pick<Invitation, 'completedAt' | 'replacedAt' | 'expiresAt'>, now: number): LinkState {
  if (invitation.completedAt !== null) return 'completed';
  if (invitation.replacedAt !== null) return 'replaced';
  if (invitation.expiresAt <= now) return 'expired';
  return 'live';
}

export type InviterRefusal = 'not_officer' | 'not_active' | 'locked';

/** Why this account may not invite, or null when it may (an active, unlocked public officer). */
export function inviterRefusal(inviter: Pick<User, 'accountType' | 'status' | 'lockedAt'>): InviterRefusal | null {
  if (inviter.accountType !== 'officer') return 'not_officer';
  if (inviter.status !== 'active') return 'not_active';
  if (inviter.lockedAt !== null) return 'locked';
  return null;
}

/** The registration form's fields, as typed. */
export const REGISTRATION_FIELDS = [
  'username',
  'givenName',
  'familyName',
  'mobile',
  'department',
  'businessOperation',
  'reportingOfficer',
  'companyAddress',
  'password',
  'confirm',
] as const;
export type RegistrationField = (typeof REGISTRATION_FIELDS)[number];

/** The fields kept in a draft: everything but the password and its confirmation. */
export type DraftField = Exclude<RegistrationField, 'password' | 'confirm'>;
export type RegistrationInput = Partial<Record<RegistrationField, string | undefined>>;

export interface RegistrationDraft {
  values: Partial<Record<DraftField, string>>;
  problems: Partial<Record<RegistrationField, string>>;
}

/** The account a complete, valid form describes (password checked separately by the strategy). */
export interface Registration {
  account: NewUser;
  password: string;
}

/**
 * Checks the form and answers every field's problem at once (a person fixes them all in
 * one go), or the account to create. The username is the local part of the local
 * TechPass ID (`name@<local domain>`); a typed `name@<local domain>` is accepted as `name`.
 * Uniqueness (e-mail, username, mobile) is the database's to decide, at creation.
 */
export function checkRegistration(
  email: string,
  input: RegistrationInput,
  localIdDomain: string,
): { ok: true; value: Registration } | { ok: false; problems: Partial<Record<RegistrationField, string>> } {
  const problems: Partial<Record<RegistrationField, string>> = {};
  const text = (f: RegistrationField) => (input[f] ?? '').trim();
  let username = text('username').toLowerCase();
  const suffix = `@${localIdDomain}`;
  if (username.endsWith(suffix)) username = username.slice(0, -suffix.length);
  if (!username) problems.username = 'Choose a username.';
  else if (!/^[a-z0-9][a-z0-9._-]{1,62}[a-z0-9]$/.test(username)) {
    problems.username = 'Use 3–64 lower-case letters, digits, dots, dashes or underscores, starting and ending with a letter or digit.';
  }
  for (const [f, label] of [
    ['givenName', 'first name'],
    ['familyName', 'last name'],
    ['department', 'department'],
  ] as const) {
    if (!text(f)) problems[f] = `Enter your ${label}.`;
    else if (text(f).length > 100) problems[f] = `Your ${label} may have at most 100 characters.`;
  }
  const mobile = text('mobile') ? normaliseMobile(text('mobile')) : null;
  if (!text('mobile')) problems.mobile = 'Enter your mobile number.';
  else if (!mobile) problems.mobile = 'Enter a mobile number with its country code, such as +65 9123 4567.';
  const operation = text('businessOperation') as BusinessOperation;
  if (!BUSINESS_OPERATIONS.includes(operation)) problems.businessOperation = 'Choose onshore or offshore.';
  const offshore = operation === 'offshore';
  const reportingOfficer = offshore ? normaliseEmail(text('reportingOfficer')) : '';
  const companyAddress = offshore ? text('companyAddress') : '';
  if (offshore) {
    if (!reportingOfficer) problems.reportingOfficer = 'An offshore user names their reporting officer (e-mail).';
    else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(reportingOfficer) || reportingOfficer.length > 254) {
      problems.reportingOfficer = 'Enter the reporting officer’s e-mail address.';
    }
    if (!companyAddress) problems.companyAddress = 'An offshore user gives their company’s address.';
    else if (companyAddress.length > 300) problems.companyAddress = 'The address may have at most 300 characters.';
  }
  const password = input.password ?? '';
  if (!password) problems.password = 'Choose a password.';
  else if (password !== (input.confirm ?? '')) problems.confirm = 'The two passwords are not the same.';
  if (Object.keys(problems).length) return { ok: false, problems };
  const account: NewUser = {
    email: normaliseEmail(email),
    username,
    givenName: text('givenName'),
    familyName: text('familyName'),
    accountType: 'officer',
    status: 'active',
    profile: {
      mobile,
      department: text('department'),
      businessOperation: operation,
      reportingOfficerEmail: offshore ? reportingOfficer : null,
      companyAddress: offshore ? companyAddress : null,
    },
  };
  // The account rules proper (the same as every creation); a problem here is one of the fields above.
  const rule = checkNewUser(account);
  if (rule) return { ok: false, problems: { [rule.field === 'email' ? 'username' : rule.field]: capitalise(rule.message) } };
  return { ok: true, value: { account, password } };
}

/** What a refused form keeps: what was typed (never the password) and each field's problem. */
export function draftOf(input: RegistrationInput, problems: RegistrationDraft['problems']): RegistrationDraft {
  const values: RegistrationDraft['values'] = {};
  for (const f of REGISTRATION_FIELDS) {
    if (f === 'password' || f === 'confirm') continue;
    const value = input[f];
    if (value !== undefined) values[f] = value.slice(0, 300);
  }
  return { values, problems };
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1) + (s.endsWith('.') ? '' : '.');

/** The invitation storage. Single use and replacement are conditional updates, as everywhere. */
export interface InvitationRepository {
  /**
   * Stores a new link for `email`, in the caller's transaction, after marking any unfinished
   * invitation to the same address replaced (its link stops working). Answers the new id and
   * how many it replaced; `conflict` when another invitation to the address was made at the
   * same moment (the database's unique index decided).
   */
  create(input: {
    email: string;
    invitedBy: UserId;
    digest: string;
    expiresAt: number;
  }): Promise<{ ok: true; value: { id: string; replaced: number } } | { ok: false; conflict: 'email' }>;
  find(id: string): Promise<Invitation | null>;
  /** Keeps a refused form's draft on a live link; false when the link is no longer live. */
  saveDraft(id: string, draft: RegistrationDraft): Promise<boolean>;
  /** Marks the link used by `userId` if it is still live (one of two racing registrations wins). */
  complete(id: string, userId: UserId): Promise<boolean>;
  /** Unfinished links expired before now whose inviter was not told yet, oldest first. */
  expiredUnnotified(limit: number): Promise<Invitation[]>;
  /** Records that the inviter was told; false when already recorded (the inviter is told once). */
  markExpiryNotified(id: string): Promise<boolean>;
}
