/**
 * The enrol step of a sign-in: the person picks a second factor (the TechPass
 * Authenticator by default, an authenticator app, or a passkey) and sets it up
 * before the sign-in completes. The TechPass Authenticator is enrolled from a
 * one-time link shown as a QR code; once the phone has registered, the sign-in
 * proves it with a number-matching prompt. Passkey enrolment is in
 * sign-in-passkeys.ts.
 */
import { DEFAULT_FACTOR_LABEL, type SecondFactorId } from '../contracts/factors.js';
import type { SignInFlow } from '../domain/flows/sign-in.js';
import { totpStrategy } from '../strategies/totp/strategy.js';
import { move, settle } from './sign-in-progress.js';
import { advanceWith, refuseUnlessInGoodStanding, show, type SignInDeps, type SignInOutcome, type SignInRequest } from './sign-in-steps.js';

export async function chooseEnrolMethod(deps: SignInDeps, flow: SignInFlow, method: SecondFactorId, req: SignInRequest): Promise<SignInOutcome> {
  return move(deps, flow, { type: 'enrol_method_chosen', method }, req);
}

/** Whether the phone has registered with this sign-in's link yet (what the enrol page's script asks). Reads only. */
export async function authenticatorEnrolled(deps: SignInDeps, uid: string): Promise<boolean | null> {
  const flow = (await deps.flows.findByInteraction(uid)) as SignInFlow | null;
  if (!flow) return null;
  const link = flow.context.enrolment?.link;
  return Boolean(link && (await deps.push.push.enrolmentLinkUsed(link.id)));
}

/** "Continue" on the enrol page: once the phone registered, on to a number-matching prompt that proves it. */
export async function continueAuthenticatorEnrolment(deps: SignInDeps, flow: SignInFlow, req: SignInRequest): Promise<SignInOutcome> {
  if (flow.state !== 'enrol' || !flow.userId) return show(flow, 'stale');
  const link = flow.context.enrolment?.link;
  const used = Boolean(link && (await deps.push.push.enrolmentLinkUsed(link.id)));
  if (!used || (await deps.push.push.devicesOf(flow.userId)).length === 0) return show(flow, 'authenticator_not_enrolled');
  return move(deps, flow, { type: 'authenticator_enrolled' }, req);
}

/** "Not now": after a recovery the sign-in already reached its level, so enrolling a replacement can wait. */
export async function skipEnrolment(deps: SignInDeps, flow: SignInFlow, req: SignInRequest): Promise<SignInOutcome> {
  return move(deps, flow, { type: 'enrol_skipped' }, req);
}

/** Confirms a new TOTP factor with a code from the app; the factor is saved only then. */
export async function confirmTotpEnrolment(deps: SignInDeps, flow: SignInFlow, code: string, req: SignInRequest): Promise<SignInOutcome> {
  if (flow.state !== 'enrol' || !flow.context.enrolment?.methods.includes('otp') || !flow.userId) return show(flow, 'stale');
  const seed = deps.sealer.open(flow.context.enrolment.sealedSeed, `flows:${flow.id}`);
  const check = await totpStrategy.enrol({ seed, code, now: deps.clock.now() });
  if (check.kind !== 'ok') return show(flow, 'wrong_code');
  const refused = await refuseUnlessInGoodStanding(deps, flow, req);
  if (refused) return refused;
  const userId = flow.userId;
  const enrolled = await advanceWith(deps, flow, { type: 'factor_enrolled', method: 'otp' }, async (tx) => {
    const factorId = await tx.users.addTotpFactor(userId, DEFAULT_FACTOR_LABEL.otp, seed);
    // The confirming code is spent: it cannot complete another sign-in.
    await tx.users.recordTotpUse(factorId, check.value.step);
    await tx.audit.append({ actor: userId, action: 'mfa.enrolled', targetType: 'user', targetId: userId, data: { method: 'otp', factorId } });
    return { ok: true, value: factorId };
  });
  if (!enrolled.ok) return show(flow, enrolled.problem);
  return settle(deps, enrolled.flow, req);
}
