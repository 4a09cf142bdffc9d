/**
 * The sign-in flow's shared parts: what it depends on, what it answers, and the
 * steps every credential uses (advance the state machine, refuse, complete).
 * The steps themselves live in sign-in.ts (identification, password, picker,
 * terms) and sign-in-factors.ts (second factors).
 */
import { acrFor, amrFor, assuranceLevel } from '../domain/assurance.js';
import type { FlowRepository } from '../domain/flows/flow.js';
import {
  requiredLevel,
  transition,
  type EnrolmentOffer,
  type Refusal,
  type SecondFactorStep,
  type SignInEvent,
  type SignInFlow,
} from '../domain/flows/sign-in.js';
import type { NamespaceId } from '../domain/ids.js';
import { type UserId } from '../domain/ids.js';
import { type LockoutPolicy } from '../domain/lockout.js';
import type {
  AuditLog,
  ClientDirectory,
  NamespaceScope,
  PasskeyRepository,
  RateLimiter,
  RememberedAccounts,
  UserRepository,
} from '../domain/repositories.js';
import { standingRefusal, type User } from '../domain/users.js';
import type { Clock } from '../platform/clock.js';
import type { RelyingParty } from '../strategies/passkey/passkey.js';
import { newTotpSeed } from '../strategies/totp/totp.js';
import { type AttemptDeps, type LockoutRepositories } from './credential-attempts.js';
import { removeLostFactor } from './mfa-recovery.js';
import { type PushDeps } from './push.js';

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

export type AccessDecision = { ok: true } | { ok: false; reason: 'sign_in_disabled' | 'not_assigned' };

/** The repositories a sign-in step writes in one transaction. */
export interface SignInRepositories extends LockoutRepositories {
  users: UserRepository;
  flows: FlowRepository;
  passkeys: PasskeyRepository;
}

export interface SignInDeps extends AttemptDeps {
  /** Runs `fn` in one transaction: everything it writes commits together or not at all. */
  transaction<T>(fn: (tx: SignInRepositories) => Promise<T>): Promise<T>;
  users: UserRepository;
  flows: FlowRepository;
  remembered: RememberedAccounts;
  rateLimits: RateLimiter;
  audit: AuditLog;
  clients: ClientDirectory;
  forNamespace(id: NamespaceId): NamespaceScope;
  clock: Clock;
  lockout: LockoutPolicy;
  /** E-mail domains whose people sign in at their own identity provider. */
  federatedDomains: string[];
  sessionTtlMs: number;
  /** Whether the application's switches let this user in (enable sign-in, assignment required). */
  checkAccess(clientId: string, userId: UserId): Promise<AccessDecision>;
  /** Second factors the account has enrolled (strategy ids). */
  factorsOwed(user: User): Promise<string[]>;
  /** Number matching with the TechPass Authenticator. */
  push: PushDeps;
  passkeys: PasskeyRepository;
  /** TechPass as a WebAuthn relying party (its public URL's host and origin). */
  relyingParty: RelyingParty;
  /** Seals and opens secrets kept in a flow until they are confirmed (TOTP seeds being enrolled). */
  sealer: { seal(value: string, context: string): string; open(sealed: string, context: string): string };
}

export type InteractionResult =
  | { login: { accountId: string; amr: string[]; acr: string; ts: number }; rememberRef?: string }
  | { consent: true }
  | { error: 'access_denied'; description: string };

export type SignInProblem =
  | 'wrong_password'
  | 'wrong_code'
  | 'reused_code'
  | 'push_pending'
  | 'push_denied'
  | 'push_wrong_number'
  | 'push_expired'
  | 'push_unavailable'
  | 'passkey_failed'
  | 'passkey_taken'
  | 'authenticator_not_enrolled'
  | 'no_other_factor'
  | 'expired'
  | 'stale';

export type SignInOutcome =
  { kind: 'show'; flow: SignInFlow; problem?: SignInProblem } | { kind: 'finish'; flow: SignInFlow; result: InteractionResult };

export interface RememberedChoice {
  ref: string;
  userId: UserId;
  amr: string[];
  live: boolean;
}

export const show = (flow: SignInFlow, problem?: SignInProblem): SignInOutcome =>
  problem ? { kind: 'show', flow, problem } : { kind: 'show', flow };

/**
 * What a person must still do after a first step that gave `amr`. MFA is
 * mandatory: a sign-in completes only at level 2 or more (or what the
 * application asked for with acr_values). An enrolled second factor is asked
 * for; an account without one enrols one first. When only a passkey reaches the
 * level asked for and the account has none, an enrolled factor is asked for
 * first and a passkey enrolled after it.
 */
export async function secondFactorStep(deps: SignInDeps, flow: SignInFlow, user: User, amr: string[]): Promise<SecondFactorStep> {
  if (assuranceLevel(amr) >= requiredLevel(flow)) return { kind: 'none' };
  const enrolled = await deps.factorsOwed(user);
  const strongEnough = enrolled.filter((m) => assuranceLevel([...amr, m]) >= requiredLevel(flow));
  if (strongEnough.length > 0) return { kind: 'factors', owed: strongEnough };
  if (enrolled.length > 0) return { kind: 'factors', owed: enrolled };
  return { kind: 'enrol', ...enrolmentOffer(deps, flow) };
}

