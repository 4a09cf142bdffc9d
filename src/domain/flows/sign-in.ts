/**
 * The sign-in flow's states and the one function that moves between them.
 * Drawn in docs/flows/sign-in.mermaid.
 *
 * One flow serves one provider interaction: either the `login` prompt (who are
 * you?) or the `consent` prompt (terms of use for this application).
 */
import { assuranceLevel } from '../assurance.js';
import type { UserId } from '../ids.js';
import type { Flow, Transition } from './flow.js';
import type { SecondFactorId } from '../../contracts/factors.js';
import type { PolicyVersions } from '../onboarding.js';

export type SignInState =
  | 'choose_account' // the account picker
  | 'identify' // asks for the TechPass ID
  | 'password' // asks for the password of the identified account
  | 'federating' // sent to the person's integrated identity provider; waits for its answer
  | 'factors' // further factors the policy still asks for (MFA)
  | 'enrol' // the sign-in needs a second factor the account has not enrolled yet
  | 'terms' // terms of use for this application
  | 'policies' // the platform's Privacy Policy and Terms of Use (a new version, or onboarding), after MFA
  | 'refused' // an end state with a reason shown to the person
  | 'activate' // a pending vendor's first sign-in: the SMS activation code and a new password (then enrol)
  | 'completed'; // handed back to the provider

export type Refusal =
  | 'sign_in_disabled'
  | 'not_assigned'
  | 'locked'
  /** The person's domain belongs to an integrated identity provider that is turned off. */
  | 'federation_unavailable'
  /** The integrated provider vouched for someone who has no TechPass account (never created silently). */
  | 'no_account'
  /** The account was created but its onboarding is not finished (pending). */
  | 'account_pending'
  | 'account_inactive'
  | 'throttled'
  /** "No, it's not me" was reported: the account is high-risk until a platform admin clears it. */
  | 'reported'
  /** Too many wrong activation codes: a new code from the tenant admin unlocks the account. */
  | 'activation_locked';

export interface SignInContext {
  clientId: string;
  applicationName: string;
  /** The TechPass ID typed or picked (never proof of anything by itself). */
  login?: string;
  /** The authorization request this sign-in sent to an integrated identity provider (server-only; single use). */
  federation?: FederationRequest;
  /** The integrated provider that proved the first step, once it did (for the audit and the amr). */
  federatedBy?: string;
  /** Why the provider's last answer was not accepted, said once on the identify page with the request's correlation id. */
  federationFailure?: { reason: FederationFailure; provider: string; correlationId: string };
  refusal?: Refusal;
  /** Factors still owed after the password, by strategy id. */
  factorsOwed?: SecondFactorId[];
  /** The push prompt this sign-in shows (number matching), once started. */
  push?: { challengeId: string; number: number; expiresAt: number };
  /** The second factor the person chose when several are enrolled. */
  factorChoice?: SecondFactorId;
  /** What the enrol step offers (see EnrolmentOffer) and what the person picked so far. */
  enrolment?: Enrolment;
  /** The WebAuthn challenge of the passkey prompt (sign-in or enrolment) shown now; single use. */
  webauthn?: { challenge: string };
  /** "I can't use my phone": the factor the person cannot use; removed once another factor is verified. */
  recovering?: SecondFactorId;
  amr?: string[];
  /** The application asked for a whole sign-in again (`prompt=login`): a remembered live session does not count. */
  reauthenticate?: boolean;
  /** Set when the browser's remembered account continued with single sign-on. */
  remembered?: string;
  notice?: string;
  /** A vendor's activation (sign-in-activation.ts): the account is pending until its MFA is enrolled, then activated. */
  activating?: boolean;
  /** The platform policies' versions this account must accept before the sign-in completes (after MFA). */
  policiesOwed?: PolicyVersions;
  /** This sign-in onboards a pending account through its link, bound to this browser: accepting the policies activates it. */
  onboarding?: { linkId: string };
}

export type SignInFlow = Flow<SignInState, SignInContext>;

/** What an authorization request to an upstream provider must be answered with: `state` and `nonce` echoed, the PKCE verifier to redeem its code. */
export interface FederationRequest {
  /** The provider's name in the registry. */
  provider: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  startedAt: number;
}

/** Why an upstream answer was not accepted (the page says it in words; the log has the detail). */
export type FederationFailure =
  /** The provider answered `error=` (the person cancelled, or the provider refused). */
  | 'upstream_error'
  /** The provider could not be reached (discovery, token endpoint or keys). */
  | 'upstream_unreachable'
  /** The answer or its ID token failed a check (state, iss, signature, aud, nonce, exp…). */
  | 'invalid_response'
  /** The provider's identity does not say which account it is (no subject or e-mail, or an e-mail outside its domains). */
  | 'unusable_identity'
  /** The upstream identity is linked to another account than the one being signed in to. */
  | 'identity_conflict';

