import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_TYPE_RULES,
  changeStatus,
  changeTowards,
  lifecycleApplies,
  mayCreate,
  missingField,
  STATUS_CHANGES,
  TRANSITIONS,
  type StatusChange,
} from './account-status.js';
import { checkProfile, localTechpassId, localUsernameOf, normaliseMobile, standingRefusal, USER_STATUSES, type UserStatus } from './users.js';

/** The table as the reference states it: from → change → to. Everything else is refused. */
const ALLOWED: Array<[UserStatus, StatusChange, UserStatus]> = [
  ['pending', 'activate', 'active'],
  ['active', 'disable', 'disabled'],
  ['disabled', 'enable', 'active'],
  ['pending', 'terminate', 'terminated'],
  ['active', 'terminate', 'terminated'],
  ['disabled', 'terminate', 'terminated'],
  ['under_investigation', 'terminate', 'terminated'],
  ['high_risk', 'terminate', 'terminated'],
  ['active', 'investigation_on', 'under_investigation'],
  ['under_investigation', 'investigation_off', 'active'],
  ['active', 'high_risk_on', 'high_risk'],
  ['under_investigation', 'high_risk_on', 'high_risk'],
  ['high_risk', 'high_risk_off', 'active'],
];

describe('account status transitions', () => {
  it('allows exactly the transitions of the table', () => {
    for (const from of USER_STATUSES) {
      for (const change of STATUS_CHANGES) {
        const expected = ALLOWED.find(([f, c]) => f === from && c === change);
        const answer = changeStatus({ status: from }, change);
        if (expected) expect(answer, `${from} ${change}`).toEqual({ ok: true, change, from, to: expected[2] });
        else expect(answer.ok, `${from} ${change}`).toBe(false);
      }
    }
    expect(Object.values(TRANSITIONS).reduce((n, t) => n + t.from.length, 0)).toBe(ALLOWED.length);
  });

  it('says why a change is refused: terminated is final, a status already held, or not from here', () => {
    for (const change of STATUS_CHANGES) {
      expect(changeStatus({ status: 'terminated' }, change)).toMatchObject({ ok: false, refusal: 'terminated' });
    }
    expect(changeStatus({ status: 'disabled' }, 'disable')).toMatchObject({
      ok: false,
      refusal: 'unchanged',
      message: 'the account is already disabled',
    });
    const refused = changeStatus({ status: 'pending' }, 'disable');
    expect(refused).toMatchObject({ ok: false, refusal: 'not_allowed' });
    expect(!refused.ok && refused.message).toBe('a pending account cannot be disabled (only active)');
    expect(changeStatus({ status: 'disabled' }, 'high_risk_on')).toMatchObject({ ok: false, refusal: 'not_allowed' });
  });

  it('finds the change towards a status asked for by name', () => {
    expect(changeTowards('pending', 'active')).toBe('activate');
    expect(changeTowards('disabled', 'active')).toBe('enable');
    expect(changeTowards('under_investigation', 'active')).toBe('investigation_off');
    expect(changeTowards('high_risk', 'active')).toBe('high_risk_off');
    expect(changeTowards('active', 'disabled')).toBe('disable');
    expect(changeTowards('disabled', 'terminated')).toBe('terminate');
    expect(changeTowards('active', 'under_investigation')).toBe('investigation_on');
  });

  it('lets only an active, unlocked account sign in, and tells a pending one to finish its set-up', () => {
    const refusals = Object.fromEntries(USER_STATUSES.map((status) => [status, standingRefusal({ status, lockedAt: null })]));
    expect(refusals).toEqual({
      pending: 'account_pending',
      active: null,
      disabled: 'account_inactive',
      terminated: 'account_inactive',
      under_investigation: 'account_inactive',
      high_risk: 'reported',
    });
    expect(standingRefusal({ status: 'active', lockedAt: 1 })).toBe('locked');
  });
});

describe('account types', () => {
  it('has a rule for each type: who creates it, what it needs, whether the lifecycle applies', () => {
    expect(Object.keys(ACCOUNT_TYPE_RULES).sort()).toEqual(['officer', 'other', 'product', 'temp', 'vendor']);
    expect(mayCreate('self_sign_up', 'officer')).toBe(true);
    expect(mayCreate('public_officer', 'officer')).toBe(true);
    expect(mayCreate('self_sign_up', 'vendor')).toBe(false);
    expect(mayCreate('public_officer', 'vendor')).toBe(false);
    expect(mayCreate('tenant_admin', 'vendor')).toBe(true);
    expect(mayCreate('tenant_admin', 'product')).toBe(false);
    for (const type of ['officer', 'vendor', 'temp', 'product', 'other'] as const) expect(mayCreate('platform_admin', type)).toBe(true);
    expect(missingField('vendor', { email: 'ravi@vendor.com.sg', username: null })).toBe('username');
    expect(missingField('vendor', { email: 'ravi@vendor.com.sg', username: 'ravi_kumar' })).toBeNull();
    expect(missingField('officer', { email: 'jane@agency.gov.sg' })).toBeNull();
    expect(lifecycleApplies('product')).toBe(false);
    for (const type of ['officer', 'vendor', 'temp', 'other'] as const) expect(lifecycleApplies(type)).toBe(true);
  });
});

describe('profile', () => {
  it('normalises mobile numbers to E.164 and refuses what is not one', () => {
    expect(normaliseMobile('+65 9123 4567')).toBe('+6591234567');
    expect(normaliseMobile('0065-9123-4567')).toBe('+6591234567');
    expect(normaliseMobile(' +1 (415) 555-0100 ')).toBe('+14155550100');
    for (const bad of ['91234567', '+0 123 4567 89', '+65 9123', 'phone', '+65 9123 4567 8901 234']) expect(normaliseMobile(bad), bad).toBeNull();
  });

  it('requires an offshore user’s reporting officer and company address', () => {
    expect(checkProfile({ businessOperation: 'onshore' })).toBeNull();
    expect(checkProfile({ businessOperation: 'offshore' })).toMatchObject({ field: 'reportingOfficer' });
    expect(checkProfile({ businessOperation: 'offshore', reportingOfficerEmail: 'boss@agency.gov.sg' })).toMatchObject({ field: 'companyAddress' });
    expect(
      checkProfile({ businessOperation: 'offshore', reportingOfficerEmail: 'boss@agency.gov.sg', companyAddress: '1 Harbour Rd, Manila' }),
    ).toBeNull();
    expect(checkProfile({ reportingOfficerEmail: 'not an e-mail' })).toMatchObject({ field: 'reportingOfficer' });
    expect(checkProfile({ mobile: '+65 9123 4567' })).toMatchObject({ field: 'mobile' });
  });

  it('reads local TechPass IDs as name@<local domain>', () => {
    expect(localTechpassId('ravi_kumar', 'techpass.local')).toBe('ravi_kumar@techpass.local');
    expect(localTechpassId('ravi.kumar@contractor.sg', 'techpass.local')).toBe('ravi.kumar@contractor.sg');
    expect(localUsernameOf('Ravi_Kumar@TechPass.Local', 'techpass.local')).toBe('ravi_kumar');
    expect(localUsernameOf('ravi_kumar', 'techpass.local')).toBeNull();
    expect(localUsernameOf('@techpass.local', 'techpass.local')).toBeNull();
    expect(localUsernameOf('ravi@vendor.com.sg', 'techpass.local')).toBeNull();
  });
});