/** What the enrol step offers: every method, or only a passkey when the level asked for needs one. */
export function enrolmentOffer(deps: Pick<SignInDeps, 'sealer'>, flow: SignInFlow): EnrolmentOffer {
  return {
    sealedSeed: deps.sealer.seal(newTotpSeed(), `flows:${flow.id}`),
    methods: requiredLevel(flow) >= 3 ? ['hwk'] : ['swk', 'otp', 'hwk'],
  };
}

/**
 * A second factor was proven: completes the sign-in, or goes on to enrol (after
 * a recovery, whose lost factor is removed now, or when only a passkey reaches
 * the level asked for).
 */
export async function factorVerified(deps: SignInDeps, flow: SignInFlow, method: string): Promise<SignInOutcome> {
  const lost = flow.context.recovering;
  // An enrol offer (a sealed TOTP seed) is made only when the sign-in goes on to enrol.
  const goesOn = Boolean(lost) || assuranceLevel([...flow.methodsDone, method]) < requiredLevel(flow);
  const next = await advance(
    deps,
    flow,
    goesOn ? { type: 'factor_verified', method, offer: enrolmentOffer(deps, flow) } : { type: 'factor_verified', method },
  );
  if (typeof next === 'string') return show(flow, next === 'expired' ? 'expired' : 'stale');
  if (lost && flow.userId) await removeLostFactor(deps.push, flow.userId, lost, method);
  return next.state === 'completed' ? completeLogin(deps, next, next.context.remembered) : show(next);
}

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
  event: SignInEvent,
  writes: (tx: SignInRepositories) => Promise<{ ok: true; value: T } | { ok: false; problem: SignInProblem }>,
): Promise<{ ok: true; flow: SignInFlow; value: T } | { ok: false; problem: SignInProblem }> {
  try {
    return await deps.transaction(async (tx) => {
      const done = await writes(tx);
      if (!done.ok) throw new Undo(done.problem);
      const next = await advance({ ...deps, flows: tx.flows }, flow, event);
      if (typeof next === 'string') throw new Undo(next === 'expired' ? 'expired' : 'stale');
      return { ok: true as const, flow: next, value: done.value };
    });
  } catch (error) {
    if (error instanceof Undo) return { ok: false, problem: error.problem };
    throw error;
  }
}

export async function refuse(deps: SignInDeps, flow: SignInFlow, refusal: Refusal): Promise<SignInOutcome> {
  const next = await advance(deps, flow, { type: 'refuse', refusal });
  await deps.audit.append({
    actor: flow.userId ?? 'anonymous',
    action: 'sign_in.refused',
    targetType: 'user',
    targetId: flow.userId,
    data: { refusal, clientId: flow.context.clientId },
  });
  return typeof next === 'string' ? show(flow, next === 'expired' ? 'expired' : 'stale') : show(next);
}

/**
 * The account's standing, read again now: a refusal (and the flow refused) when it was
 * locked, reported or disabled since the flow opened; null when it may go on. Every factor
 * step calls this before looking at what was sent, and completion calls it once more.
 */
export async function refuseUnlessInGoodStanding(deps: SignInDeps, flow: SignInFlow): Promise<SignInOutcome | null> {
  if (!flow.userId) return null;
  const user = await deps.users.findById(flow.userId);
  const standing = user ? standingRefusal(user) : 'account_inactive';
  return standing ? refuse(deps, flow, standing) : null;
}

/** Completes a login (the application's switches were checked before): the result for the provider. */
export async function completeLogin(deps: SignInDeps, flow: SignInFlow, rememberRef?: string): Promise<SignInOutcome> {
  const userId = flow.userId!;
  // Checked once more at the end: a lock or report made while this flow was open stops it here.
  const refused = await refuseUnlessInGoodStanding(deps, flow);
  if (refused) return refused;
  const amr = amrFor(flow.context.amr ?? flow.methodsDone);
  const acr = acrFor(amr);
  await deps.users.recordSignIn(userId);
  const sessionExpiresAt = deps.clock.now() + deps.sessionTtlMs;
  const ref = rememberRef ?? (await deps.remembered.remember(userId, { amr, acr, sessionExpiresAt }));
  // A step-up (or a recovery, which ended the account's other sessions) makes the remembered session live again.
  if (rememberRef && flow.methodsDone.length > 1) await deps.remembered.upgrade(rememberRef, { amr, acr, sessionExpiresAt });
  await deps.audit.append({
    actor: userId,
    action: 'sign_in.succeeded',
    targetType: 'user',
    targetId: userId,
    data: { clientId: flow.context.clientId, amr, sso: Boolean(rememberRef) },
  });
  return { kind: 'finish', flow, result: { login: { accountId: userId, amr, acr, ts: Math.floor(deps.clock.now() / 1000) }, rememberRef: ref } };
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
  method: string,
  event: (next: SecondFactorStep) => SignInEvent,
): Promise<SignInOutcome> {
  const standing = standingRefusal(user);
  if (standing) return refuse(deps, { ...flow, userId: user.id }, standing);
  // The application's switches are checked before anything completes, so a refusal is shown from here.
  const decision = await deps.checkAccess(flow.context.clientId, user.id);
  if (!decision.ok) return refuse(deps, { ...flow, userId: user.id }, decision.reason);
  const next = await advance(deps, flow, event(await secondFactorStep(deps, flow, user, [method])));
  if (typeof next === 'string') return show(flow, next === 'expired' ? 'expired' : 'stale');
  return next.state === 'completed' ? completeLogin(deps, next) : show(next);
}
