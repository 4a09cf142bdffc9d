/**
 * The sign-in flow's states and the one function that moves between them.
 * Drawn in docs/flows/sign-in.mermaid.
 *
 * One flow serves one provider interaction: either the `login` prompt (who are
 * you?) or the `consent` prompt (terms of use for this application).
 */
import type { UserId } from '../ids.js';
import type { Flow, Transition } from './flow.js';

export type SignInState =
  | 'choose_account' // the account picker
  | 'identify' // asks for the TechPass ID
  | 'password' // asks for the password of the identified account
  | 'factors' // further factors the policy still asks for (MFA)
  | 'enrol' // the sign-in needs a second factor the account has not enrolled yet
  | 'terms' // terms of use for this application
  | 'refused' // an end state with a reason shown to the person
  | 'completed'; // handed back to the provider

export type Refusal =
  | 'sign_in_disabled'
  | 'not_assigned'
  | 'locked'
  | 'federation_unavailable'
  | 'account_inactive'
  | 'throttled'
  /** "No, it's not me" was reported: the account is high-risk until a platform admin clears it. */
  | 'reported';

export interface SignInContext {
  clientId: string;
  applicationName: string;
  /** The TechPass ID typed or picked (never proof of anything by itself). */
  login?: string;
  refusal?: Refusal;
  /** Factors still owed after the password, by strategy id. */
  factorsOwed?: string[];
  /** The push prompt this sign-in shows (number matching), once started. */
  push?: { challengeId: string; number: number; expiresAt: number };
  /** The second factor the person chose when several are enrolled. */
  factorChoice?: string;
  /** A TOTP seed offered for enrolment, sealed under the master key until confirmed. */
  enrolment?: { sealedSeed: string };
  amr?: string[];
  /** Set when the browser's remembered account continued with single sign-on. */
  remembered?: string;
  notice?: string;
}

export type SignInFlow = Flow<SignInState, SignInContext>;

export type SignInEvent =
  | { type: 'use_another_account' }
  | { type: 'identified'; login: string; federated: boolean }
  | { type: 'password_failed' }
  | { type: 'password_verified'; userId: UserId; next: SecondFactorStep }
  | { type: 'factor_verified'; method: string }
  | { type: 'factor_enrolled'; method: string }
  | { type: 'push_started'; challengeId: string; number: number; expiresAt: number }
  | { type: 'factor_chosen'; method: string }
  | { type: 'remembered_session'; userId: UserId; amr: string[]; ref: string; next: SecondFactorStep }
  | { type: 'remembered_expired'; login: string }
  | { type: 'refuse'; refusal: Refusal }
  | { type: 'terms_accepted' }
  | { type: 'complete' };

/** What a verified first step still needs: nothing, enrolled factors, or enrolling one. */
export type SecondFactorStep = { kind: 'none' } | { kind: 'factors'; owed: string[] } | { kind: 'enrol'; sealedSeed: string };

type Handler = (flow: SignInFlow, event: SignInEvent) => SignInFlow | null;

const to = (state: SignInState, flow: SignInFlow, patch: Partial<SignInFlow> = {}, context: Partial<SignInContext> = {}): SignInFlow => ({
  ...flow,
  ...patch,
  state,
  context: { ...flow.context, ...context },
});

/**
 * What each state accepts. Anything not listed is refused, so a replayed or
 * out-of-order post cannot skip a step.
 */
const TABLE: Record<SignInState, Partial<Record<SignInEvent['type'], Handler>>> = {
  choose_account: {
    use_another_account: (f) => to('identify', f, { userId: null, methodsDone: [] }, { login: undefined }),
    remembered_session: (f, e) =>
      e.type === 'remembered_session' ? afterFirstStep({ ...f, context: { ...f.context, remembered: e.ref } }, e.userId, e.amr, e.next) : null,
    remembered_expired: (f, e) => (e.type === 'remembered_expired' ? to('password', f, {}, { login: e.login }) : null),
    refuse: (f, e) => (e.type === 'refuse' ? to('refused', f, {}, { refusal: e.refusal }) : null),
  },
  identify: {
    identified: (f, e) =>
      e.type === 'identified'
        ? e.federated
          ? to('refused', f, {}, { login: e.login, refusal: 'federation_unavailable' })
          : to('password', f, {}, { login: e.login })
        : null,
    refuse: (f, e) => (e.type === 'refuse' ? to('refused', f, {}, { refusal: e.refusal }) : null),
  },
  password: {
    use_another_account: (f) => to('identify', f, { userId: null, methodsDone: [] }, { login: undefined }),
    password_failed: (f) => f,
    password_verified: (f, e) => (e.type === 'password_verified' ? afterFirstStep(f, e.userId, ['pwd'], e.next) : null),
    refuse: (f, e) => (e.type === 'refuse' ? to('refused', f, {}, { refusal: e.refusal }) : null),
  },
  factors: {
    push_started: (f, e) =>
      e.type === 'push_started' ? to('factors', f, {}, { push: { challengeId: e.challengeId, number: e.number, expiresAt: e.expiresAt } }) : null,
    factor_chosen: (f, e) => (e.type === 'factor_chosen' && (f.context.factorsOwed ?? []).includes(e.method) ? to('factors', f, {}, { factorChoice: e.method }) : null),
    factor_verified: (f, e) => {
      if (e.type !== 'factor_verified') return null;
      // The owed factors are alternatives: any one of them completes the sign-in.
      if (!(f.context.factorsOwed ?? []).includes(e.method)) return null;
      const done = [...new Set([...f.methodsDone, e.method])];
      return to('completed', f, { methodsDone: done }, { factorsOwed: [], amr: done, push: undefined });
    },
    refuse: (f, e) => (e.type === 'refuse' ? to('refused', f, {}, { refusal: e.refusal }) : null),
  },
  enrol: {
    factor_enrolled: (f, e) => {
      if (e.type !== 'factor_enrolled') return null;
      const done = [...new Set([...f.methodsDone, e.method])];
      return to('completed', f, { methodsDone: done }, { amr: done, enrolment: undefined });
    },
    refuse: (f, e) => (e.type === 'refuse' ? to('refused', f, {}, { refusal: e.refusal }) : null),
  },
  terms: {
    terms_accepted: (f) => to('completed', f),
    complete: (f) => to('completed', f),
    refuse: (f, e) => (e.type === 'refuse' ? to('refused', f, {}, { refusal: e.refusal }) : null),
  },
  refused: {},
  completed: {},
};

function afterFirstStep(f: SignInFlow, userId: UserId, methods: string[], next: SecondFactorStep): SignInFlow {
  const base = { userId, methodsDone: methods };
  switch (next.kind) {
    case 'none':
      return to('completed', f, base, { amr: methods });
    case 'factors':
      return to('factors', f, base, { amr: methods, factorsOwed: next.owed });
    case 'enrol':
      return to('enrol', f, base, { amr: methods, enrolment: { sealedSeed: next.sealedSeed } });
  }
}

export function transition(flow: SignInFlow, event: SignInEvent, now: number): Transition<SignInFlow> {
  if (flow.expiresAt <= now) return { ok: false, reason: 'expired' };
  const handler = TABLE[flow.state][event.type];
  const next = handler?.(flow, event);
  if (!next) return { ok: false, reason: 'not_allowed' };
  return { ok: true, flow: { ...next, updatedAt: now } };
}

/** A sign-in flow lives as long as the provider's interaction it serves. */
export const SIGN_IN_FLOW_TTL_MS = 30 * 60 * 1000;
