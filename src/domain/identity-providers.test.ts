import { describe, expect, it } from 'vitest';
import { mapClaims } from './federated-identities.js';
import {
  checkIssuer,
  checkProviderSettings,
  DEFAULT_CLAIMS,
  describeDomainConflict,
  federationCallbackUrl,
  findDomainConflict,
  normaliseDomains,
  providerForEmail,
  servesEmail,
  type ProviderSettings,
} from './identity-providers.js';

const settings = (over: Partial<ProviderSettings> = {}): ProviderSettings => ({
  name: 'wog-entra',
  displayName: 'WOG (Microsoft Entra ID)',
  issuer: 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0',
  clientId: '6731de76-14a6-49ae-97bc-6eba6914391e',
  scopes: ['openid', 'email', 'profile'],
  domains: ['*.gov.sg'],
  claims: { ...DEFAULT_CLAIMS },
  endSession: false,
  ...over,
});

describe('identity provider settings', () => {
  it('accepts a complete Entra ID registration', () => {
    expect(checkProviderSettings(settings())).toBeNull();
  });

  it('names the field of the first problem', () => {
    expect(checkProviderSettings(settings({ name: 'WOG' }))).toMatchObject({ field: 'name' });
    expect(checkProviderSettings(settings({ name: 'a' }))).toMatchObject({ field: 'name' });
    expect(checkProviderSettings(settings({ name: 'wog-' }))).toMatchObject({ field: 'name' });
    expect(checkProviderSettings(settings({ displayName: ' ' }))).toMatchObject({ field: 'displayName' });
    expect(checkProviderSettings(settings({ issuer: 'login.microsoftonline.com' }))).toMatchObject({ field: 'issuer' });
    expect(checkProviderSettings(settings({ clientId: '' }))).toMatchObject({ field: 'clientId' });
    expect(checkProviderSettings(settings({ clientId: 'has space' }))).toMatchObject({ field: 'clientId' });
    expect(checkProviderSettings(settings({ scopes: ['email', 'profile'] }))).toMatchObject({
      field: 'scopes',
      message: expect.stringMatching(/openid/),
    });
    expect(checkProviderSettings(settings({ scopes: ['openid', 'a"b'] }))).toMatchObject({ field: 'scopes' });
    expect(checkProviderSettings(settings({ domains: [] }))).toMatchObject({ field: 'domains' });
    expect(checkProviderSettings(settings({ domains: ['*.sg'] }))).toMatchObject({ field: 'domains', message: expect.stringMatching(/too broad/) });
    expect(checkProviderSettings(settings({ claims: { ...DEFAULT_CLAIMS, subject: '' } }))).toMatchObject({ field: 'claims' });
    expect(checkProviderSettings(settings({ claims: { ...DEFAULT_CLAIMS, email: [] } }))).toMatchObject({ field: 'claims' });
  });

  it('takes https issuers, and http only on loopback hosts', () => {
    expect(checkIssuer('https://idp.agency.gov.sg')).toBeNull();
    expect(checkIssuer('https://idp.agency.gov.sg/realms/officers/')).toBeNull();
    for (const loopback of ['http://127.0.0.1:4000', 'http://localhost:4000', 'http://idp.agency.gov.localhost:4000', 'http://[::1]:4000']) {
      expect(checkIssuer(loopback), loopback).toBeNull();
    }
    expect(checkIssuer('http://idp.agency.gov.sg')).toMatch(/https/);
    expect(checkIssuer('http://10.0.0.5')).toMatch(/https/);
    expect(checkIssuer('ftp://idp.agency.gov.sg')).toMatch(/https/);
    expect(checkIssuer('https://idp.agency.gov.sg/?tenant=1')).toMatch(/query/);
    expect(checkIssuer('https://idp.agency.gov.sg/#x')).toMatch(/fragment/);
    expect(checkIssuer('https://user:pw@idp.agency.gov.sg')).toMatch(/password/);
  });

  it('normalises domain lists and drops repeats', () => {
    expect(normaliseDomains([' Tech.GOV.sg', 'tech.gov.sg', '*.Hive.gov.sg'])).toEqual({ ok: true, value: ['tech.gov.sg', '*.hive.gov.sg'] });
    expect(normaliseDomains(['tech.gov.sg', 'bad domain'])).toMatchObject({ ok: false, message: expect.stringContaining('"bad domain"') });
  });

  it('makes one callback URL for every provider', () => {
    expect(federationCallbackUrl('https://techpass.gov.sg/')).toBe('https://techpass.gov.sg/login/federation/callback');
  });
});

