import { describe, expect, it } from 'vitest';
import { operatorCaller, type Caller } from './authorization.js';
import {
  mayChangeUserStatus,
  mayCreateVendor,
  mayInvite,
  mayListFactors,
  mayListUsers,
  mayReadUser,
  mayRemoveFactor,
  mayResetMfa,
  mayUpdateUser,
  userListView,
} from './authorization-users.js';
import type { NamespaceId, UserId } from './ids.js';
import { checkProfileChanges, effectiveChanges, normaliseProfileChanges } from './user-directory.js';
import type { User } from './users.js';

const alpha = { id: 'ns_alpha' as NamespaceId, name: 'alpha' };
const beta = { id: 'ns_beta' as NamespaceId, name: 'beta' };
const me = 'usr_me' as UserId;
const other = 'usr_other' as UserId;
const caller = (platformAdmin: boolean, adminOf: NamespaceId[]): Caller => ({
  userId: me,
  email: 'me@agency.gov.sg',
  platformAdmin,
  adminOf: new Set(adminOf),
  via: 'access_token',
});
const user = caller(false, []);
const alphaAdmin = caller(false, [alpha.id]);
const platform = caller(true, []);
const allowed = (d: { allow: boolean }) => d.allow;

describe('authorization of accounts', () => {
  it('lets admins search, platform admins see whole accounts and tenant admins summaries', () => {
    expect([user, alphaAdmin, platform].map((c) => allowed(mayListUsers(c)))).toEqual([false, true, true]);
    expect([alphaAdmin, platform].map(userListView)).toEqual(['minimal', 'full']);
  });

  it('lets a person read and update their own profile, but not their e-mail; a platform admin anyone’s', () => {
    expect(allowed(mayReadUser(user, me))).toBe(true);
    expect(allowed(mayReadUser(alphaAdmin, other))).toBe(false);
    expect(allowed(mayUpdateUser(user, me, { department: 'x' } as never))).toBe(true);
    expect(allowed(mayUpdateUser(user, me, { email: 'new@agency.gov.sg' }))).toBe(false);
    expect(allowed(mayUpdateUser(platform, other, { email: 'new@agency.gov.sg' }))).toBe(true);
    // The operator names no account: it is never "self".
    expect(allowed(mayReadUser(operatorCaller('cli:root'), 'cli:root' as UserId))).toBe(true);
    expect(allowed(mayRemoveFactor(operatorCaller('cli:root'), 'cli:root' as UserId))).toBe(true);
  });

  it('keeps status changes to platform admins, and refuses removing one’s own factor (it needs a fresh second factor)', () => {
    expect([user, alphaAdmin, platform].map((c) => allowed(mayChangeUserStatus(c, other)))).toEqual([false, false, true]);
    expect(allowed(mayListFactors(user, me))).toBe(true);
    const own = mayRemoveFactor(platform, me);
    expect(own.allow).toBe(false);
    expect(own.allow ? '' : own.reason).toBe('fresh_sign_in_required');
    expect(allowed(mayRemoveFactor(platform, other))).toBe(true);
    expect(allowed(mayRemoveFactor(user, other))).toBe(false);
  });

  it('keeps resetting MFA to platform admins, for someone else (the operator too), never for oneself', () => {
    expect([user, alphaAdmin, platform].map((c) => allowed(mayResetMfa(c, other)))).toEqual([false, false, true]);
    const own = mayResetMfa(platform, me);
    expect(own.allow ? '' : own.message).toMatch(/another platform admin/);
    expect(allowed(mayResetMfa(user, me))).toBe(false);
    expect(allowed(mayResetMfa(operatorCaller('cli:root'), other))).toBe(true);
  });

  it('lets a tenant admin create vendors in their namespace only, and people invite; the operator has no account to invite as', () => {
    expect(allowed(mayCreateVendor(alphaAdmin, alpha))).toBe(true);
    expect(allowed(mayCreateVendor(alphaAdmin, beta))).toBe(false);
    expect(allowed(mayCreateVendor(user, alpha))).toBe(false);
    expect(allowed(mayCreateVendor(platform, beta))).toBe(true);
    expect([user, alphaAdmin, platform].map((c) => allowed(mayInvite(c)))).toEqual([true, true, true]);
    expect(allowed(mayInvite(operatorCaller('cli:root')))).toBe(false);
  });
});

describe('profile changes', () => {
  const zoe: User = {
    id: me,
    email: 'zoe@agency.gov.sg',
    username: null,
    givenName: 'Zoe',
    familyName: 'Lim',
    accountType: 'officer',
    status: 'active',
    platformRole: null,
    hasPassword: true,
    failedSignIns: 0,
    lockedAt: null,
    createdAt: 0,
    updatedAt: 0,
    lastSignInAt: null,
    profile: { mobile: null, agency: 'GovTech', department: null, businessOperation: null, reportingOfficerEmail: null, companyAddress: null },
  };

  it('normalises: trimmed names, lower-cased e-mails, mobiles in E.164, empty optional fields removed', () => {
    expect(normaliseProfileChanges({ email: ' Zoe@Tech.gov.SG ', givenName: ' Zoë ', mobile: '+65 9123-4567', department: '' })).toEqual({
      ok: true,
      changes: { email: 'zoe@tech.gov.sg', givenName: 'Zoë', mobile: '+6591234567', department: null },
    });
    expect(normaliseProfileChanges({ mobile: '12345' })).toMatchObject({ ok: false, problem: { field: 'mobile' } });
    expect(normaliseProfileChanges({ familyName: ' ' })).toMatchObject({ ok: false, problem: { field: 'familyName' } });
    expect(normaliseProfileChanges({ businessOperation: 'moon' })).toMatchObject({ ok: false, problem: { field: 'businessOperation' } });
  });

  it('checks the account as it would be: an offshore user needs a reporting officer and a company address', () => {
    expect(checkProfileChanges(zoe, { businessOperation: 'offshore' })).toMatchObject({ field: 'reportingOfficerEmail' });
    expect(
      checkProfileChanges(zoe, { businessOperation: 'offshore', reportingOfficerEmail: 'boss@agency.gov.sg', companyAddress: '1 Way' }),
    ).toBeNull();
    expect(checkProfileChanges(zoe, { email: 'nope' })).toMatchObject({ field: 'email' });
    expect(effectiveChanges(zoe, { givenName: 'Zoe', familyName: 'Tan', mobile: null })).toEqual({ familyName: 'Tan' });
  });
});
