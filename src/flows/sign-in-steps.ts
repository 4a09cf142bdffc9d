/**
 * The sign-in flow's shared parts: what it depends on, what a step answers, and
 * the moves every step uses (advance the state machine, refuse, complete).
 * What happens after a move (prepare what the next page needs, or complete) is
 * in sign-in-progress.ts; the steps themselves in sign-in.ts (identification,
 * password, picker, terms), sign-in-factors.ts, sign-in-passkeys.ts and
 * sign-in-enrolment.ts; what a page shows, read-only, in sign-in-view.ts.
 */
import { acrFor, amrFor } from '../domain/assurance.js';
import type { FlowRepository } from '../domain/flows/flow.js';
import { transition, type Refusal, type SignInEvent, type SignInFlow } from '../domain/flows/sign-in.js';
import type { NamespaceId } from '../domain/ids.js';
import { type UserId } from '../domain/ids.js';
import { type LockoutPolicy } from '../domain/lockout.js';
import type {
  AuditLog,
  ClientDirectory,
  FederatedIdentityRepository,
  IdentityProviderDirectory,
  NamespaceScope,
  PasskeyRepository,
  RateLimiter,
  RememberedAccounts,
  Repositories,
  UserRepository,
} from '../domain/repositories.js';
import { standingRefusal, type User } from '../domain/users.js';
import type { SignInLog } from '../domain/sign-in-log.js';
import type { SecondFactorId } from '../contracts/factors.js';
import type { Clock } from '../platform/clock.js';
import type { RelyingParty } from '../strategies/passkey/passkey.js';
import { type AttemptDeps, type LockoutRepositories } from './credential-attempts.js';
import { attemptFacts, failedAttempt, succeededAttempt } from './sign-in-log.js';
import { type SignInPushDeps } from './push.js';
import type { UpstreamOidcStrategy } from '../strategies/upstream-oidc/strategy.js';
import { ACTIVATION_PROBLEMS } from './sign-in-activation-problems.js';
import type { PolicyVersions } from '../domain/onboarding.js';
import type { OnboardingLinks, PlatformPolicyAcceptances } from '../domain/repositories.js';
import type { OnboardingBrowserValue } from './onboarding.js';

/** The facts of a provider interaction that the flow needs. */
export interface InteractionFacts {
  uid: string;
  prompt: 'login' | 'consent';
  clientId: string;
  loginHint?: string;
  /** `prompt` values the application asked for (login, select_account…). */
  requestedPrompts: string[];
  /** The account of the browser's provider session, when there is one. */
  sessionAccountId?: string;
  /** The assurance level the application asked for (acr_values), 1 when it did not. */
  requestedAal?: number;
}

/** What a step knows of the browser that sent it. */
export interface SignInRequest {
  ip: string;
  userAgent: string;
  /** The remembered accounts of this browser (refs from its signed cookie). */
  rememberedRefs: string[];
  /** The onboarding link this browser opened (its signed cookie), if any: a pending account may then sign in to finish it. */
  onboarding?: OnboardingBrowserValue | null;
  /** The request's correlation id (`x-correlation-id`), recorded in the sign-in log. */
  correlationId?: string;
}

/** The platform's Privacy Policy and Terms of Use, and onboarding (issue 18). Absent (the demo's upstream provider): neither is asked. */
export interface PlatformSignInDeps {
  /** The versions in force now (PRIVACY_POLICY_VERSION, TERMS_OF_USE_VERSION). */
  versions: PolicyVersions;
  policies: PlatformPolicyAcceptances;
  onboardingLinks: OnboardingLinks;
}

/** Sign-in through integrated identity providers (sign-in-federation.ts). */
export interface FederationDeps {
  /** The providers (a per-node cache): by e-mail domain, enabled or not, and by name (enabled only, with credentials). */
  directory: Pick<IdentityProviderDirectory, 'forEmail' | 'byName' | 'claimedBy'>;
  strategy: UpstreamOidcStrategy;
  /** `<public URL>/login/federation/callback`, registered at every provider. */
  callbackUrl: string;
}

export type AccessDecision = { ok: true } | { ok: false; reason: 'sign_in_disabled' | 'not_assigned' };

/** The repositories a sign-in step writes in one transaction (the flow row last). */
export type SignInRepositories = LockoutRepositories &
  Pick<
    Repositories,
    | 'users'
    | 'flows'
    | 'passkeys'
    | 'push'
    | 'outbox'
    | 'accountSessions'
    | 'rememberedAccounts'
    | 'forNamespace'
    | 'federatedIdentities'
    | 'accountStatuses'
    | 'platformPolicies'
    | 'onboardingLinks'
    // A vendor's activation (sign-in-activation.ts): its code, and the status change once MFA is enrolled.
    | 'activationCodes'
    // Each attempt's outcome, written with the step's audit event (sign-in-log.ts).
    | 'signInLog'
  >;

