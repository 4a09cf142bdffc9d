import { describe, expect, it } from 'vitest';
import { checkRegistration, draftOf, inviterRefusal, linkState } from './invitations.js';

const form = {
  username: 'Priya_Nair',
  givenName: ' Priya ',
  familyName: 'Nair',
  mobile: '+65 9123 4567',
  department: 'Digital Services',
  businessOperation: 'onshore',
  password: 'A-Long-Password-2026',
  confirm: 'A-Long-Password-2026',
};

describe('invitations', () => {
  it('lets only an active, unlocked officer invite', () => {
    expect(inviterRefusal({ accountType: 'officer', status: 'active', lockedAt: null })).toBeNull();
    expect(inviterRefusal({ accountType: 'vendor', status: 'active', lockedAt: null })).toBe('not_officer');
    expect(inviterRefusal({ accountType: 'officer', status: 'pending', lockedAt: null })).toBe('not_active');
    expect(inviterRefusal({ accountType: 'officer', status: 'disabled', lockedAt: null })).toBe('not_active');
    expect(inviterRefusal({ accountType: 'officer', status: 'active', lockedAt: 5 })).toBe('locked');
  });

  it('tells a live link from a used, replaced or expired one', () => {
    const link = { completedAt: null, replacedAt: null, expiresAt: 1000 };
    expect(linkState(link, 999)).toBe('live');
    expect(linkState(link, 1000)).toBe('expired');
    expect(linkState({ ...link, replacedAt: 5 }, 10)).toBe('replaced');
    expect(linkState({ ...link, completedAt: 5, replacedAt: 6 }, 2000)).toBe('completed');
  });

  it('reads a complete form as an active officer account with a local username', () => {
    const checked = checkRegistration('Priya.Nair@Partner.example.com', form, 'techpass.local');
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.value.account).toMatchObject({
      email: 'priya.nair@partner.example.com',
      username: 'priya_nair',
      givenName: 'Priya',
      accountType: 'officer',
      status: 'active',
      profile: { mobile: '+6591234567', businessOperation: 'onshore', reportingOfficerEmail: null, companyAddress: null },
    });
    const local = checkRegistration('p@partner.example.com', { ...form, username: 'priya_nair@techpass.local' }, 'techpass.local');
    expect(local.ok && local.value.account.username).toBe('priya_nair');
  });

  it('answers every field problem at once, and an offshore user needs the reporting officer and company address', () => {
    const checked = checkRegistration(
      'p@partner.example.com',
      { ...form, username: 'x', mobile: '123', businessOperation: 'offshore', confirm: 'other' },
      'techpass.local',
    );
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(Object.keys(checked.problems).sort()).toEqual(['companyAddress', 'confirm', 'mobile', 'reportingOfficer', 'username']);
    const empty = checkRegistration('p@partner.example.com', {}, 'techpass.local');
    expect(empty.ok).toBe(false);
    if (empty.ok) return;
    expect(Object.keys(empty.problems).sort()).toEqual([
      'businessOperation',
      'department',
      'familyName',
      'givenName',
      'mobile',
      'password',
      'username',
    ]);
  });

  it('keeps a draft without the password', () => {
    const draft = draftOf(form, { mobile: 'bad' });
    expect(draft.values).not.toHaveProperty('password');
    expect(draft.values).not.toHaveProperty('confirm');
    expect(draft.values.givenName).toBe(' Priya ');
    expect(draft.problems).toEqual({ mobile: 'bad' });
  });
});