/** Second factors a person can enrol during a sign-in, by strategy id. */
export type EnrolMethod = SecondFactorId;

/** What the enrol step offers: a TOTP seed (sealed until confirmed) and the methods allowed. */
export interface EnrolmentOffer {
  sealedSeed: string;
  methods: EnrolMethod[];
}

export interface Enrolment extends EnrolmentOffer {
  /** The method the page shows (the first offered until the person picks another). */
  choice?: EnrolMethod;
  /** The sign-in may finish without enrolling (after a recovery, the level is already reached). */
  skippable?: boolean;
  /** A one-time TechPass Authenticator enrolment link issued for this sign-in (sealed) and its id. */
  link?: { id: string; sealed: string; expiresAt: number };
}

export type SignInEvent =
  | { type: 'use_another_account' }
  /** `federation` when the login's domain belongs to an enabled integrated provider: the browser is sent there. */
  | { type: 'identified'; login: string; federation?: FederationRequest }
  /** Sent to the provider again (after Back, or "Try again"): a new request replaces the old one. */
  | { type: 'federation_started'; federation: FederationRequest }
  /** The provider's answer passed every check and its identity is linked to this account. */
  | { type: 'federated'; userId: UserId; login: string; provider: string; next: SecondFactorStep }
  | { type: 'federation_failed'; reason: FederationFailure; provider: string; correlationId: string }
  | { type: 'password_failed' }
  | { type: 'password_verified'; userId: UserId; next: SecondFactorStep }
  /** Signed in with a passkey from the identify page (no password): the passkey proves possession and, verified, the person. */
  | { type: 'passkey_verified'; userId: UserId; login: string; next: SecondFactorStep }
  /** `offer` is what to enrol next when this factor does not finish the sign-in (a recovery, or a level only a passkey reaches). */
  | { type: 'factor_verified'; method: SecondFactorId; offer?: EnrolmentOffer }
  | { type: 'factor_enrolled'; method: SecondFactorId }
  | { type: 'enrol_method_chosen'; method: SecondFactorId }
  | { type: 'enrol_link_issued'; id: string; sealed: string; expiresAt: number }
  /** The TechPass Authenticator was enrolled: the sign-in then proves it with a push prompt. */
  | { type: 'authenticator_enrolled' }
  | { type: 'enrol_skipped' }
  | { type: 'passkey_challenge'; challenge: string }
  | { type: 'recovery_started'; lost: SecondFactorId }
  | { type: 'push_started'; challengeId: string; number: number; expiresAt: number }
  | { type: 'factor_chosen'; method: SecondFactorId }
  | { type: 'remembered_session'; userId: UserId; amr: string[]; ref: string; next: SecondFactorStep }
  /** A remembered account whose session ended: its password again, or its provider again (`federation`). */
  | { type: 'remembered_expired'; login: string; federation?: FederationRequest }
  | { type: 'refuse'; refusal: Refusal }
  | { type: 'terms_accepted' }
  /** The login names a pending vendor account with an activation code: its code and a new password instead of a password. */
  | { type: 'activation_required'; login: string }
  /** The code was right and the new password set: MFA enrolment is next, and mandatory. */
  | { type: 'activation_verified'; userId: UserId; offer: EnrolmentOffer }
  /** The platform's Privacy Policy and Terms of Use were accepted (and, onboarding, the account activated). */
  | { type: 'policies_accepted' }
  | { type: 'complete' };

/** What a verified first step still needs: nothing, enrolled factors, or enrolling one; then what comes after the factors. */
export type SecondFactorStep = ({ kind: 'none' } | { kind: 'factors'; owed: SecondFactorId[] } | ({ kind: 'enrol' } & EnrolmentOffer)) & AfterFactors;

/** What a sign-in asks after MFA, before it completes: the platform policies owed; an onboarding to finish. */
export interface AfterFactors {
  policies?: PolicyVersions;
  onboarding?: { linkId: string };
}

/** MFA is mandatory: every sign-in reaches level 2, or what the application asked for. */
export const requiredLevel = (flow: SignInFlow): number => Math.max(2, flow.requestedAal);

/** One handler per event type, each seeing its own event: the table needs no narrowing. */
type Handlers = { [K in SignInEvent['type']]?: (flow: SignInFlow, event: Extract<SignInEvent, { type: K }>) => SignInFlow | null };

const to = (state: SignInState, flow: SignInFlow, patch: Partial<SignInFlow> = {}, context: Partial<SignInContext> = {}): SignInFlow => ({
  ...flow,
  ...patch,
  state,
  context: { ...flow.context, ...context },
});

