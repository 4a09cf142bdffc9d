import { describe, expect, it } from 'vitest';
import { transition, type SignInFlow } from './flows/sign-in.js';
import { asUserId } from './ids.js';
import { activationCodeState, awaitsActivation, namesFromUsername, normaliseActivationCode, vendorUsername } from './vendors.js';

const flow = (state: SignInFlow['state'], extra: Partial<SignInFlow> = {}): SignInFlow => ({
  id: 'flw_1',
  kind: 'sign-in',
  state,
  interactionUid: 'uid',
  userId: null,
  requestedAal: 1,
  methodsDone: [],
  context: { clientId: 'app_1', applicationName: 'App' },
  csrf: 'c',
  expiresAt: 10_000,
  version: 0,
  createdAt: 0,
  updatedAt: 0,
  ...extra,
});

describe('vendor accounts', () => {
  it('reads a username as name or name@<local domain>, and refuses any other domain', () => {
    expect(vendorUsername('Ravi_Kumar', 'techpass.local')).toEqual({ ok: true, username: 'ravi_kumar' });
    expect(vendorUsername(' ravi_kumar@TechPass.local ', 'techpass.local')).toEqual({ ok: true, username: 'ravi_kumar' });
    expect(vendorUsername('ravi@vendor.com', 'techpass.local')).toMatchObject({ ok: false });
    expect(vendorUsername('ra', 'techpass.local')).toMatchObject({ ok: false });
    expect(vendorUsername('_ravi', 'techpass.local')).toMatchObject({ ok: false });
  });

  it('reads first and last names from a first_last username only', () => {
    expect(namesFromUsername('ravi_kumar')).toEqual({ givenName: 'Ravi', familyName: 'Kumar' });
    expect(namesFromUsername('mei.ling.tan')).toEqual({ givenName: 'Mei', familyName: 'Ling Tan' });
    expect(namesFromUsername('ravi')).toBeNull();
    expect(namesFromUsername('ravi_01')).toBeNull();
  });

  it('takes a code of 8 digits, with spaces or dashes between them', () => {
    expect(normaliseActivationCode('1234 5678')).toBe('12345678');
    expect(normaliseActivationCode('1234-5678')).toBe('12345678');
    expect(normaliseActivationCode('1234567')).toBeNull();
    expect(normaliseActivationCode('12345678a')).toBeNull();
  });

  it('says whether a code is live, expired or used (used stays used after its time)', () => {
    expect(activationCodeState(null, 5)).toBe('none');
    expect(activationCodeState({ expiresAt: 10, usedAt: null, createdAt: 0 }, 5)).toBe('live');
    expect(activationCodeState({ expiresAt: 10, usedAt: null, createdAt: 0 }, 10)).toBe('expired');
    expect(activationCodeState({ expiresAt: 10, usedAt: 3, createdAt: 0 }, 20)).toBe('used');
  });

  it('activates only a pending vendor that was given a code', () => {
    const code = { expiresAt: 10, usedAt: null, createdAt: 0 };
    expect(awaitsActivation({ accountType: 'vendor', status: 'pending' }, code)).toBe(true);
    expect(awaitsActivation({ accountType: 'vendor', status: 'active' }, code)).toBe(false);
    expect(awaitsActivation({ accountType: 'officer', status: 'pending' }, code)).toBe(false);
    expect(awaitsActivation({ accountType: 'vendor', status: 'pending' }, null)).toBe(false);
  });
});

describe('sign-in flow: a vendor’s activation', () => {
  const offer = { sealedSeed: 'sealed', methods: ['swk', 'otp', 'hwk'] as const };

  it('goes from identify to activate, then to a mandatory enrol step with the password done', () => {
    const asked = transition(flow('identify'), { type: 'activation_required', login: 'ravi_kumar@techpass.local' }, 1);
    expect(asked).toMatchObject({ ok: true, flow: { state: 'activate', context: { login: 'ravi_kumar@techpass.local' } } });
    if (!asked.ok) return;
    const verified = transition(
      asked.flow,
      { type: 'activation_verified', userId: asUserId('usr_v'), offer: { ...offer, methods: [...offer.methods] } },
      2,
    );
    expect(verified).toMatchObject({
      ok: true,
      flow: { state: 'enrol', userId: 'usr_v', methodsDone: ['pwd'], context: { activating: true, enrolment: { sealedSeed: 'sealed' } } },
    });
    if (!verified.ok) return;
    // Mandatory: the enrol step cannot be skipped.
    expect(transition(verified.flow, { type: 'enrol_skipped' }, 3)).toEqual({ ok: false, reason: 'not_allowed' });
    expect(transition(verified.flow, { type: 'factor_enrolled', method: 'otp' }, 3)).toMatchObject({ ok: true, flow: { state: 'completed' } });
  });

  it('takes no password at the activate step, and no activation from the password step', () => {
    const activate = flow('activate', { context: { clientId: 'app_1', applicationName: 'App', login: 'v' } });
    expect(transition(activate, { type: 'password_verified', userId: asUserId('usr_v'), next: { kind: 'none' } }, 1)).toEqual({
      ok: false,
      reason: 'not_allowed',
    });
    expect(
      transition(flow('password'), { type: 'activation_verified', userId: asUserId('usr_v'), offer: { ...offer, methods: ['otp'] } }, 1),
    ).toEqual({
      ok: false,
      reason: 'not_allowed',
    });
    expect(transition(activate, { type: 'refuse', refusal: 'activation_locked' }, 1)).toMatchObject({
      ok: true,
      flow: { state: 'refused', context: { refusal: 'activation_locked' } },
    });
    expect(transition(activate, { type: 'use_another_account' }, 1)).toMatchObject({ ok: true, flow: { state: 'identify' } });
  });
});
