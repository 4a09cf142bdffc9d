/**
 * The sign-in's steps by name, as its forms post them (`/login/<uid>/<step>`),
 * and the one entry the HTTP layer calls: it finds the interaction's flow,
 * checks the form's token against the flow's own, and runs the step.
 */
import { isSecondFactor } from '../contracts/factors.js';
import type { SignInFlow } from '../domain/flows/sign-in.js';
import { constantTimeEqual } from '../platform/secrets.js';
import { chooseEnrolMethod, confirmTotpEnrolment, continueAuthenticatorEnrolment, skipEnrolment } from './sign-in-enrolment.js';
import { chooseFactor, continuePush, sendPushAgain, startRecovery, submitTotp } from './sign-in-factors.js';
import { confirmPasskeyEnrolment, signInWithPasskey, submitPasskey } from './sign-in-passkeys.js';
import { prepare } from './sign-in-progress.js';
import { acceptPolicies } from './sign-in-policies.js';
import { federateAgain, federationAnswered, type FederationCallback } from './sign-in-federation.js';
import { submitActivation } from './sign-in-activation.js';
import { show, type SignInDeps, type SignInOutcome, type SignInRequest } from './sign-in-steps.js';
import { abandon, acceptTerms, forgetAccount, pickAccount, submitIdentifier, submitPassword, useAnotherAccount } from './sign-in.js';

/** The fields a sign-in form may send; each step reads its own. */
export interface SignInForm {
  login?: string | undefined;
  password?: string | undefined;
  code?: string | undefined;
  method?: string | undefined;
  response?: string | undefined;
  name?: string | undefined;
  ref?: string | undefined;
  /** The new password again (a vendor's activation). */
  confirm?: string | undefined;
}

type Step = (deps: SignInDeps, flow: SignInFlow, form: SignInForm, req: SignInRequest) => Promise<SignInOutcome>;

export const SIGN_IN_STEPS = {
  identify: (deps, flow, form, req) => submitIdentifier(deps, flow, form.login ?? '', req),
  federate: (deps, flow, _form, req) => federateAgain(deps, flow, req),
  password: (deps, flow, form, req) => submitPassword(deps, flow, form.password ?? '', req),
  another: (deps, flow, _form, req) => useAnotherAccount(deps, flow, req),
  pick: (deps, flow, form, req) => pickAccount(deps, flow, form.ref ?? '', req),
  forget: (deps, flow, form, req) => forgetAccount(deps, flow, form.ref ?? '', req),
  'passkey-sign-in': (deps, flow, form, req) => signInWithPasskey(deps, flow, form.response ?? '', req),
  totp: (deps, flow, form, req) => submitTotp(deps, flow, form.code ?? '', req),
  push: (deps, flow, _form, req) => continuePush(deps, flow, req),
  'push-retry': (deps, flow, _form, req) => sendPushAgain(deps, flow, req),
  passkey: (deps, flow, form, req) => submitPasskey(deps, flow, form.response ?? '', req),
  choose: (deps, flow, form, req) =>
    isSecondFactor(form.method) ? chooseFactor(deps, flow, form.method, req) : Promise.resolve(show(flow, 'stale')),
  recover: (deps, flow, _form, req) => startRecovery(deps, flow, req),
  'enrol-choose': (deps, flow, form, req) =>
    isSecondFactor(form.method) ? chooseEnrolMethod(deps, flow, form.method, req) : Promise.resolve(show(flow, 'stale')),
  'enrol-totp': (deps, flow, form, req) => confirmTotpEnrolment(deps, flow, form.code ?? '', req),
  'enrol-passkey': (deps, flow, form, req) => confirmPasskeyEnrolment(deps, flow, form.response ?? '', form.name ?? '', req),
  'enrol-authenticator': (deps, flow, _form, req) => continueAuthenticatorEnrolment(deps, flow, req),
  'enrol-skip': (deps, flow, _form, req) => skipEnrolment(deps, flow, req),
  terms: (deps, flow) => acceptTerms(deps, flow),
  // A vendor's first sign-in: the SMS activation code and a new password.
  activate: (deps, flow, form, req) =>
    submitActivation(deps, flow, { code: form.code ?? '', password: form.password ?? '', confirm: form.confirm ?? '' }, req),
  policies: (deps, flow, _form, req) => acceptPolicies(deps, flow, req),
  abort: async (_deps, flow) => abandon(flow),
  // The page found something it needs missing (another tab moved the flow): make it again.
  resume: (deps, flow, _form, req) => prepare(deps, flow, req),
} satisfies Record<string, Step>;

export type SignInStepName = keyof typeof SIGN_IN_STEPS;

export const isSignInStep = (name: string): name is SignInStepName => Object.hasOwn(SIGN_IN_STEPS, name);

/**
 * Runs one step of the interaction's flow. `gone`: no flow (or no interaction)
 * any more; `forged`: the form's token is not the flow's, so the post did not
 * come from this sign-in's page; `unknown`: no step of that name.
 */
export async function runSignInStep(
  deps: SignInDeps,
  uid: string,
  name: string,
  csrf: string,
  form: SignInForm,
  req: SignInRequest,
): Promise<SignInOutcome | { kind: 'gone' } | { kind: 'forged' } | { kind: 'unknown' }> {
  const flow = (await deps.flows.findByInteraction(uid)) as SignInFlow | null;
  if (!flow) return { kind: 'gone' };
  if (!constantTimeEqual(csrf, flow.csrf)) return { kind: 'forged' };
  if (!isSignInStep(name)) return { kind: 'unknown' };
  return SIGN_IN_STEPS[name](deps, flow, form, req);
}

/** An integrated provider's answer for the interaction's flow (its cookie already checked by the caller). */
export async function runFederationCallback(
  deps: SignInDeps,
  uid: string,
  callback: FederationCallback,
  req: SignInRequest,
): Promise<SignInOutcome | { kind: 'gone' }> {
  const flow = (await deps.flows.findByInteraction(uid)) as SignInFlow | null;
  if (!flow) return { kind: 'gone' };
  return federationAnswered(deps, flow, callback, req);
}