/** MFA is done: the platform policies when some are owed, else completed. */
const factorsDone = (f: SignInFlow, patch: Partial<SignInFlow>, context: Partial<SignInContext>): SignInFlow =>
  to(f.context.policiesOwed ? 'policies' : 'completed', f, patch, context);

const owes = (f: SignInFlow, method: SecondFactorId) => (f.context.factorsOwed ?? []).includes(method);
const offers = (f: SignInFlow, method: SecondFactorId) => (f.context.enrolment?.methods ?? []).includes(method);

/** Every state but `refused` may be refused: the account's standing or the application's switches changed. */
const refusable: Handlers = { refuse: (f, e) => to('refused', f, {}, { refusal: e.refusal }) };

/**
 * What each state accepts. Anything not listed is refused, so a replayed or
 * out-of-order post cannot skip a step.
 */
const TABLE: Record<SignInState, Handlers> = {
  choose_account: {
    ...refusable,
    use_another_account: (f) => to('identify', f, { userId: null, methodsDone: [] }, { login: undefined }),
    remembered_session: (f, e) => afterFirstStep({ ...f, context: { ...f.context, remembered: e.ref } }, e.userId, e.amr, e.next),
    remembered_expired: (f, e) =>
      e.federation ? to('federating', f, {}, { login: e.login, federation: e.federation }) : to('password', f, {}, { login: e.login }),
  },
  identify: {
    ...refusable,
    identified: (f, e) =>
      e.federation
        ? to('federating', f, {}, { login: e.login, federation: e.federation, federationFailure: undefined, webauthn: undefined })
        : to('password', f, {}, { login: e.login, federationFailure: undefined, webauthn: undefined }),
    passkey_challenge: (f, e) => to('identify', f, {}, { webauthn: { challenge: e.challenge } }),
    passkey_verified: (f, e) => afterFirstStep({ ...f, context: { ...f.context, login: e.login, webauthn: undefined } }, e.userId, ['hwk'], e.next),
    activation_required: (f, e) => to('activate', f, {}, { login: e.login, federationFailure: undefined, webauthn: undefined }),
  },
  federating: {
    ...refusable,
    use_another_account: (f) => to('identify', f, { userId: null, methodsDone: [] }, { login: undefined, federation: undefined }),
    federation_started: (f, e) => to('federating', f, {}, { federation: e.federation }),
    federated: (f, e) =>
      afterFirstStep({ ...f, context: { ...f.context, login: e.login, federation: undefined, federatedBy: e.provider } }, e.userId, ['fed'], e.next),
    // Back to the identify page, which says what went wrong; the person may try again.
    federation_failed: (f, e) =>
      to('identify', f, {}, { federation: undefined, federationFailure: { reason: e.reason, provider: e.provider, correlationId: e.correlationId } }),
  },
  password: {
    ...refusable,
    use_another_account: (f) => to('identify', f, { userId: null, methodsDone: [] }, { login: undefined }),
    password_failed: (f) => f,
    password_verified: (f, e) => afterFirstStep(f, e.userId, ['pwd'], e.next),
  },
  factors: {
    ...refusable,
    push_started: (f, e) => to('factors', f, {}, { push: { challengeId: e.challengeId, number: e.number, expiresAt: e.expiresAt } }),
    factor_chosen: (f, e) => (owes(f, e.method) ? to('factors', f, {}, { factorChoice: e.method, webauthn: undefined }) : null),
    passkey_challenge: (f, e) => (owes(f, 'hwk') ? to('factors', f, {}, { webauthn: { challenge: e.challenge } }) : null),
    recovery_started: (f, e) => {
      const owed = f.context.factorsOwed ?? [];
      const others = owed.filter((m) => m !== e.lost);
      if (others.length === owed.length || others.length === 0) return null;
      return to('factors', f, {}, { factorsOwed: others, factorChoice: undefined, recovering: e.lost, push: undefined, webauthn: undefined });
    },
    factor_verified: (f, e) => {
      // The owed factors are alternatives: any one of them completes the sign-in.
      if (!owes(f, e.method)) return null;
      const done = [...new Set([...f.methodsDone, e.method])];
      const reached = assuranceLevel(done) >= requiredLevel(f);
      const cleared = { factorsOwed: [], push: undefined, webauthn: undefined, recovering: undefined, factorChoice: undefined };
      if (reached && !f.context.recovering) return factorsDone(f, { methodsDone: done }, { ...cleared, amr: done });
      // A recovery goes on to enrol a replacement (or skip); a level only a passkey reaches goes on to enrol one.
      if (!e.offer) return null;
      return to('enrol', f, { methodsDone: done }, { ...cleared, amr: done, enrolment: { ...e.offer, skippable: reached } });
    },
  },
  enrol: {
    ...refusable,
    enrol_method_chosen: (f, e) => {
      const enrolment = f.context.enrolment;
      if (!enrolment || !offers(f, e.method)) return null;
      return to('enrol', f, {}, { enrolment: { ...enrolment, choice: e.method }, webauthn: undefined });
    },
    enrol_link_issued: (f, e) =>
      f.context.enrolment
        ? to('enrol', f, {}, { enrolment: { ...f.context.enrolment, link: { id: e.id, sealed: e.sealed, expiresAt: e.expiresAt } } })
        : null,
    passkey_challenge: (f, e) => (offers(f, 'hwk') ? to('enrol', f, {}, { webauthn: { challenge: e.challenge } }) : null),
    authenticator_enrolled: (f) =>
      offers(f, 'swk')
        ? to('factors', f, {}, { enrolment: undefined, factorsOwed: ['swk'], factorChoice: 'swk', push: undefined, webauthn: undefined })
        : null,
    factor_enrolled: (f, e) => {
      if (!offers(f, e.method)) return null;
      const done = [...new Set([...f.methodsDone, e.method])];
      if (assuranceLevel(done) < requiredLevel(f)) return null;
      return factorsDone(f, { methodsDone: done }, { amr: done, enrolment: undefined, webauthn: undefined });
    },
    enrol_skipped: (f) =>
      f.context.enrolment?.skippable && assuranceLevel(f.methodsDone) >= requiredLevel(f)
        ? factorsDone(f, {}, { amr: f.methodsDone, enrolment: undefined, webauthn: undefined })
        : null,
  },
  terms: {
    ...refusable,
    terms_accepted: (f) => to('completed', f),
    complete: (f) => to('completed', f),
  },
  // A vendor's activation: the password proves nothing yet (it is new), so enrolment is owed and cannot be skipped.
  activate: {
    ...refusable,
    use_another_account: (f) => to('identify', f, { userId: null, methodsDone: [] }, { login: undefined }),
    activation_verified: (f, e) =>
      to(
        'enrol',
        f,
        { userId: e.userId, methodsDone: ['pwd'] },
        { amr: ['pwd'], activating: true, enrolment: { sealedSeed: e.offer.sealedSeed, methods: e.offer.methods } },
      ),
  },
  policies: {
    ...refusable,
    policies_accepted: (f) => to('completed', f, {}, { policiesOwed: undefined, onboarding: undefined }),
  },
  refused: {},
  // The account's standing is read once more as a sign-in completes (a lock or a report made
  // while the flow was open); a completed flow whose result was not handed back yet may still be refused.
  completed: { ...refusable },
};

