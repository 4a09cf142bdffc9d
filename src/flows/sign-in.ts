/**
 * The sign-in flow service: opens a flow for a provider interaction and advances
 * it on each post. It knows nothing of HTTP or of the provider: the HTTP layer
 * hands it the interaction's facts and renders whatever state the flow is in;
 * when the flow completes, it returns the result to hand back to the provider.
 */
import { randomBytes } from 'node:crypto';
import { acrFor, amrFor, assuranceLevel } from '../domain/assurance.js';
import { asApplicationId, asNamespaceId, type UserId } from '../domain/ids.js';
import { shouldLock, type LockoutPolicy } from '../domain/lockout.js';
import type { FlowRepository } from '../domain/flows/flow.js';
import { SIGN_IN_FLOW_TTL_MS, transition, type Refusal, type SecondFactorStep, type SignInEvent, type SignInFlow } from '../domain/flows/sign-in.js';
import type { AuditLog, ClientDirectory, NamespaceScope, RateLimiter, RememberedAccounts, UserRepository } from '../domain/repositories.js';
import { techpassId, type User } from '../domain/users.js';
import type { NamespaceId } from '../domain/ids.js';
import type { Clock } from '../platform/clock.js';
import { newId } from '../platform/ids.js';
import { verifyAgainstDummy, verifyPassword } from '../strategies/password/hash.js';
import { checkTotp, newTotpSeed, totpUri } from '../strategies/totp/totp.js';

/** The factors the policy asks for after a password: every TOTP factor the account has enrolled. */
export function enrolledFactors(users: UserRepository) {
  return async (user: User): Promise<string[]> => ((await users.totpFactors(user.id)).length > 0 ? ['otp'] : []);
}

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

export interface SignInDeps {
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
  /** Seals and opens secrets kept in a flow until they are confirmed (TOTP seeds being enrolled). */
  sealer: { seal(value: string, context: string): string; open(sealed: string, context: string): string };
}

export type InteractionResult =
  | { login: { accountId: string; amr: string[]; acr: string; ts: number }; rememberRef?: string }
  | { consent: true }
  | { error: 'access_denied'; description: string };

export type SignInProblem = 'wrong_password' | 'wrong_code' | 'reused_code' | 'expired' | 'stale';

export type SignInOutcome =
  { kind: 'show'; flow: SignInFlow; problem?: SignInProblem } | { kind: 'finish'; flow: SignInFlow; result: InteractionResult };

export interface RememberedChoice {
  ref: string;
  userId: UserId;
  amr: string[];
  live: boolean;
}

const show = (flow: SignInFlow, problem?: SignInProblem): SignInOutcome => (problem ? { kind: 'show', flow, problem } : { kind: 'show', flow });

/** Finds the flow of this interaction or opens one in the state the interaction calls for. */
export async function openSignIn(deps: SignInDeps, facts: InteractionFacts, remembered: RememberedChoice[]): Promise<SignInOutcome> {
  const existing = (await deps.flows.findByInteraction(facts.uid)) as SignInFlow | null;
  if (existing && existing.expiresAt > deps.clock.now()) return show(existing);

  const client = await deps.clients.findClient(facts.clientId);
  const now = deps.clock.now();
  const flow: SignInFlow = {
    id: newId('flw_'),
    kind: 'sign-in',
    state: 'identify',
    interactionUid: facts.uid,
    userId: null,
    requestedAal: facts.requestedAal ?? 1,
    methodsDone: [],
    context: { clientId: facts.clientId, applicationName: client?.application.name ?? facts.clientId },
    csrf: randomBytes(24).toString('base64url'),
    expiresAt: now + SIGN_IN_FLOW_TTL_MS,
    version: 0,
    createdAt: now,
    updatedAt: now,
  };

  if (facts.prompt === 'consent' && facts.sessionAccountId) {
    // Terms of use on first access, and again for each new version.
    const userId = facts.sessionAccountId as UserId;
    flow.userId = userId;
    flow.state = 'terms';
    if (client) {
      const scope = deps.forNamespace(asNamespaceId(client.application.namespaceId));
      const accepted = await scope.terms.acceptedVersion(asApplicationId(client.application.id), userId);
      if (accepted !== null && accepted >= client.application.termsVersion) flow.state = 'completed';
    }
    await deps.flows.create(flow);
    return flow.state === 'completed' ? { kind: 'finish', flow, result: { consent: true } } : show(flow);
  }

  if (facts.sessionAccountId && !facts.requestedPrompts.includes('login') && !facts.requestedPrompts.includes('select_account')) {
    // The provider asked again although a session exists: the session's account may not use this application.
    const decision = await deps.checkAccess(facts.clientId, facts.sessionAccountId as UserId);
    if (!decision.ok) {
      flow.state = 'refused';
      flow.userId = facts.sessionAccountId as UserId;
      flow.context.refusal = decision.reason;
      await deps.flows.create(flow);
      return show(flow);
    }
  }
  if (client && !client.application.signInEnabled) {
    flow.state = 'refused';
    flow.context.refusal = 'sign_in_disabled';
  } else if (facts.requestedPrompts.includes('select_account') || remembered.length > 1) {
    flow.state = 'choose_account';
  } else {
    flow.state = 'identify';
    if (facts.loginHint) flow.context.login = facts.loginHint;
  }
  await deps.flows.create(flow);
  return show(flow);
}

