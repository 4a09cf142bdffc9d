/**
 * Accounts and their states: which status changes are allowed (one explicit table),
 * and the rules of each account type. Flows apply a change only after `changeStatus`
 * answers ok, and audit it with the status before and after.
 *
 * An account's status is one of pending, active, disabled, terminated; "under
 * investigation" and "high risk" are flags kept in the same status column (as they were
 * before this table): raising one stops sign-in, lowering it makes the account active.
 */
import type { AccountType, User, UserStatus } from './users.js';

/** The changes an administrator, a journey or the system may ask for. */
export const STATUS_CHANGES = [
  'activate',
  'disable',
  'enable',
  'terminate',
  'investigation_on',
  'investigation_off',
  'high_risk_on',
  'high_risk_off',
] as const;
export type StatusChange = (typeof STATUS_CHANGES)[number];

const EVERY_STATUS_BUT_TERMINATED: readonly UserStatus[] = ['pending', 'active', 'disabled', 'under_investigation', 'high_risk'];

/** The transition table: for each change, the statuses it may start from and the status it leads to. */
export const TRANSITIONS: Readonly<Record<StatusChange, { from: readonly UserStatus[]; to: UserStatus }>> = {
  /** Onboarding finished (or an administrator activates a pending account). */
  activate: { from: ['pending'], to: 'active' },
  disable: { from: ['active'], to: 'disabled' },
  enable: { from: ['disabled'], to: 'active' },
  /** Terminal: nothing leaves `terminated`. */
  terminate: { from: EVERY_STATUS_BUT_TERMINATED, to: 'terminated' },
  investigation_on: { from: ['active'], to: 'under_investigation' },
  investigation_off: { from: ['under_investigation'], to: 'active' },
  /**
   * "No, it's not me": a disabled or terminated account keeps its status, and so does a
   * pending one (it cannot sign in yet, and clearing the risk would make it active without
   * its onboarding).
   */
  high_risk_on: { from: ['active', 'under_investigation'], to: 'high_risk' },
  high_risk_off: { from: ['high_risk'], to: 'active' },
};

export type StatusRefusal = 'terminated' | 'unchanged' | 'not_allowed';

export type StatusChangeAnswer =
  | { ok: true; change: StatusChange; from: UserStatus; to: UserStatus }
  | { ok: false; change: StatusChange; from: UserStatus; refusal: StatusRefusal; message: string };

/** Answers whether `change` may apply to this account now, and the status it leads to. */
export function changeStatus(user: Pick<User, 'status'>, change: StatusChange): StatusChangeAnswer {
  const from = user.status;
  const rule = TRANSITIONS[change];
  if (rule.from.includes(from)) return { ok: true, change, from, to: rule.to };
  if (from === 'terminated') {
    return { ok: false, change, from, refusal: 'terminated', message: 'the account is terminated; nothing changes a terminated account' };
  }
  if (from === rule.to) return { ok: false, change, from, refusal: 'unchanged', message: `the account is already ${describeStatus(from)}` };
  return {
    ok: false,
    change,
    from,
    refusal: 'not_allowed',
    message: `a ${describeStatus(from)} account cannot be ${CHANGE_PAST[change]} (only ${rule.from.map(describeStatus).join(' or ')})`,
  };
}

/** The statuses an administrator asks for by name (`techpass user set-status`). */
export const SETTABLE_STATUSES = ['active', 'disabled', 'terminated', 'under_investigation'] as const;
export type SettableStatus = (typeof SETTABLE_STATUSES)[number];

/**
 * The change that leads from the account's status to `target`: `active` means activate a
 * pending account, enable a disabled one, or end an investigation. Null when no change
 * leads there from this status (`changeStatus` then explains the refusal of the nearest one).
 */
export function changeTowards(from: UserStatus, target: SettableStatus): StatusChange {
  switch (target) {
    case 'disabled':
      return 'disable';
    case 'terminated':
      return 'terminate';
    case 'under_investigation':
      return 'investigation_on';
    case 'active':
      return from === 'pending'
        ? 'activate'
        : from === 'under_investigation'
          ? 'investigation_off'
          : from === 'high_risk'
            ? 'high_risk_off'
            : 'enable';
  }
}

const CHANGE_PAST: Record<StatusChange, string> = {
  activate: 'activated',
  disable: 'disabled',
  enable: 'enabled again',
  terminate: 'terminated',
  investigation_on: 'put under investigation',
  investigation_off: 'released from investigation',
  high_risk_on: 'marked high risk',
  high_risk_off: 'cleared of high risk',
};

export function describeStatus(status: UserStatus): string {
  return status.replace('_', ' ');
}

/** Who may create an account. */
export type AccountCreator = 'self_sign_up' | 'public_officer' | 'tenant_admin' | 'platform_admin';
export type AccountField = 'email' | 'username' | 'mobile' | 'department';

export interface AccountTypeRule {
  /** Who may create an account of this type. */
  createdBy: readonly AccountCreator[];
  /** The fields an account of this type must have when it is created (names and e-mail always). */
  requires: readonly AccountField[];
  /** Whether the lifecycle rules (reminders, disabling, terminating idle accounts) apply. */
  lifecycle: boolean;
}

/**
 * The account types and their rules. Public officers sign up themselves or are invited
 * (their integrated provider proves them); vendors are created by a tenant admin with a
 * local username; product accounts (test/training) are exempt from the lifecycle rules.
 * The platform admin may create every type (the CLI). Mobile numbers are required by the
 * vendor and registration journeys' forms; accounts created before they existed have none.
 */
export const ACCOUNT_TYPE_RULES: Readonly<Record<AccountType, AccountTypeRule>> = {
  officer: { createdBy: ['self_sign_up', 'public_officer', 'platform_admin'], requires: ['email'], lifecycle: true },
  vendor: { createdBy: ['tenant_admin', 'platform_admin'], requires: ['email', 'username'], lifecycle: true },
  temp: { createdBy: ['public_officer', 'platform_admin'], requires: ['email'], lifecycle: true },
  product: { createdBy: ['platform_admin'], requires: ['email'], lifecycle: false },
  other: { createdBy: ['public_officer', 'platform_admin'], requires: ['email'], lifecycle: true },
};

export function mayCreate(creator: AccountCreator, type: AccountType): boolean {
  return ACCOUNT_TYPE_RULES[type].createdBy.includes(creator);
}

/** The first field this account type requires that the new account lacks, or null. */
export function missingField(type: AccountType, fields: Partial<Record<AccountField, string | null>>): AccountField | null {
  return ACCOUNT_TYPE_RULES[type].requires.find((f) => !fields[f]) ?? null;
}

export function lifecycleApplies(type: AccountType): boolean {
  return ACCOUNT_TYPE_RULES[type].lifecycle;
}
