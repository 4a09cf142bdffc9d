import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { BUILT_IN_PRIVACY_POLICY, loadPolicyTexts } from './policies.js';

describe('sign-up and policy settings', () => {
  it('read domain lists lower-cased, with wildcards; refuse what is not a domain, naming the setting', () => {
    const config = loadConfig({ SIGN_UP_DOMAINS: 'Agency.gov.sg, *.Statutory.gov.sg.', SIGN_UP_INVITE_ONLY_DOMAINS: 'partner.com.sg' });
    expect(config.SIGN_UP_DOMAINS).toEqual(['agency.gov.sg', '*.statutory.gov.sg']);
    expect(config.SIGN_UP_INVITE_ONLY_DOMAINS).toEqual(['partner.com.sg']);
    expect(config.SIGN_UP_MAILBOXLESS_DOMAINS).toEqual([]);
    expect(config.ONBOARDING_LINK_TTL).toBe(30 * 86_400);
    expect(() => loadConfig({ SIGN_UP_DOMAINS: 'agency.gov.sg,not a domain' })).toThrow(ConfigError);
    expect(() => loadConfig({ SIGN_UP_DOMAINS: 'not a domain' })).toThrow(/^SIGN_UP_DOMAINS: comma-separated e-mail domains/);
  });

  it('use the built-in policy texts at version 1 unless configured; an unreadable file stops the start', () => {
    const texts = loadPolicyTexts(loadConfig({ TERMS_OF_USE_VERSION: '3' }));
    expect(texts.privacy).toEqual({ version: 1, text: BUILT_IN_PRIVACY_POLICY });
    expect(texts.terms.version).toBe(3);
    expect(() => loadPolicyTexts(loadConfig({ PRIVACY_POLICY_FILE: '/nonexistent/privacy.txt' }))).toThrow(/^PRIVACY_POLICY_FILE: cannot read/);
    expect(() => loadConfig({ PRIVACY_POLICY_VERSION: '0' })).toThrow(/^PRIVACY_POLICY_VERSION/);
  });
});
