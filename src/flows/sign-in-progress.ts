/**
 * What happens after a step moved the flow: it completes, or what its next page
 * needs is made now, in the step, so that showing the page never writes. The
 * push page needs a prompt sent to the phone, a passkey page a fresh WebAuthn
 * challenge, the TechPass Authenticator's enrol page a one-time link. A reload
 * or the Back button then shows the same prompt, challenge and link.
 */
import { randomBytes } from 'node:crypto';
import { assuranceLevel } from '../domain/assurance.js';
import {
  currentEnrolMethod,
  currentFactor,
  requiredLevel,
  type EnrolmentOffer,
  type SecondFactorStep,
  type SignInEvent,
  type SignInFlow,
} from '../domain/flows/sign-in.js';
import type { User } from '../domain/users.js';
import type { SecondFactorId } from '../contracts/factors.js';
import { newTotpSeed } from '../strategies/totp/totp.js';
import { removeLostFactor } from './mfa-recovery.js';
import { activateOnceEnrolled } from './sign-in-activation-status.js';
import { afterFactors, signInStanding } from './sign-in-onboarding.js';
import { challengeStatus, createPushChallenge, issueEnrolmentLink } from './push.js';
import {
  advance,
  advanceWith,
  completeLogin,
  refuse,
  refuseUnlessInGoodStanding,
  show,
  unmoved,
  type SignInDeps,
  type SignInOutcome,
  type SignInProblem,
  type SignInRequest,
} from './sign-in-steps.js';

/** A move's result: completion when the flow completed, else its next page made ready. */
export async function settle(deps: SignInDeps, flow: SignInFlow, req: SignInRequest, problem?: SignInProblem): Promise<SignInOutcome> {
  await activateOnceEnrolled(deps, flow);
  return flow.state === 'completed' ? completeLogin(deps, flow, req) : prepare(deps, flow, req, problem);
}

/** Applies `event` and settles the flow it led to; a move that did not happen says why. */
export async function move(deps: SignInDeps, flow: SignInFlow, event: SignInEvent, req: SignInRequest): Promise<SignInOutcome> {
  const next = await advance(deps, flow, event);
  return typeof next === 'string' ? unmoved(flow, next) : settle(deps, next, req);
}

/** Makes what the flow's page needs, once: a push prompt, a passkey challenge, an enrolment link. */
export async function prepare(
  deps: SignInDeps,
  flow: SignInFlow,
  req: SignInRequest,
  problem?: SignInProblem,
  options: { renewPush?: boolean } = {},
): Promise<SignInOutcome> {
  switch (flow.state) {
    case 'identify':
      // The identify page offers "Sign in with a passkey".
      return flow.context.webauthn ? show(flow, problem) : newPasskeyChallenge(deps, flow, problem);
    case 'factors': {
      const current = currentFactor(flow);
      if (current === 'swk' && (options.renewPush || !flow.context.push)) return startPush(deps, flow, req, problem, options.renewPush);
      if (current === 'hwk' && !flow.context.webauthn) return newPasskeyChallenge(deps, flow, problem);
      return show(flow, problem);
    }
    case 'enrol': {
      const method = currentEnrolMethod(flow);
      const link = flow.context.enrolment?.link;
      if (method === 'swk' && !(link && link.expiresAt > deps.clock.now() + 30_000)) return newEnrolmentLink(deps, flow, problem);
      if (method === 'hwk' && !flow.context.webauthn) return newPasskeyChallenge(deps, flow, problem);
      return show(flow, problem);
    }
    default:
      return show(flow, problem);
  }
}

/** A new single-use WebAuthn challenge for the flow's passkey prompt (after a failed one too). */
export async function newPasskeyChallenge(deps: SignInDeps, flow: SignInFlow, problem?: SignInProblem): Promise<SignInOutcome> {
  const next = await advance(deps, flow, { type: 'passkey_challenge', challenge: randomBytes(32).toString('base64url') });
  return typeof next === 'string' ? unmoved(flow, next) : show(next, problem);
}

/**
 * Sends a number-matching prompt to the account's authenticator. `renew` ("Send
 * again") sends a new one unless the last still waits for an answer.
 */
async function startPush(deps: SignInDeps, flow: SignInFlow, req: SignInRequest, problem?: SignInProblem, renew = false): Promise<SignInOutcome> {
  if (!flow.userId) return show(flow, problem);
  const refused = await refuseUnlessInGoodStanding(deps, flow, req);
  if (refused) return refused;
  const existing = flow.context.push;
  if (existing && !renew) {
    const status = await challengeStatus(deps.push, existing.challengeId);
    if (status.found && status.status === 'pending') return show(flow, problem);
  }
  const created = await createPushChallenge(
    deps.push,
    flow.userId,
    { applicationName: flow.context.applicationName, ip: req.ip, userAgent: req.userAgent, flowId: flow.id },
    { onboarding: Boolean(flow.context.onboarding) },
  );
  if (!created.ok) return created.refusal === 'high_risk' ? refuse(deps, flow, 'reported', req) : show(flow, 'push_unavailable');
  const next = await advance(deps, flow, {
    type: 'push_started',
    challengeId: created.challengeId,
    number: created.number,
    expiresAt: created.expiresAt,
  });
  return typeof next === 'string' ? unmoved(flow, next) : show(next, problem);
}