function afterFirstStep(flow: SignInFlow, userId: UserId, methods: string[], next: SecondFactorStep): SignInFlow {
  const base = { userId, methodsDone: methods };
  const f = { ...flow, context: { ...flow.context, policiesOwed: next.policies, onboarding: next.onboarding } };
  switch (next.kind) {
    case 'none':
      return factorsDone(f, base, { amr: methods });
    case 'factors':
      return to('factors', f, base, { amr: methods, factorsOwed: next.owed });
    case 'enrol':
      return to('enrol', f, base, { amr: methods, enrolment: { sealedSeed: next.sealedSeed, methods: next.methods } });
  }
}

export function transition(flow: SignInFlow, event: SignInEvent, now: number): Transition<SignInFlow> {
  if (flow.expiresAt <= now) return { ok: false, reason: 'expired' };
  const handler = TABLE[flow.state][event.type] as ((f: SignInFlow, e: SignInEvent) => SignInFlow | null) | undefined;
  const next = handler?.(flow, event);
  if (!next) return { ok: false, reason: 'not_allowed' };
  return { ok: true, flow: { ...next, updatedAt: now } };
}

/** A sign-in flow lives as long as the provider's interaction it serves. */
export const SIGN_IN_FLOW_TTL_MS = 30 * 60 * 1000;

/** The factor the sign-in page asks for now: the one chosen, else the preferred one. */
export function currentFactor(flow: SignInFlow): SecondFactorId | undefined {
  const owed = flow.context.factorsOwed ?? [];
  return flow.context.factorChoice && owed.includes(flow.context.factorChoice) ? flow.context.factorChoice : owed[0];
}

/** The method the enrol page shows now: the one picked, else the first offered. */
export function currentEnrolMethod(flow: SignInFlow): EnrolMethod | undefined {
  const enrolment = flow.context.enrolment;
  return enrolment?.choice && enrolment.methods.includes(enrolment.choice) ? enrolment.choice : enrolment?.methods[0];
}
