import { describe, expect, it } from 'vitest';
import { transition, type SignInFlow } from './flows/sign-in.js';
import { asUserId } from './ids.js';
import { onboardingLinkState, policiesOwed, signUpEligibility, type SignUpRules } from './onboarding.js';

const rules: SignUpRules = {
  selfSignUp: ['agency.gov.sg', '*.statutory.gov.sg'],
  inviteOnly: ['partner.com.sg'],
  mailboxless: [
    { domain: 'techpass.local', reason: 'local IDs are names' },
    { domain: 'shared.gov.sg', reason: 'no mailbox' },
  ],
};

describe('who may sign up', () => {
  it('by domain: self sign-up (exact or below a wildcard), invite-only, mailbox-less with its reason, else refused', () => {
    expect(signUpEligibility(' Jane@Agency.gov.sg ', rules)).toEqual({ kind: 'eligible', domain: 'agency.gov.sg' });
    expect(signUpEligibility('a@hq.statutory.gov.sg', rules)).toEqual({ kind: 'eligible', domain: 'hq.statutory.gov.sg' });
    expect(signUpEligibility('a@statutory.gov.sg', rules)).toEqual({ kind: 'not_eligible', domain: 'statutory.gov.sg' });
    expect(signUpEligibility('a@partner.com.sg', rules)).toEqual({ kind: 'invite_only', domain: 'partner.com.sg' });
    expect(signUpEligibility('a@shared.gov.sg', rules)).toEqual({ kind: 'mailboxless', domain: 'shared.gov.sg', reason: 'no mailbox' });
    expect(signUpEligibility('a@techpass.local', rules)).toMatchObject({ kind: 'mailboxless' });
    expect(signUpEligibility('a@gmail.com', rules)).toEqual({ kind: 'not_eligible', domain: 'gmail.com' });
    for (const bad of ['', 'jane', 'jane@', '@agency.gov.sg', 'a b@agency.gov.sg', `${'x'.repeat(250)}@agency.gov.sg`]) {
      expect(signUpEligibility(bad, rules), bad).toEqual({ kind: 'invalid' });
    }
  });

  it('a mailbox-less domain is refused even when it is also listed for self sign-up', () => {
    expect(signUpEligibility('a@shared.gov.sg', { ...rules, selfSignUp: ['shared.gov.sg'] })).toMatchObject({ kind: 'mailboxless' });
  });
});

describe('onboarding links and platform policies', () => {
  const link = { expiresAt: 100, usedAt: null, revokedAt: null };
  it('a link is live until it is used, replaced or expires', () => {
    expect(onboardingLinkState(link, 99)).toBe('live');
    expect(onboardingLinkState(link, 100)).toBe('expired');
    expect(onboardingLinkState({ ...link, usedAt: 5 }, 200)).toBe('used');
    expect(onboardingLinkState({ ...link, revokedAt: 5 }, 50)).toBe('replaced');
  });

  it('owes the policies whose accepted version is older than the current one (no acceptance counts as version 1)', () => {
    expect(policiesOwed({ privacy: 1, terms: 1 }, { privacy: 1, terms: 1 })).toEqual([]);
    expect(policiesOwed({ privacy: 1, terms: 3 }, { privacy: 2, terms: 3 })).toEqual(['privacy']);
    expect(policiesOwed({ privacy: null, terms: null }, { privacy: 1, terms: 1 })).toEqual([]);
    expect(policiesOwed({ privacy: null, terms: null }, { privacy: 1, terms: 2 })).toEqual(['terms']);
  });
});

describe('the sign-in’s policies step', () => {
  const flow = (state: SignInFlow['state'], context: Partial<SignInFlow['context']> = {}): SignInFlow => ({
    id: 'flw_1',
    kind: 'sign-in',
    state,
    interactionUid: 'uid',
    userId: asUserId('usr_1'),
    requestedAal: 1,
    methodsDone: ['pwd'],
    context: { clientId: 'app_1', applicationName: 'App', ...context },
    csrf: 'c',
    expiresAt: 10_000,
    version: 0,
    createdAt: 0,
    updatedAt: 0,
  });
  const versions = { privacy: 2, terms: 1 };

  it('comes after MFA when policies are owed, and only accepting it completes the sign-in', () => {
    const first = transition(
      flow('password'),
      { type: 'password_verified', userId: asUserId('usr_1'), next: { kind: 'factors', owed: ['otp'], policies: versions } },
      1,
    );
    if (!first.ok) throw new Error('not moved');
    expect(first.flow).toMatchObject({ state: 'factors', context: { policiesOwed: versions } });
    const verified = transition(first.flow, { type: 'factor_verified', method: 'otp' }, 2);
    expect(verified).toMatchObject({ ok: true, flow: { state: 'policies', methodsDone: ['pwd', 'otp'] } });
    if (!verified.ok) return;
    expect(transition(verified.flow, { type: 'terms_accepted' }, 3)).toEqual({ ok: false, reason: 'not_allowed' });
    expect(transition(verified.flow, { type: 'complete' }, 3)).toEqual({ ok: false, reason: 'not_allowed' });
    const accepted = transition(verified.flow, { type: 'policies_accepted' }, 3);
    expect(accepted).toMatchObject({ ok: true, flow: { state: 'completed' } });
    if (accepted.ok) expect(accepted.flow.context.policiesOwed).toBeUndefined();
  });

  it('an onboarding enrols MFA first, then the policies; without policies owed MFA completes as before', () => {
    const offer = { sealedSeed: 's', methods: ['otp' as const] };
    const onboarding = transition(
      flow('federating'),
      {
        type: 'federated',
        userId: asUserId('usr_1'),
        login: 'a@agency.gov.sg',
        provider: 'wog',
        next: { kind: 'enrol', ...offer, policies: versions, onboarding: { linkId: 'onb_1' } },
      },
      1,
    );
    if (!onboarding.ok) throw new Error('not moved');
    expect(onboarding.flow).toMatchObject({ state: 'enrol', context: { onboarding: { linkId: 'onb_1' } } });
    expect(transition(onboarding.flow, { type: 'factor_enrolled', method: 'otp' }, 2)).toMatchObject({ ok: true, flow: { state: 'policies' } });
    const plain = transition(flow('factors', { factorsOwed: ['otp'] }), { type: 'factor_verified', method: 'otp' }, 2);
    expect(plain).toMatchObject({ ok: true, flow: { state: 'completed' } });
    expect(transition(flow('policies', { policiesOwed: versions }), { type: 'refuse', refusal: 'locked' }, 2)).toMatchObject({
      ok: true,
      flow: { state: 'refused' },
    });
  });
});
