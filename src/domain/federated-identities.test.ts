import { describe, expect, it } from 'vitest';
import { profileFromProvider } from './federated-identities.js';

const account = (status: 'active' | 'pending', agency: string | null = null) => ({
  givenName: 'lim_wei',
  familyName: '',
  status,
  profile: { mobile: null, agency, department: null, businessOperation: null, reportingOfficerEmail: null, companyAddress: null },
});

describe('what a provider changes on an account', () => {
  it('sets the agency whenever the provider names another one, names only while the account is pending', () => {
    expect(profileFromProvider(account('active'), { agency: 'GovTech', givenName: 'Lim', familyName: 'Wei' })).toEqual({
      facts: { agency: 'GovTech' },
      changes: { agency: { from: null, to: 'GovTech' } },
    });
    expect(profileFromProvider(account('pending', 'GovTech'), { agency: 'GovTech', givenName: 'Lim', familyName: 'Wei' })).toEqual({
      facts: { givenName: 'Lim', familyName: 'Wei' },
      changes: { givenName: { from: 'lim_wei', to: 'Lim' }, familyName: { from: '', to: 'Wei' } },
    });
  });

  it('changes nothing when the provider says nothing new (or nothing)', () => {
    expect(profileFromProvider(account('active', 'GovTech'), { agency: 'GovTech' })).toBeNull();
    expect(profileFromProvider(account('pending'), {})).toBeNull();
  });
});