/**
 * What a person must still do after a first step that gave `amr`: an enrolled
 * second factor is always asked for; an application asking for level 2 or more
 * (acr_values) gets it, and an account without a second factor enrols one first.
 */
async function secondFactorStep(deps: SignInDeps, flow: SignInFlow, user: User, amr: string[]): Promise<SecondFactorStep> {
  if (assuranceLevel(amr) >= Math.max(2, flow.requestedAal) || amr.includes('otp')) return { kind: 'none' };
  const enrolled = await deps.factorsOwed(user);
  if (enrolled.length > 0) return { kind: 'factors', owed: enrolled };
  if (flow.requestedAal < 2) return { kind: 'none' };
  return { kind: 'enrol', sealedSeed: deps.sealer.seal(newTotpSeed(), `flows:${flow.id}`) };
}

/** Applies an event and saves it; a concurrent change makes this one lose. */
async function advance(deps: SignInDeps, flow: SignInFlow, event: SignInEvent): Promise<SignInFlow | 'expired' | 'not_allowed' | 'stale'> {
  const moved = transition(flow, event, deps.clock.now());
  if (!moved.ok) return moved.reason;
  if (!(await deps.flows.save(moved.flow))) return 'stale';
  return { ...moved.flow, version: moved.flow.version + 1 };
}