describe('domains served by two providers', () => {
  const wog = { name: 'wog-entra', domains: ['*.gov.sg'] };
  const edu = { name: 'moe', domains: ['moe.edu.sg', '*.schools.edu.sg'] };

  it('refuses an exact repeat, a domain under a wildcard, and nested wildcards', () => {
    expect(findDomainConflict(['moe.edu.sg'], [wog, edu])).toEqual({ domain: 'moe.edu.sg', provider: 'moe', theirs: 'moe.edu.sg' });
    expect(findDomainConflict(['tech.gov.sg'], [wog, edu])).toEqual({ domain: 'tech.gov.sg', provider: 'wog-entra', theirs: '*.gov.sg' });
    expect(findDomainConflict(['*.tech.gov.sg'], [wog])).toMatchObject({ provider: 'wog-entra' });
    expect(findDomainConflict(['*.edu.sg'], [edu])).toMatchObject({ provider: 'moe', theirs: 'moe.edu.sg' });
  });

  it('lets the apex of a wildcard go to another provider', () => {
    expect(findDomainConflict(['gov.sg'], [wog])).toBeNull();
    expect(findDomainConflict(['nus.edu.sg', 'schools.edu.sg'], [edu])).toBeNull();
  });

  it('explains the conflict', () => {
    expect(describeDomainConflict({ domain: 'tech.gov.sg', provider: 'wog-entra', theirs: '*.gov.sg' })).toBe(
      'domain tech.gov.sg overlaps *.gov.sg, served by provider wog-entra: an address could belong to both, and each belongs to one provider',
    );
  });
});

describe('home-realm discovery', () => {
  const providers = [
    { name: 'off', enabled: false, domains: ['hive.gov.sg'] },
    { name: 'wog', enabled: true, domains: ['*.gov.sg', 'gov.sg'] },
    { name: 'moe', enabled: true, domains: ['moe.edu.sg'] },
  ];

  it('finds the enabled provider serving the address, case-insensitively', () => {
    expect(providerForEmail(providers, 'Jane_Tan@TECH.gov.sg')?.name).toBe('wog');
    expect(providerForEmail(providers, 'minister@gov.sg')?.name).toBe('wog');
    expect(providerForEmail(providers, 'teacher@moe.edu.sg')?.name).toBe('moe');
  });

  it('finds none for other domains, for a disabled provider, or for a local TechPass ID', () => {
    expect(providerForEmail(providers, 'vendor@example.com')).toBeNull();
    expect(providerForEmail(providers.slice(0, 1), 'a@hive.gov.sg')).toBeNull();
    expect(providerForEmail(providers, 'jane_tan')).toBeNull();
  });

  it('tells whether a provider serves an address', () => {
    expect(servesEmail({ domains: ['*.gov.sg'] }, 'a@b.gov.sg')).toBe(true);
    expect(servesEmail({ domains: ['*.gov.sg'] }, 'a@gov.sg')).toBe(false);
  });
});

describe('claim mapping', () => {
  it('reads an Entra ID token that has no email claim through preferred_username', () => {
    const entra = {
      sub: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ',
      oid: '00000000-0000-0000-66f3-3332eca7ea81',
      preferred_username: 'Jane_Tan@Tech.gov.sg',
      name: 'Jane Tan',
    };
    expect(mapClaims(entra, DEFAULT_CLAIMS)).toEqual({
      subject: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ',
      email: 'jane_tan@tech.gov.sg',
      emailVerified: null,
      givenName: null,
      familyName: null,
      agency: null,
      department: null,
    });
    expect(mapClaims(entra, { ...DEFAULT_CLAIMS, subject: 'oid' })?.subject).toBe('00000000-0000-0000-66f3-3332eca7ea81');
  });

  it('reads a plain OIDC token, first candidate present wins', () => {
    const claims = {
      sub: 'u1',
      email: 'a@b.gov.sg',
      email_verified: true,
      given_name: 'Ann',
      family_name: 'Lim',
      companyname: 'GovTech',
      department: '',
    };
    expect(mapClaims(claims, DEFAULT_CLAIMS)).toMatchObject({
      email: 'a@b.gov.sg',
      emailVerified: true,
      givenName: 'Ann',
      agency: 'GovTech',
      department: null,
    });
  });

  it('cannot link an identity without its subject claim, and never falls back to another claim', () => {
    expect(mapClaims({ oid: 'x', email: 'a@b.gov.sg' }, DEFAULT_CLAIMS)).toBeNull();
    expect(mapClaims({ sub: 42 }, DEFAULT_CLAIMS)).toBeNull();
  });
});
