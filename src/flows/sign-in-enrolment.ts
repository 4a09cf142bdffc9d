/**
 * The enrol step of a sign-in: the person picks a second factor (the TechPass
 * Authenticator by default, an authenticator app, or a passkey) and sets it up
 * before the sign-in completes. The TechPass Authenticator is enrolled from a
 * one-time link shown as a QR code; once the phone has registered, the sign-in
 * proves it with a number-matching prompt.
 */
import type { EnrolMethod, SignInFlow } from '../domain/flows/sign-in.js';
import { issueEnrolmentLink } from './authenticator-enrolment.js';
import { advance, completeLogin, show, type SignInDeps, type SignInOutcome } from './sign-in-steps.js';

/** The method the enrol page shows now: the one picked, else the first offered. */
export function currentEnrolMethod(flow: SignInFlow): EnrolMethod | undefined {
  const enrolment = flow.context.enrolment;
  return enrolment?.choice && enrolment.methods.includes(enrolment.choice) ? enrolment.choice : enrolment?.methods[0];
}

export async function chooseEnrolMethod(deps: SignInDeps, flow: SignInFlow, method: string): Promise<SignInOutcome> {
  const next = await advance(deps, flow, { type: 'enrol_method_chosen', method });
  return typeof next === 'string' ? show(flow, next === 'expired' ? 'expired' : 'stale') : show(next);
}

/**
 * The one-time enrolment link this sign-in shows (as a QR code) to add the
 * TechPass Authenticator; a new one once the last has expired.
 */
export async function authenticatorEnrolmentLink(deps: SignInDeps, flow: SignInFlow): Promise<{ link: string; expiresAt: number } | null> {
  if (flow.state !== 'enrol' || !flow.userId || !flow.context.enrolment?.methods.includes('swk')) return null;
  const current = flow.context.enrolment.link;
  if (current && current.expiresAt > deps.clock.now() + 30_000) {
    return { link: deps.sealer.open(current.sealed, `flows:${flow.id}`), expiresAt: current.expiresAt };
  }
  const issued = await issueEnrolmentLink(deps.push, flow.userId, flow.userId);
  if (!issued.ok) return null;
  const id = issued.value.link.slice(issued.value.link.indexOf('#') + 1).split('.')[0]!;
  const sealed = deps.sealer.seal(issued.value.link, `flows:${flow.id}`);
  const saved = await advance(deps, flow, { type: 'enrol_link_issued', id, sealed, expiresAt: issued.value.expiresAt });
  return typeof saved === 'string' ? null : { link: issued.value.link, expiresAt: issued.value.expiresAt };
}

/** Whether the phone has registered with this sign-in's link yet (what the enrol page's script asks). */
export async function authenticatorEnrolled(deps: SignInDeps, flow: SignInFlow): Promise<boolean> {
  const link = flow.context.enrolment?.link;
  return Boolean(link && (await deps.push.push.enrolmentLinkUsed(link.id)));
}

/** "Continue" on the enrol page: once the phone registered, on to a number-matching prompt that proves it. */
export async function continueAuthenticatorEnrolment(deps: SignInDeps, flow: SignInFlow): Promise<SignInOutcome> {
  if (flow.state !== 'enrol' || !flow.userId) return show(flow, 'stale');
  if (!(await authenticatorEnrolled(deps, flow)) || (await deps.push.push.devicesOf(flow.userId)).length === 0) {
    return show(flow, 'authenticator_not_enrolled');
  }
  const next = await advance(deps, flow, { type: 'authenticator_enrolled' });
  return typeof next === 'string' ? show(flow, next === 'expired' ? 'expired' : 'stale') : show(next);
}

/** "Not now": after a recovery the sign-in already reached its level, so enrolling a replacement can wait. */
export async function skipEnrolment(deps: SignInDeps, flow: SignInFlow): Promise<SignInOutcome> {
  const next = await advance(deps, flow, { type: 'enrol_skipped' });
  if (typeof next === 'string') return show(flow, next === 'expired' ? 'expired' : 'stale');
  return completeLogin(deps, next, next.context.remembered);
}
