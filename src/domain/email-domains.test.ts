import { describe, expect, it } from 'vitest';
import { checkDomainPattern, domainMatches, emailDomain, normaliseDomainPattern, patternsOverlap } from './email-domains.js';

describe('e-mail domain patterns', () => {
  it('normalises case, spaces and a trailing dot', () => {
    expect(normaliseDomainPattern('  Tech.GOV.sg. ')).toBe('tech.gov.sg');
    expect(normaliseDomainPattern('*.Gov.SG')).toBe('*.gov.sg');
  });

  it('accepts domains and wildcards below a domain of two labels or more', () => {
    for (const ok of ['gov.sg', 'tech.gov.sg', 'agency.gov.localhost', 'xn--bcher-kva.example', '*.gov.sg', '*.hq.mindef.gov.sg', 'a-b.c1.sg']) {
      expect(checkDomainPattern(ok), ok).toBeNull();
    }
  });

  it('refuses what is not a domain, with the reason', () => {
    expect(checkDomainPattern('')).toBe('is empty');
    expect(checkDomainPattern('sg')).toMatch(/at least two labels/);
    expect(checkDomainPattern('*.sg')).toMatch(/too broad/);
    expect(checkDomainPattern('*')).toMatch(/wildcard/);
    expect(checkDomainPattern('tech.*.gov.sg')).toMatch(/first label/);
    expect(checkDomainPattern('*.*.gov.sg')).toMatch(/one wildcard/);
    expect(checkDomainPattern('tech..gov.sg')).toMatch(/empty label/);
    expect(checkDomainPattern('-tech.gov.sg')).toMatch(/dash/);
    expect(checkDomainPattern('tech_1.gov.sg')).toMatch(/letters, digits or dashes/);
    expect(checkDomainPattern('10.0.0.1')).toMatch(/IP address/);
    expect(checkDomainPattern(`${'a'.repeat(64)}.sg`)).toMatch(/1–63/);
  });

  it('finds the domain of an address, lower-cased', () => {
    expect(emailDomain('Jane_Tan@Tech.GOV.sg')).toBe('tech.gov.sg');
    expect(emailDomain('"odd@name"@agency.gov.sg')).toBe('agency.gov.sg');
    expect(emailDomain('no-at-sign')).toBeNull();
    expect(emailDomain('@gov.sg')).toBeNull();
    expect(emailDomain('jane@')).toBeNull();
  });

  it('matches a wildcard to every domain below it, at any depth, but not to the domain itself', () => {
    expect(domainMatches('*.gov.sg', 'tech.gov.sg')).toBe(true);
    expect(domainMatches('*.gov.sg', 'hq.mindef.gov.sg')).toBe(true);
    expect(domainMatches('*.gov.sg', 'gov.sg')).toBe(false);
    expect(domainMatches('*.gov.sg', 'notgov.sg')).toBe(false);
    expect(domainMatches('gov.sg', 'gov.sg')).toBe(true);
    expect(domainMatches('gov.sg', 'tech.gov.sg')).toBe(false);
  });

  it('says two patterns overlap exactly when one address could match both', () => {
    const cases: Array<[string, string, boolean]> = [
      ['tech.gov.sg', 'tech.gov.sg', true],
      ['tech.gov.sg', 'hive.gov.sg', false],
      ['*.gov.sg', 'tech.gov.sg', true],
      ['*.gov.sg', 'gov.sg', false],
      ['*.gov.sg', '*.gov.sg', true],
      ['*.gov.sg', '*.tech.gov.sg', true],
      ['*.tech.gov.sg', 'tech.gov.sg', false],
      ['*.gov.sg', '*.edu.sg', false],
      ['*.gov.sg', 'agov.sg', false],
    ];
    for (const [a, b, overlap] of cases) {
      expect(patternsOverlap(a, b), `${a} / ${b}`).toBe(overlap);
      expect(patternsOverlap(b, a), `${b} / ${a}`).toBe(overlap);
    }
  });
});