/** The one-time link (shown as a QR code) that adds the TechPass Authenticator; kept sealed in the flow. */
async function newEnrolmentLink(deps: SignInDeps, flow: SignInFlow, problem?: SignInProblem): Promise<SignInOutcome> {
  const userId = flow.userId;
  if (!userId) return show(flow, problem);
  // The link's row and the flow that shows it are written together.
  const issued = await advanceWith(
    deps,
    flow,
    (link: { id: string; sealed: string; expiresAt: number }) => ({ type: 'enrol_link_issued', ...link }),
    async (tx) => {
      const made = await issueEnrolmentLink({ ...deps.push, users: tx.users, transaction: (fn) => fn(tx) }, userId, userId);
      if (!made.ok) return { ok: false, problem: 'stale' };
      const id = made.value.link.slice(made.value.link.indexOf('#') + 1).split('.')[0]!;
      return { ok: true, value: { id, sealed: deps.sealer.seal(made.value.link, `flows:${flow.id}`), expiresAt: made.value.expiresAt } };
    },
  );
  return issued.ok ? show(issued.flow, problem) : show(flow, issued.problem);
}

/**
 * What a person must still do after a first step that gave `amr`. MFA is
 * mandatory: a sign-in completes only at level 2 or more (or what the
 * application asked for with acr_values). An enrolled second factor is asked
 * for; an account without one enrols one first. When only a passkey reaches the
 * level asked for and the account has none, an enrolled factor is asked for
 * first and a passkey enrolled after it.
 */
export async function secondFactorStep(
  deps: SignInDeps,
  flow: SignInFlow,
  user: User,
  amr: string[],
  req?: SignInRequest,
): Promise<SecondFactorStep> {
  // After MFA: the platform policies owed, and an onboarding to finish (sign-in-onboarding.ts).
  const after = await afterFactors(deps, user, req);
  if (assuranceLevel(amr) >= requiredLevel(flow)) return { kind: 'none', ...after };
  const enrolled = await deps.factorsOwed(user);
  const strongEnough = enrolled.filter((m) => assuranceLevel([...amr, m]) >= requiredLevel(flow));
  if (strongEnough.length > 0) return { kind: 'factors', owed: strongEnough, ...after };
  if (enrolled.length > 0) return { kind: 'factors', owed: enrolled, ...after };
  return { kind: 'enrol', ...enrolmentOffer(deps, flow), ...after };
}

/** What the enrol step offers: every method, or only a passkey when the level asked for needs one. */
export function enrolmentOffer(deps: Pick<SignInDeps, 'sealer'>, flow: SignInFlow): EnrolmentOffer {
  return {
    sealedSeed: deps.sealer.seal(newTotpSeed(), `flows:${flow.id}`),
    methods: requiredLevel(flow) >= 3 ? ['hwk'] : ['swk', 'otp', 'hwk'],
  };
}

/**
 * A first step proved who this is (a password, or a passkey from the identify
 * page): the account must be usable and allowed into the application; then the
 * second factor it still owes, or completion.
 */
export async function firstStepVerified(
  deps: SignInDeps,
  flow: SignInFlow,
  user: User,
  method: 'pwd' | 'hwk',
  event: (next: SecondFactorStep) => SignInEvent,
  req: SignInRequest,
): Promise<SignInOutcome> {
  const standing = await signInStanding(deps, user, req);
  if (standing) return refuse(deps, { ...flow, userId: user.id }, standing, req);
  // The application's switches are checked before anything completes, so a refusal is shown from here.
  const decision = await deps.checkAccess(flow.context.clientId, user.id);
  if (!decision.ok) return refuse(deps, { ...flow, userId: user.id }, decision.reason, req);
  return move(deps, flow, event(await secondFactorStep(deps, flow, user, [method], req)), req);
}

/**
 * A second factor was proven: completes the sign-in, or goes on to enrol (after
 * a recovery, whose lost factor is removed now, or when only a passkey reaches
 * the level asked for).
 */
export async function factorVerified(deps: SignInDeps, flow: SignInFlow, method: SecondFactorId, req: SignInRequest): Promise<SignInOutcome> {
  const lost = flow.context.recovering;
  // An enrol offer (a sealed TOTP seed) is made only when the sign-in goes on to enrol.
  const goesOn = Boolean(lost) || assuranceLevel([...flow.methodsDone, method]) < requiredLevel(flow);
  const event: SignInEvent = goesOn ? { type: 'factor_verified', method, offer: enrolmentOffer(deps, flow) } : { type: 'factor_verified', method };
  const userId = flow.userId;
  // After "I can't use my phone", the lost factor goes (audited, e-mailed, sessions ended) in the same transaction as the move.
  const moved = await advanceWith(deps, flow, event, async (tx) => {
    if (lost && userId) await removeLostFactor({ ...deps.push, transaction: (fn) => fn(tx) }, userId, lost, method);
    return { ok: true, value: null };
  });
  return moved.ok ? settle(deps, moved.flow, req) : show(flow, moved.problem);
}