export interface SignInDeps extends AttemptDeps {
  /** Runs `fn` in one transaction: everything it writes commits together or not at all. */
  transaction<T>(fn: (tx: SignInRepositories) => Promise<T>): Promise<T>;
  users: UserRepository;
  flows: FlowRepository;
  remembered: RememberedAccounts;
  rateLimits: RateLimiter;
  audit: AuditLog;
  /** Each sign-in attempt's outcome (domain/sign-in-log.ts). */
  signInLog: SignInLog;
  clients: ClientDirectory;
  forNamespace(id: NamespaceId): NamespaceScope;
  clock: Clock;
  lockout: LockoutPolicy;
  /** Integrated identity providers: home-realm discovery and the upstream strategy. */
  federation: FederationDeps;
  federatedIdentities: FederatedIdentityRepository;
  sessionTtlMs: number;
  /** Whether the application's switches let this user in (enable sign-in, assignment required). */
  checkAccess(clientId: string, userId: UserId): Promise<AccessDecision>;
  /** Second factors the account has enrolled, preferred first. */
  factorsOwed(user: User): Promise<SecondFactorId[]>;
  /** Number matching with the TechPass Authenticator. */
  push: SignInPushDeps;
  passkeys: PasskeyRepository;
  /** TechPass as a WebAuthn relying party (its public URL's host and origin). */
  relyingParty: RelyingParty;
  /** Seals and opens secrets kept in a flow until they are confirmed (TOTP seeds being enrolled). */
  sealer: { seal(value: string, context: string): string; open(sealed: string, context: string): string };
  platform?: PlatformSignInDeps;
}

export type InteractionResult =
  | { login: { accountId: string; amr: string[]; acr: string; ts: number }; rememberRef?: string }
  | { consent: true }
  | { error: 'access_denied'; description: string };

export const SIGN_IN_PROBLEMS = [
  'wrong_password',
  'wrong_code',
  'reused_code',
  'push_pending',
  'push_denied',
  'push_wrong_number',
  'push_expired',
  'push_unavailable',
  'passkey_failed',
  'passkey_taken',
  'authenticator_not_enrolled',
  'no_other_factor',
  'expired',
  'stale',
  /** An integrated provider's answer for a request this sign-in no longer waits for (used, or replaced). */
  'federation_replayed',
  ...ACTIVATION_PROBLEMS,
  /** The onboarding link this sign-in finishes was replaced by a newer one, or expired, meanwhile. */
  'onboarding_ended',
] as const;
export type SignInProblem = (typeof SIGN_IN_PROBLEMS)[number];

/**
 * What a step answers. `show`: the flow's page is shown next (a redirect to it,
 * with the problem to say); `finish`: the result goes back to the provider. Either
 * way the browser's remembered accounts become `rememberedRefs` when given.
 */
export type SignInOutcome =
  | { kind: 'show'; flow: SignInFlow; problem?: SignInProblem; rememberedRefs?: string[]; failure?: { reason: string; detail: string } }
  /** The browser goes to an integrated identity provider's authorization endpoint. */
  | { kind: 'upstream'; flow: SignInFlow; url: string; rememberedRefs?: string[] }
  | { kind: 'finish'; flow: SignInFlow; result: InteractionResult; rememberedRefs?: string[] };

export interface RememberedChoice {
  ref: string;
  userId: UserId;
  amr: string[];
  live: boolean;
}

export const show = (flow: SignInFlow, problem?: SignInProblem): SignInOutcome =>
  problem ? { kind: 'show', flow, problem } : { kind: 'show', flow };

/** The problem of a move that did not happen: the flow expired, or another request moved it first. */
export const unmoved = (flow: SignInFlow, reason: 'expired' | 'not_allowed' | 'stale'): SignInOutcome =>
  show(flow, reason === 'expired' ? 'expired' : 'stale');

/** Applies an event and saves it; a concurrent change makes this one lose. */
export async function advance(
  deps: Pick<SignInDeps, 'flows' | 'clock'>,
  flow: SignInFlow,
  event: SignInEvent,
): Promise<SignInFlow | 'expired' | 'not_allowed' | 'stale'> {
  const moved = transition(flow, event, deps.clock.now());
  if (!moved.ok) return moved.reason;
  if (!(await deps.flows.save(moved.flow))) return 'stale';
  return { ...moved.flow, version: moved.flow.version + 1 };
}

/** Thrown inside a step's transaction to roll it back with the problem to show. */
class Undo extends Error {
  constructor(readonly problem: SignInProblem) {
    super(problem);
  }
}

/**
 * A step that writes rows besides the flow: `writes` runs first and the flow's move is
 * saved last, in one transaction. When `writes` answers a problem, or the flow cannot move
 * (it expired, or another request moved it first), nothing is kept and the problem is
 * answered, so a flow is never marked done without what it did (a factor, a passkey).
 */
