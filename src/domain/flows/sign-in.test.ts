import { describe, expect, it } from 'vitest';
import { asUserId } from '../ids.js';
import { transition, type SignInFlow } from './sign-in.js';

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

describe('sign-in flow transitions', () => {
  it('moves from identify to password for a local account', () => {
    const moved = transition(flow('identify'), { type: 'identified', login: 'jane', federated: false }, 1);
    expect(moved).toMatchObject({ ok: true, flow: { state: 'password', context: { login: 'jane' } } });
  });

  it('refuses people of an integrated organisation until federation exists', () => {
    const moved = transition(flow('identify'), { type: 'identified', login: 'a@wog.gov.sg', federated: true }, 1);
    expect(moved).toMatchObject({ ok: true, flow: { state: 'refused', context: { refusal: 'federation_unavailable' } } });
  });

  it('completes after a password when no factor is owed, and asks for one of the enrolled factors when some are', () => {
    const user = asUserId('usr_1');
    expect(transition(flow('password'), { type: 'password_verified', userId: user, next: { kind: 'none' } }, 1)).toMatchObject({
      ok: true,
      flow: { state: 'completed', userId: user, methodsDone: ['pwd'] },
    });
    const owed = transition(flow('password'), { type: 'password_verified', userId: user, next: { kind: 'factors', owed: ['otp'] } }, 1);
    expect(owed).toMatchObject({ ok: true, flow: { state: 'factors', context: { factorsOwed: ['otp'] } } });
    if (!owed.ok) return;
    expect(transition(owed.flow, { type: 'factor_verified', method: 'otp' }, 2)).toMatchObject({
      ok: true,
      flow: { state: 'completed', methodsDone: ['pwd', 'otp'] },
    });
    expect(transition(owed.flow, { type: 'factor_verified', method: 'swk' }, 2)).toEqual({ ok: false, reason: 'not_allowed' });
  });

  it('asks to enrol a factor when the sign-in needs one the account does not have, then completes', () => {
    const enrol = transition(
      flow('password'),
      { type: 'password_verified', userId: asUserId('u'), next: { kind: 'enrol', sealedSeed: 'sealed' } },
      1,
    );
    expect(enrol).toMatchObject({ ok: true, flow: { state: 'enrol', context: { enrolment: { sealedSeed: 'sealed' } } } });
    if (!enrol.ok) return;
    const done = transition(enrol.flow, { type: 'factor_enrolled', method: 'otp' }, 2);
    expect(done).toMatchObject({ ok: true, flow: { state: 'completed', methodsDone: ['pwd', 'otp'] } });
    if (done.ok) expect(done.flow.context.enrolment).toBeUndefined();
  });

  it('refuses an event the state does not accept, so a replayed post cannot skip a step', () => {
    expect(transition(flow('identify'), { type: 'password_verified', userId: asUserId('u'), next: { kind: 'none' } }, 1)).toEqual({
      ok: false,
      reason: 'not_allowed',
    });
    expect(transition(flow('completed'), { type: 'terms_accepted' }, 1)).toEqual({ ok: false, reason: 'not_allowed' });
    expect(transition(flow('refused'), { type: 'use_another_account' }, 1)).toEqual({ ok: false, reason: 'not_allowed' });
  });

  it('refuses any event once the flow has expired', () => {
    expect(transition(flow('identify'), { type: 'identified', login: 'x', federated: false }, 10_000)).toEqual({ ok: false, reason: 'expired' });
  });
});
