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
    const moved = transition(flow('identify'), { type: 'identified', login: 'jane' }, 1);
    expect(moved).toMatchObject({ ok: true, flow: { state: 'password', context: { login: 'jane' } } });
  });

  const request = { provider: 'wog', state: 's', nonce: 'n', codeVerifier: 'v', startedAt: 1 };

  it('sends people of an integrated organisation to their provider, then on to MFA with fed in the amr', () => {
    const sent = transition(flow('identify'), { type: 'identified', login: 'a@wog.gov.sg', federation: request }, 1);
    expect(sent).toMatchObject({ ok: true, flow: { state: 'federating', context: { login: 'a@wog.gov.sg', federation: request } } });
    if (!sent.ok) return;
    // The password step cannot be reached from there: a post of a password is not allowed.
    expect(transition(sent.flow, { type: 'password_verified', userId: asUserId('usr_1'), next: { kind: 'none' } }, 2)).toEqual({
      ok: false,
      reason: 'not_allowed',
    });
    const back = transition(
      sent.flow,
      { type: 'federated', userId: asUserId('usr_1'), login: 'a@wog.gov.sg', provider: 'wog', next: { kind: 'factors', owed: ['otp'] } },
      2,
    );
    expect(back).toMatchObject({
      ok: true,
      flow: { state: 'factors', userId: 'usr_1', methodsDone: ['fed'], context: { amr: ['fed'], federatedBy: 'wog', factorsOwed: ['otp'] } },
    });
    if (back.ok) expect(back.flow.context.federation).toBeUndefined();
  });

  it('a failed answer goes back to the identify page with its reason; a new request replaces the old one', () => {
    const sent = transition(flow('identify'), { type: 'identified', login: 'a@wog.gov.sg', federation: request }, 1);
    if (!sent.ok) throw new Error('not sent');
    const again = transition(sent.flow, { type: 'federation_started', federation: { ...request, state: 's2' } }, 2);
    expect(again).toMatchObject({ ok: true, flow: { state: 'federating', context: { federation: { state: 's2' } } } });
    const failed = transition(sent.flow, { type: 'federation_failed', reason: 'upstream_error', provider: 'wog', correlationId: 'req-1' }, 2);
    expect(failed).toMatchObject({
      ok: true,
      flow: { state: 'identify', context: { federationFailure: { reason: 'upstream_error', correlationId: 'req-1' } } },
    });
    if (failed.ok) expect(failed.flow.context.federation).toBeUndefined();
    // A federated answer for a flow that is no longer waiting for one is refused.
    if (failed.ok)
      expect(
        transition(failed.flow, { type: 'federated', userId: asUserId('usr_1'), login: 'a', provider: 'wog', next: { kind: 'none' } }, 3).ok,
      ).toBe(false);
  });

  it('a remembered federated account whose session ended goes to its provider again', () => {
    const moved = transition(flow('choose_account'), { type: 'remembered_expired', login: 'a@wog.gov.sg', federation: request }, 1);
    expect(moved).toMatchObject({ ok: true, flow: { state: 'federating', context: { federation: request } } });
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
      { type: 'password_verified', userId: asUserId('u'), next: { kind: 'enrol', sealedSeed: 'sealed', methods: ['swk', 'otp', 'hwk'] } },
      1,
    );
    expect(enrol).toMatchObject({ ok: true, flow: { state: 'enrol', context: { enrolment: { sealedSeed: 'sealed' } } } });
    if (!enrol.ok) return;
    const done = transition(enrol.flow, { type: 'factor_enrolled', method: 'otp' }, 2);
    expect(done).toMatchObject({ ok: true, flow: { state: 'completed', methodsDone: ['pwd', 'otp'] } });
    if (done.ok) expect(done.flow.context.enrolment).toBeUndefined();
  });

  it('enrols only a method it offered, and the TechPass Authenticator goes on to a push prompt that proves it', () => {
    const enrol = flow('enrol', {
      userId: asUserId('u'),
      methodsDone: ['pwd'],
      context: { ...flow('enrol').context, enrolment: { sealedSeed: 's', methods: ['hwk'] } },
    });
    expect(transition(enrol, { type: 'factor_enrolled', method: 'otp' }, 1)).toEqual({ ok: false, reason: 'not_allowed' });
    expect(transition(enrol, { type: 'enrol_method_chosen', method: 'swk' }, 1)).toEqual({ ok: false, reason: 'not_allowed' });
    expect(transition(enrol, { type: 'authenticator_enrolled' }, 1)).toEqual({ ok: false, reason: 'not_allowed' });
    expect(transition(enrol, { type: 'enrol_skipped' }, 1)).toEqual({ ok: false, reason: 'not_allowed' });
    expect(transition(enrol, { type: 'factor_enrolled', method: 'hwk' }, 1)).toMatchObject({
      ok: true,
      flow: { state: 'completed', methodsDone: ['pwd', 'hwk'] },
    });

    const any = { ...enrol, context: { ...enrol.context, enrolment: { sealedSeed: 's', methods: ['swk', 'otp', 'hwk'] as const } } } as SignInFlow;
    expect(transition(any, { type: 'authenticator_enrolled' }, 1)).toMatchObject({
      ok: true,
      flow: { state: 'factors', methodsDone: ['pwd'], context: { factorsOwed: ['swk'], factorChoice: 'swk' } },
    });
  });

  it('asks for a passkey after another factor when the application asked for level 3 and the account has none', () => {
    const factors = flow('factors', {
      userId: asUserId('u'),
      requestedAal: 3,
      methodsDone: ['pwd'],
      context: { ...flow('factors').context, factorsOwed: ['swk'] },
    });
    // Without an offer to enrol a passkey, a level-2 factor cannot finish a level-3 sign-in.
    expect(transition(factors, { type: 'factor_verified', method: 'swk' }, 1)).toEqual({ ok: false, reason: 'not_allowed' });
    const moved = transition(factors, { type: 'factor_verified', method: 'swk', offer: { sealedSeed: 's', methods: ['hwk'] } }, 1);
    expect(moved).toMatchObject({
      ok: true,
      flow: { state: 'enrol', methodsDone: ['pwd', 'swk'], context: { enrolment: { methods: ['hwk'], skippable: false } } },
    });
    if (moved.ok) expect(transition(moved.flow, { type: 'enrol_skipped' }, 2)).toEqual({ ok: false, reason: 'not_allowed' });
  });

  it('recovers from a lost factor with another one, then offers a replacement that may wait', () => {
    const factors = flow('factors', {
      userId: asUserId('u'),
      methodsDone: ['pwd'],
      context: { ...flow('factors').context, factorsOwed: ['swk', 'otp'] },
    });
    const only = { ...factors, context: { ...factors.context, factorsOwed: ['swk' as const] } };
    expect(transition(only, { type: 'recovery_started', lost: 'swk' }, 1)).toEqual({ ok: false, reason: 'not_allowed' });
    const recovering = transition(factors, { type: 'recovery_started', lost: 'swk' }, 1);
    expect(recovering).toMatchObject({ ok: true, flow: { state: 'factors', context: { factorsOwed: ['otp'], recovering: 'swk' } } });
    if (!recovering.ok) return;
    // The lost factor no longer counts.
    expect(transition(recovering.flow, { type: 'factor_verified', method: 'swk' }, 2)).toEqual({ ok: false, reason: 'not_allowed' });
    const verified = transition(
      recovering.flow,
      { type: 'factor_verified', method: 'otp', offer: { sealedSeed: 's', methods: ['swk', 'otp', 'hwk'] } },
      2,
    );
    expect(verified).toMatchObject({ ok: true, flow: { state: 'enrol', context: { enrolment: { skippable: true } } } });
    if (!verified.ok) return;
    expect(verified.flow.context.recovering).toBeUndefined();
    expect(transition(verified.flow, { type: 'enrol_skipped' }, 3)).toMatchObject({
      ok: true,
      flow: { state: 'completed', methodsDone: ['pwd', 'otp'] },
    });
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
    expect(transition(flow('identify'), { type: 'identified', login: 'x' }, 10_000)).toEqual({ ok: false, reason: 'expired' });
  });
});