async function refuse(deps: SignInDeps, flow: SignInFlow, refusal: Refusal): Promise<SignInOutcome> {
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

/** Completes a login (the application's switches were checked before): the result for the provider. */
async function completeLogin(deps: SignInDeps, flow: SignInFlow, rememberRef?: string): Promise<SignInOutcome> {
  const userId = flow.userId!;
  const amr = amrFor(flow.context.amr ?? flow.methodsDone);
  const acr = acrFor(amr);
  await deps.users.recordSignIn(userId);
  const ref = rememberRef ?? (await deps.remembered.remember(userId, { amr, acr, sessionExpiresAt: deps.clock.now() + deps.sessionTtlMs }));
  if (rememberRef && flow.methodsDone.length > 1) await deps.remembered.upgrade(rememberRef, { amr, acr });
  await deps.audit.append({
    actor: userId,
    action: 'sign_in.succeeded',
    targetType: 'user',
    targetId: userId,
    data: { clientId: flow.context.clientId, amr, sso: Boolean(rememberRef) },
  });
  return { kind: 'finish', flow, result: { login: { accountId: userId, amr, acr, ts: Math.floor(deps.clock.now() / 1000) }, rememberRef: ref } };
}

export async function useAnotherAccount(deps: SignInDeps, flow: SignInFlow): Promise<SignInOutcome> {
  const next = await advance(deps, flow, { type: 'use_another_account' });
  return typeof next === 'string' ? show(flow, next === 'expired' ? 'expired' : 'stale') : show(next);
}

export async function submitIdentifier(deps: SignInDeps, flow: SignInFlow, login: string): Promise<SignInOutcome> {
  const value = login.trim().toLowerCase();
  const domain = value.includes('@') ? value.split('@')[1]! : '';
  const federated = deps.federatedDomains.some((d) => domain === d || domain.endsWith(`.${d}`));
  const next = await advance(deps, flow, { type: 'identified', login: value, federated });
  return typeof next === 'string' ? show(flow, next === 'expired' ? 'expired' : 'stale') : show(next);
}

export async function submitPassword(deps: SignInDeps, flow: SignInFlow, password: string, ip: string): Promise<SignInOutcome> {
  if (flow.state !== 'password' || flow.expiresAt <= deps.clock.now()) return show(flow, flow.expiresAt <= deps.clock.now() ? 'expired' : 'stale');
  const addressKey = `password-failures:${ip}`;
  if ((await deps.rateLimits.count(addressKey, deps.lockout.windowMs)) >= deps.lockout.perAddress) return refuse(deps, flow, 'throttled');

  const user = flow.context.login ? await deps.users.findByLogin(flow.context.login) : null;
  const hash = user ? await deps.users.passwordHash(user.id) : null;
  // Unknown accounts spend the same time as known ones, so timing reveals nothing.
  const verified = hash ? await verifyPassword(hash, password) : await verifyAgainstDummy(password);
  if (!user || !verified) {
    await deps.rateLimits.hit(addressKey, deps.lockout.windowMs);
    if (user) {
      const failures = await deps.users.recordFailedSignIn(user.id);
      await deps.audit.append({
        actor: 'anonymous',
        action: 'sign_in.password_failed',
        targetType: 'user',
        targetId: user.id,
        ip,
        data: { failures },
      });
      if (shouldLock(failures, deps.lockout) && user.lockedAt === null) {
        await deps.users.lock(user.id);
        await deps.audit.append({ actor: 'system', action: 'user.locked', targetType: 'user', targetId: user.id, ip, data: { failures } });
        return refuse(deps, flow, 'locked');
      }
    }
    if (user?.lockedAt) return refuse(deps, flow, 'locked');
    await advance(deps, flow, { type: 'password_failed' });
    return show({ ...flow, version: flow.version + 1 }, 'wrong_password');
  }
  if (user.lockedAt !== null) return refuse(deps, { ...flow, userId: user.id }, 'locked');
  if (user.status !== 'active') return refuse(deps, { ...flow, userId: user.id }, 'account_inactive');
  // The application's switches are checked before anything completes, so a refusal is shown from here.
  const decision = await deps.checkAccess(flow.context.clientId, user.id);
  if (!decision.ok) return refuse(deps, { ...flow, userId: user.id }, decision.reason);
  const next = await advance(deps, flow, { type: 'password_verified', userId: user.id, next: await secondFactorStep(deps, flow, user, ['pwd']) });
  if (typeof next === 'string') return show(flow, next === 'expired' ? 'expired' : 'stale');
  return next.state === 'completed' ? completeLogin(deps, next) : show(next);
}

/**
 * A code from the person's authenticator app. A wrong code counts like a wrong
 * password (lockout and per-address throttling), so codes cannot be guessed.
 */
export async function submitTotp(deps: SignInDeps, flow: SignInFlow, code: string, ip: string): Promise<SignInOutcome> {
  if (flow.state !== 'factors' || !flow.userId || !(flow.context.factorsOwed ?? []).includes('otp')) return show(flow, 'stale');
  if (flow.expiresAt <= deps.clock.now()) return show(flow, 'expired');
  const addressKey = `password-failures:${ip}`;
  if ((await deps.rateLimits.count(addressKey, deps.lockout.windowMs)) >= deps.lockout.perAddress) return refuse(deps, flow, 'throttled');
  const userId = flow.userId;
  let reused = false;
  for (const factor of await deps.users.totpFactors(userId)) {
    const check = checkTotp(factor.seed, code, deps.clock.now(), factor.lastUsedStep);
    if (check.ok && (await deps.users.recordTotpUse(factor.id, check.step))) {
      const next = await advance(deps, flow, { type: 'factor_verified', method: 'otp' });
      if (typeof next === 'string') return show(flow, next === 'expired' ? 'expired' : 'stale');
      return next.state === 'completed' ? completeLogin(deps, next, next.context.remembered) : show(next);
    }
    reused ||= check.ok || (!check.ok && check.reason === 'reused');
  }
  await deps.rateLimits.hit(addressKey, deps.lockout.windowMs);
  const failures = await deps.users.recordFailedSignIn(userId);
  await deps.audit.append({
    actor: 'anonymous',
    action: 'sign_in.totp_failed',
    targetType: 'user',
    targetId: userId,
    ip,
    data: { failures, reused },
  });
  if (shouldLock(failures, deps.lockout)) {
    await deps.users.lock(userId);
    await deps.audit.append({ actor: 'system', action: 'user.locked', targetType: 'user', targetId: userId, ip, data: { failures } });
    return refuse(deps, flow, 'locked');
  }
  return show(flow, reused ? 'reused_code' : 'wrong_code');
}

/** What the enrolment page shows: the otpauth:// URI (for the QR code) and the seed for typing in. */
export async function totpEnrolment(deps: SignInDeps, flow: SignInFlow): Promise<{ uri: string; seed: string } | null> {
  if (flow.state !== 'enrol' || !flow.context.enrolment || !flow.userId) return null;
  const user = await deps.users.findById(flow.userId);
  if (!user) return null;
  const seed = deps.sealer.open(flow.context.enrolment.sealedSeed, `flows:${flow.id}`);
  return { uri: totpUri(seed, techpassId(user)), seed };
}

/** Confirms a new TOTP factor with a code from the app; the factor is saved only then. */
export async function confirmTotpEnrolment(deps: SignInDeps, flow: SignInFlow, code: string): Promise<SignInOutcome> {
  if (flow.state !== 'enrol' || !flow.context.enrolment || !flow.userId) return show(flow, 'stale');
  const seed = deps.sealer.open(flow.context.enrolment.sealedSeed, `flows:${flow.id}`);
  const check = checkTotp(seed, code, deps.clock.now(), null);
  if (!check.ok) return show(flow, 'wrong_code');
  const next = await advance(deps, flow, { type: 'factor_enrolled', method: 'otp' });
  if (typeof next === 'string') return show(flow, next === 'expired' ? 'expired' : 'stale');
  const factorId = await deps.users.addTotpFactor(flow.userId, 'Authenticator app', seed);
  // The confirming code is spent: it cannot complete another sign-in.
  await deps.users.recordTotpUse(factorId, check.step);
  await deps.audit.append({
    actor: flow.userId,
    action: 'mfa.enrolled',
    targetType: 'user',
    targetId: flow.userId,
    data: { method: 'otp', factorId },
  });
  return completeLogin(deps, next, next.context.remembered);
}

/** The person picked a remembered account: single sign-on if its session is live, else its password. */
export async function pickAccount(deps: SignInDeps, flow: SignInFlow, choice: RememberedChoice | undefined): Promise<SignInOutcome> {
  if (!choice) return show(flow, 'stale');
  const user = await deps.users.findById(choice.userId);
  if (!user) return show(flow, 'stale');
  if (choice.live && user.lockedAt === null && user.status === 'active') {
    const decision = await deps.checkAccess(flow.context.clientId, user.id);
    if (!decision.ok) return refuse(deps, { ...flow, userId: user.id }, decision.reason);
    const step = await secondFactorStep(deps, flow, user, choice.amr);
    const next = await advance(deps, flow, { type: 'remembered_session', userId: user.id, amr: choice.amr, ref: choice.ref, next: step });
    if (typeof next === 'string') return show(flow, next === 'expired' ? 'expired' : 'stale');
    return next.state === 'completed' ? completeLogin(deps, next, choice.ref) : show(next);
  }
  const next = await advance(deps, flow, { type: 'remembered_expired', login: techpassId(user) });
  return typeof next === 'string' ? show(flow, next === 'expired' ? 'expired' : 'stale') : show(next);
}

export async function acceptTerms(deps: SignInDeps, flow: SignInFlow): Promise<SignInOutcome> {
  const client = await deps.clients.findClient(flow.context.clientId);
  if (!client || !flow.userId) return show(flow, 'stale');
  const next = await advance(deps, flow, { type: 'terms_accepted' });
  if (typeof next === 'string') return show(flow, next === 'expired' ? 'expired' : 'stale');
  const scope = deps.forNamespace(asNamespaceId(client.application.namespaceId));
  await scope.terms.accept(asApplicationId(client.application.id), flow.userId, client.application.termsVersion);
  await deps.audit.append({
    actor: flow.userId,
    action: 'terms.accepted',
    targetType: 'application',
    targetId: client.application.id,
    namespaceId: client.application.namespaceId,
    data: { version: client.application.termsVersion },
  });
  return { kind: 'finish', flow: next, result: { consent: true } };
}

/** The person gave up, or was refused: the application learns `access_denied`. */
export function abandon(flow: SignInFlow): SignInOutcome {
  const description =
    flow.state === 'refused' && flow.context.refusal === 'not_assigned'
      ? 'the user has not been given access to this application'
      : flow.state === 'refused'
        ? `sign-in refused (${flow.context.refusal ?? 'refused'})`
        : 'the user cancelled the sign-in';
  return { kind: 'finish', flow, result: { error: 'access_denied', description } };
}
