/**
 * The sign-in flow service: opens a flow for a provider interaction and advances
 * it on each post. It knows nothing of HTTP or of the provider: the HTTP layer
 * hands it the interaction's facts and a step's parsed form, and maps what the
 * step answers to a redirect; a page is shown from the flow by sign-in-view.ts,
 * without writing. When the flow completes, the step answers the result to hand
 * back to the provider.
 */
import { randomBytes } from 'node:crypto';
import { SECOND_FACTORS, STORED_KIND, type SecondFactorId } from '../contracts/factors.js';
import { SIGN_IN_FLOW_TTL_MS, type SignInFlow } from '../domain/flows/sign-in.js';
import { asApplicationId, asNamespaceId, type UserId } from '../domain/ids.js';
import type { PushRepository, UserRepository } from '../domain/repositories.js';
import { techpassId, type User } from '../domain/users.js';
import { newId } from '../platform/ids.js';
import { verifyAgainstDummy } from '../strategies/password/hash.js';
import { passwordStrategy } from '../strategies/password/strategy.js';
import { addressThrottled, attemptCredential, countAddressFailure } from './credential-attempts.js';
import { firstStepVerified, move, secondFactorStep } from './sign-in-progress.js';
import { providerFor, sendToProvider } from './sign-in-federation.js';
import { activationFor } from './sign-in-activation.js';
import { onboardingLogin } from './sign-in-onboarding.js';
import { attemptFacts, failedAttempt } from './sign-in-log.js';
import {
  advance,
  advanceWith,
  refuse,
  show,
  type InteractionFacts,
  type RememberedChoice,
  type SignInDeps,
  type SignInOutcome,
  type SignInRequest,
} from './sign-in-steps.js';

export * from './sign-in-enrolment.js';
export * from './sign-in-federation.js';
export * from './sign-in-factors.js';
export * from './sign-in-passkeys.js';
export * from './sign-in-steps.js';

/**
 * The second factors an account has enrolled, preferred first: a passkey (hwk,
 * phishing-resistant), the TechPass Authenticator's push (swk), then TOTP.
 */
export function enrolledFactors(users: UserRepository, push: Pick<PushRepository, 'devicesOf'>) {
  return async (user: User): Promise<SecondFactorId[]> => {
    const kinds = new Set((await users.listFactors(user.id)).map((f) => f.kind));
    const devices = await push.devicesOf(user.id);
    const enrolled = { hwk: kinds.has(STORED_KIND.hwk), swk: devices.length > 0, otp: kinds.has(STORED_KIND.otp) };
    return SECOND_FACTORS.filter((m) => enrolled[m]);
  };
}

/** Finds the flow of this interaction or opens one in the state the interaction calls for. */
export async function openSignIn(
  deps: SignInDeps,
  facts: InteractionFacts,
  req: Pick<SignInRequest, 'rememberedRefs' | 'onboarding'> & Partial<SignInRequest>,
): Promise<SignInOutcome> {
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
    context: {
      clientId: facts.clientId,
      applicationName: client?.application.name ?? facts.clientId,
      ...(facts.requestedPrompts.includes('login') ? { reauthenticate: true } : {}),
    },
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
      await logRefusalAtOpen(deps, flow, req);
      return show(flow);
    }
  }
  if (client && !client.application.signInEnabled) {
    flow.state = 'refused';
    flow.context.refusal = 'sign_in_disabled';
  } else if (facts.requestedPrompts.includes('select_account') || (await rememberedChoices(deps, req.rememberedRefs)).length > 1) {
    flow.state = 'choose_account';
  } else {
    flow.state = 'identify';
    // The TechPass ID the application hinted, else the one this browser is onboarding (its link opened here).
    const login = facts.loginHint ?? (await onboardingLogin(deps, req.onboarding));
    if (login) flow.context.login = login;
  }
  // The identify page offers "Sign in with a passkey": its challenge is bound to this flow, which completes once.
  flow.context.webauthn = { challenge: randomBytes(32).toString('base64url') };
  await deps.flows.create(flow);
  if (flow.state === 'refused') await logRefusalAtOpen(deps, flow, req);
  return show(flow);
}

/** A sign-in refused as it opens (the application's sign-in is off, or the session's account may not use it): a failed line. */
async function logRefusalAtOpen(deps: SignInDeps, flow: SignInFlow, req: Partial<SignInRequest>): Promise<void> {
  const request = req.ip === undefined ? undefined : { ip: req.ip, userAgent: req.userAgent ?? '', correlationId: req.correlationId };
  await deps.signInLog.record(failedAttempt(await attemptFacts(deps, flow, request), flow.context.refusal ?? 'refused'));
}

export async function useAnotherAccount(deps: SignInDeps, flow: SignInFlow, req: SignInRequest): Promise<SignInOutcome> {
  return move(deps, flow, { type: 'use_another_account' }, req);
}

export async function submitIdentifier(deps: SignInDeps, flow: SignInFlow, login: string, req: SignInRequest): Promise<SignInOutcome> {
  const value = login.trim().toLowerCase();
  // An empty form shows the page again.
  if (!value) return show(flow);
  // A form from a page the flow has left (another tab, Back) moves nothing: the state machine says why.
  if (flow.state !== 'identify') return move(deps, flow, { type: 'identified', login: value }, req);
  // A pending vendor's first sign-in asks for its SMS activation code and a new password (sign-in-activation.ts).
  const activation = await activationFor(deps, flow, value, req);
  if (activation) return activation;
  // Home-realm discovery: people of an integrated organisation sign in at its identity provider.
  const match = await providerFor(deps, value);
  if (match.kind === 'disabled') return refuse(deps, { ...flow, context: { ...flow.context, login: value } }, 'federation_unavailable', req);
  if (match.kind === 'enabled') {
    return sendToProvider(deps, flow, match.provider, value, (federation) => ({ type: 'identified', login: value, federation }));
  }
  return move(deps, flow, { type: 'identified', login: value }, req);
}