export async function advanceWith<T>(
  deps: SignInDeps,
  flow: SignInFlow,
  event: SignInEvent | ((value: T) => SignInEvent),
  writes: (tx: SignInRepositories) => Promise<{ ok: true; value: T } | { ok: false; problem: SignInProblem }>,
): Promise<{ ok: true; flow: SignInFlow; value: T } | { ok: false; problem: SignInProblem }> {
  try {
    return await deps.transaction(async (tx) => {
      const done = await writes(tx);
      if (!done.ok) throw new Undo(done.problem);
      const next = await advance({ ...deps, flows: tx.flows }, flow, typeof event === 'function' ? event(done.value) : event);
      if (typeof next === 'string') throw new Undo(next === 'expired' ? 'expired' : 'stale');
      return { ok: true as const, flow: next, value: done.value };
    });
  } catch (error) {
    if (error instanceof Undo) return { ok: false, problem: error.problem };
    throw error;
  }
}

/** Refuses the sign-in (the flow's end state, with the reason shown), audits and logs it, in one transaction. */
export async function refuse(deps: SignInDeps, flow: SignInFlow, refusal: Refusal, req?: SignInRequest): Promise<SignInOutcome> {
  const facts = await attemptFacts(deps, flow, req);
  const refused = await advanceWith(deps, flow, { type: 'refuse', refusal }, async (tx) => {
    await tx.audit.append({
      actor: flow.userId ?? 'anonymous',
      action: 'sign_in.refused',
      targetType: 'user',
      targetId: flow.userId,
      data: { refusal, clientId: flow.context.clientId },
    });
    await tx.signInLog.record(failedAttempt(facts, refusal));
    return { ok: true, value: null };
  });
  return refused.ok ? show(refused.flow) : show(flow, refused.problem);
}

/**
 * The account's standing, read again now: a refusal (and the flow refused) when it was
 * locked, reported or disabled since the flow opened; null when it may go on. Every factor
 * step calls this before looking at what was sent, and completion calls it once more.
 */
export async function refuseUnlessInGoodStanding(deps: SignInDeps, flow: SignInFlow, req?: SignInRequest): Promise<SignInOutcome | null> {
  if (!flow.userId) return null;
  const user = await deps.users.findById(flow.userId);
  const standing = user ? standingRefusal(user) : 'account_inactive';
  // A vendor being activated is pending while it enrols its MFA; leaving `enrol` activates it (sign-in-activation-status.ts).
  if (standing === 'account_pending' && flow.context.activating && flow.state === 'enrol') return null;
  // A pending account signs in only to finish its onboarding, through the link bound to this browser.
  if (standing === 'account_pending' && flow.context.onboarding) return null;
  return standing ? refuse(deps, flow, standing, req) : null;
}

/**
 * Completes a login (the application's switches were checked before): the result for the
 * provider, and the browser's remembered accounts with this one first (one entry per
 * account: a new sign-in replaces the account's earlier one).
 */
export async function completeLogin(deps: SignInDeps, flow: SignInFlow, req: SignInRequest): Promise<SignInOutcome> {
  const userId = flow.userId!;
  const rememberRef = flow.context.remembered;
  // Checked once more at the end: a lock or report made while this flow was open stops it here.
  const refused = await refuseUnlessInGoodStanding(deps, flow, req);
  if (refused) return refused;
  const amr = amrFor(flow.context.amr ?? flow.methodsDone);
  const acr = acrFor(amr);
  const sessionExpiresAt = deps.clock.now() + deps.sessionTtlMs;
  // The factors themselves (the amr adds `mfa`, which is none).
  const facts = await attemptFacts(deps, flow, req, flow.context.amr ?? flow.methodsDone);
  // The sign-in, its audit and the browser's remembered accounts are written together.
  const { kept, earlier } = await deps.transaction(async (tx) => {
    await tx.users.recordSignIn(userId);
    await tx.audit.append({
      actor: userId,
      action: 'sign_in.succeeded',
      targetType: 'user',
      targetId: userId,
      data: { clientId: flow.context.clientId, amr, sso: Boolean(rememberRef) },
    });
    await tx.signInLog.record(succeededAttempt(facts));
    const remembered = tx.rememberedAccounts;
    const kept = rememberRef ?? (await remembered.remember(userId, { amr, acr, sessionExpiresAt }));
    // A step-up (or a recovery, which ended the account's other sessions) makes the remembered session live again.
    if (rememberRef && flow.methodsDone.length > 1) await remembered.upgrade(rememberRef, { amr, acr, sessionExpiresAt });
    const earlier = (await remembered.find(req.rememberedRefs)).filter((c) => c.ref !== kept && c.userId === userId).map((c) => c.ref);
    for (const r of earlier) await remembered.forget(r);
    return { kept, earlier };
  });
  const others = req.rememberedRefs.filter((r) => r !== kept && !earlier.includes(r));
  return {
    kind: 'finish',
    flow,
    result: { login: { accountId: userId, amr, acr, ts: Math.floor(deps.clock.now() / 1000) }, rememberRef: kept },
    rememberedRefs: [kept, ...others],
  };
}
