import { describe, expect, it } from 'vitest';
import { DEFAULT_CLAIMS } from '../../domain/identity-providers.js';
import { identityOf } from './strategy.js';

const provider = { claims: DEFAULT_CLAIMS, metadata: { issuer: 'https://login.microsoftonline.com/tid/v2.0' } };

describe('the identity an upstream ID token describes', () => {
  it('Entra ID without an email claim: its user principal name (preferred_username) is the provider’s own, and counts as verified', () => {
    const identity = identityOf(provider, {
      sub: 's1',
      oid: 'o1',
      preferred_username: 'Jane_Tan@Agency.gov.sg',
      given_name: 'Jane',
      amr: ['pwd', 'mfa'],
    });
    expect(identity).toMatchObject({ subject: 's1', email: 'jane_tan@agency.gov.sg', emailVerified: true, givenName: 'Jane', amr: ['pwd', 'mfa'] });
  });

  it('an email claim counts as verified only with email_verified true', () => {
    expect(identityOf(provider, { sub: 's', email: 'a@b.gov.sg', email_verified: true })?.emailVerified).toBe(true);
    expect(identityOf(provider, { sub: 's', email: 'a@b.gov.sg' })?.emailVerified).toBe(false);
    expect(identityOf(provider, { sub: 's', email: 'a@b.gov.sg', email_verified: false })?.emailVerified).toBe(false);
    // A directory name the provider says is unverified is not taken either.
    expect(identityOf(provider, { sub: 's', upn: 'a@b.gov.sg', email_verified: false })?.emailVerified).toBe(false);
  });

  it('has no identity without the subject claim, and never falls back to another claim for it', () => {
    expect(identityOf(provider, { email: 'a@b.gov.sg', email_verified: true })).toBeNull();
    expect(identityOf({ ...provider, claims: { ...DEFAULT_CLAIMS, subject: 'oid' } }, { sub: 's', email: 'a@b.gov.sg' })).toBeNull();
    expect(identityOf({ ...provider, claims: { ...DEFAULT_CLAIMS, subject: 'oid' } }, { sub: 's', oid: 'o' })?.subject).toBe('o');
  });

  it('keeps only the string values of the provider’s amr', () => {
    expect(identityOf(provider, { sub: 's', amr: ['pwd', 3, null, 'otp'] })?.amr).toEqual(['pwd', 'otp']);
    expect(identityOf(provider, { sub: 's', amr: 'pwd' })?.amr).toEqual([]);
  });
});