export async function submitPassword(deps: SignInDeps, flow: SignInFlow, password: string, req: SignInRequest): Promise<SignInOutcome> {
  if (flow.state !== 'password' || flow.expiresAt <= deps.clock.now()) return show(flow, flow.expiresAt <= deps.clock.now() ? 'expired' : 'stale');
  const ip = req.ip;
  if (await addressThrottled(deps, ip)) return refuse(deps, flow, 'throttled', req);

  const user = flow.context.login ? await deps.users.findByLogin(flow.context.login) : null;
  const hash = user ? await deps.users.passwordHash(user.id) : null;
  // An unknown account, an account without a password and a locked one answer as a wrong
  // password does, after the same work (one argon2 verification): nothing tells them apart.
  const check = async () => (await passwordStrategy.verify({ hash, password })).kind === 'ok';
  const facts = await attemptFacts(deps, { ...flow, userId: user?.id ?? null }, req, ['pwd']);
  const logged = { facts, reason: () => 'wrong_password' };
  const outcome = user && hash ? await attemptCredential(deps, user.id, 'password', ip, check, undefined, logged) : (await check(), null);
  if (outcome !== 'ok') {
    // A locked account's password is not checked, but the same work is done.
    if (outcome === 'locked') await verifyAgainstDummy(password);
    if (outcome === null) await countAddressFailure(deps, ip);
    // A wrong password is logged with its audit event (attemptCredential); these are no audit event.
    if (outcome === 'locked' || outcome === null) {
      await deps.signInLog.record(failedAttempt(facts, outcome === 'locked' ? 'locked' : user ? 'no_password' : 'unknown_account'));
    }
    await advance(deps, flow, { type: 'password_failed' });
    return show({ ...flow, version: flow.version + 1 }, 'wrong_password');
  }
  return firstStepVerified(deps, flow, user!, 'pwd', (next) => ({ type: 'password_verified', userId: user!.id, next }), req);
}

/** The browser's remembered accounts, as the picker offers them: live (single sign-on) or not. */
export async function rememberedChoices(deps: SignInDeps, refs: string[]): Promise<RememberedChoice[]> {
  const now = deps.clock.now();
  const rows = await deps.remembered.find(refs);
  return rows.map((r) => ({ ref: r.ref, userId: r.userId, amr: r.amr, live: r.sessionExpiresAt !== null && r.sessionExpiresAt > now }));
}

/** The person picked a remembered account: single sign-on if its session is live (and no new sign-in was asked for), else its password. */
export async function pickAccount(deps: SignInDeps, flow: SignInFlow, ref: string, req: SignInRequest): Promise<SignInOutcome> {
  const choice = (await rememberedChoices(deps, req.rememberedRefs)).find((c) => c.ref === ref);
  if (!choice) return show(flow, 'stale');
  const user = await deps.users.findById(choice.userId);
  if (!user) return show(flow, 'stale');
  // prompt=login: the person signs in again even where a session is live.
  if (choice.live && !flow.context.reauthenticate && user.lockedAt === null && user.status === 'active') {
    const decision = await deps.checkAccess(flow.context.clientId, user.id);
    if (!decision.ok) return refuse(deps, { ...flow, userId: user.id }, decision.reason, req);
    const step = await secondFactorStep(deps, flow, user, choice.amr, req);
    return move(deps, flow, { type: 'remembered_session', userId: user.id, amr: choice.amr, ref: choice.ref, next: step }, req);
  }
  // A federated account signs in at its provider again, the provider told who is expected.
  const match = await providerFor(deps, user.email);
  if (match.kind === 'disabled') return refuse(deps, { ...flow, userId: user.id }, 'federation_unavailable', req);
  if (match.kind === 'enabled') {
    return sendToProvider(deps, flow, match.provider, user.email, (federation) => ({
      type: 'remembered_expired',
      login: techpassId(user),
      federation,
    }));
  }
  return move(deps, flow, { type: 'remembered_expired', login: techpassId(user) }, req);
}

/** "Forget this account" in the picker: the browser no longer remembers it; with none left, the identify page. */
export async function forgetAccount(deps: SignInDeps, flow: SignInFlow, ref: string, req: SignInRequest): Promise<SignInOutcome> {
  if (!req.rememberedRefs.includes(ref)) return show(flow);
  await deps.remembered.forget(ref);
  const left = req.rememberedRefs.filter((r) => r !== ref);
  const outcome = left.length > 0 ? show(flow) : await useAnotherAccount(deps, flow, { ...req, rememberedRefs: left });
  return { ...outcome, rememberedRefs: left };
}

export async function acceptTerms(deps: SignInDeps, flow: SignInFlow): Promise<SignInOutcome> {
  const client = await deps.clients.findClient(flow.context.clientId);
  if (!client || !flow.userId) return show(flow, 'stale');
  const userId = flow.userId;
  const application = client.application;
  // The acceptance, its audit and the flow's move are written together, the flow last.
  const accepted = await advanceWith(deps, flow, { type: 'terms_accepted' }, async (tx) => {
    await tx.forNamespace(asNamespaceId(application.namespaceId)).terms.accept(asApplicationId(application.id), userId, application.termsVersion);
    await tx.audit.append({
      actor: userId,
      action: 'terms.accepted',
      targetType: 'application',
      targetId: application.id,
      namespaceId: application.namespaceId,
      data: { version: application.termsVersion },
    });
    return { ok: true, value: null };
  });
  return accepted.ok ? { kind: 'finish', flow: accepted.flow, result: { consent: true } } : show(flow, accepted.problem);
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
