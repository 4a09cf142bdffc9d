/**
 * Signing in through an integrated identity provider (issue 17). The identify page
 * sends a person whose e-mail domain belongs to a provider there (`sendToProvider`);
 * the provider sends the browser back to the callback, which the HTTP layer hands to
 * `federationAnswered` with the interaction's uid (read from `state` and confirmed by
 * the interaction's own cookie). Then, like after a password: the account's standing,
 * the application's switches and TechPass MFA.
 *
 * Linking: an upstream identity (issuer, subject) links to exactly one account. The
 * first time, it links to the account whose e-mail the provider vouches for (verified,
 * within the provider's domains); an identity without an account is refused with a page
 * that says how to get one. Nothing is created silently.
 */
import { constantTimeEqual } from '../platform/secrets.js';
import type { FederationFailure, FederationRequest, SignInEvent, SignInFlow } from '../domain/flows/sign-in.js';
import type { UpstreamProvider } from '../domain/identity-providers.js';
import { techpassId, type User } from '../domain/users.js';
import { profileFromProvider } from '../domain/federated-identities.js';
import type { UpstreamIdentity } from '../strategies/upstream-oidc/strategy.js';
import { secondFactorStep, settle } from './sign-in-progress.js';
import { signInStanding } from './sign-in-onboarding.js';
import { attemptFacts, failedAttempt } from './sign-in-log.js';
import { advance, advanceWith, refuse, show, unmoved, type SignInDeps, type SignInOutcome, type SignInRequest } from './sign-in-steps.js';

export type { FederationDeps } from './sign-in-steps.js';

/** The provider an e-mail's domain belongs to: enabled (sign in there), turned off (refused), or none (a local account). */
export type ProviderMatch = { kind: 'enabled'; provider: UpstreamProvider } | { kind: 'disabled'; name: string } | { kind: 'none' };

/** Home-realm discovery for an e-mail (or a username, which no provider serves). */
export async function providerFor(deps: Pick<SignInDeps, 'federation'>, login: string): Promise<ProviderMatch> {
  const enabled = await deps.federation.directory.forEmail(login);
  if (enabled) return { kind: 'enabled', provider: enabled };
  const claimed = await deps.federation.directory.claimedBy(login);
  return claimed ? { kind: 'disabled', name: claimed.name } : { kind: 'none' };
}

/** What the callback brought back: its query as the provider sent it. */
export interface FederationCallback {
  query: URLSearchParams;
  correlationId: string;
}

/** Sends the browser to the provider with a new authorization request, which the flow keeps. */
export async function sendToProvider(
  deps: SignInDeps,
  flow: SignInFlow,
  provider: UpstreamProvider,
  loginHint: string | undefined,
  event: (federation: FederationRequest) => SignInEvent,
): Promise<SignInOutcome> {
  const started = await deps.federation.strategy.challenge({
    provider,
    redirectUri: deps.federation.callbackUrl,
    now: deps.clock.now(),
    ...(flow.interactionUid ? { bindTo: flow.interactionUid } : {}),
    ...(loginHint ? { loginHint } : {}),
  });
  if (started.kind !== 'ok') return show(flow, 'stale');
  const next = await advance(deps, flow, event(started.value.request));
  if (typeof next === 'string') return unmoved(flow, next);
  return { kind: 'upstream', flow: next, url: started.value.url };
}

/** "Continue to <provider>" (after Back from the provider, or a reload): a new request replaces the old one. */
export async function federateAgain(deps: SignInDeps, flow: SignInFlow, req?: SignInRequest): Promise<SignInOutcome> {
  if (flow.state !== 'federating' || !flow.context.login) return show(flow, 'stale');
  const match = await providerFor(deps, flow.context.login);
  if (match.kind === 'disabled') return refuse(deps, flow, 'federation_unavailable', req);
  if (match.kind === 'none') return show(flow, 'stale');
  return sendToProvider(deps, flow, match.provider, flow.context.login, (federation) => ({ type: 'federation_started', federation }));
}

/** The `state` the flow's request was sent with carries the interaction's uid, so the callback finds its way back. */
export const STATE_SEPARATOR = '.';
export const interactionOfState = (state: string): string | null => {
  const at = state.lastIndexOf(STATE_SEPARATOR);
  return at > 0 ? state.slice(0, at) : null;
};

/**
 * The provider's answer for this flow. A flow that waits for no answer (it moved on,
 * or the answer was used) refuses it without a change; anything else that fails goes
 * back to the identify page with the reason and the correlation id, audited.
 */
export async function federationAnswered(
  deps: SignInDeps,
  flow: SignInFlow,
  callback: FederationCallback,
  req: SignInRequest,
): Promise<SignInOutcome> {
  const request = flow.context.federation;
  // A replayed or late answer: the request it answered is gone (used, or replaced).
  if (flow.state !== 'federating' || !request) return show(flow, 'federation_replayed');
  const given = callback.query.get('state') ?? '';
  if (!constantTimeEqual(given, request.state)) return show(flow, 'federation_replayed');

  const provider = await deps.federation.directory.byName(request.provider);
  if (!provider) return refuse(deps, flow, 'federation_unavailable', req);
  const callbackUrl = new URL(deps.federation.callbackUrl);
  callbackUrl.search = callback.query.toString();
  const answer = await deps.federation.strategy.verifyAnswer({ provider, request, callbackUrl });
  if (answer.kind !== 'ok') return failed(deps, flow, provider, answer.refusal.reason, answer.refusal.detail, callback, req);
  const identity = answer.value;

  const link = await deps.federatedIdentities.find(identity.issuer, identity.subject);
  let user: User | null = link ? await deps.users.findById(link.userId) : null;
  if (!link) {
    // The first sign-in of this identity: the account the provider's verified e-mail names, if any.
    user = identity.email && identity.emailVerified ? await deps.users.findByLogin(identity.email) : null;
    if (user && user.email.toLowerCase() !== identity.email) user = null;
    if (user && (await deps.federatedIdentities.ofUser(user.id)).some((l) => l.providerId === provider.id)) {
      return failed(deps, flow, provider, 'identity_conflict', `account ${user.id} is linked to another ${provider.name} identity`, callback, req);
    }
  }
  if (!user) return noAccount(deps, flow, provider, identity, req);

  // A pending account is refused unless this browser opened its onboarding link (sign-in-onboarding.ts).
  const standing = await signInStanding(deps, user, req);
  if (standing) return refuse(deps, { ...flow, userId: user.id }, standing, req);
  const decision = await deps.checkAccess(flow.context.clientId, user.id);
  if (!decision.ok) return refuse(deps, { ...flow, userId: user.id }, decision.reason, req);
  const next = await secondFactorStep(deps, flow, user, ['fed'], req);
  const account = user;
  // The link (the first time), its use, the audit and the flow's move are written together, the flow last.
  const moved = await advanceWith(
    deps,
    flow,
    { type: 'federated', userId: account.id, login: techpassId(account), provider: provider.name, next },
    async (tx) => {
      if (!link) {
        const made = await tx.federatedIdentities.link({
          providerId: provider.id,
          issuer: identity.issuer,
          subject: identity.subject,
          userId: account.id,
        });
        if (!made.ok) return { ok: false, problem: 'stale' };
      } else {
        await tx.federatedIdentities.touch(identity.issuer, identity.subject);
      }
      const profile = profileFromProvider(account, identity);
      if (profile) await tx.users.updateFromProvider(account.id, profile.facts);
      await tx.audit.append({
        actor: account.id,
        action: 'federation.sign_in',
        targetType: 'user',
        targetId: account.id,
        data: {
          provider: provider.name,
          subject: identity.subject,
          result: 'succeeded',
          linked: !link,
          upstreamAmr: identity.amr,
          clientId: flow.context.clientId,
          ...(profile ? { profile: profile.changes } : {}),
        },
      });
      return { ok: true, value: null };
    },
  );
  return moved.ok ? settle(deps, moved.flow, req) : show(flow, moved.problem);
}

async function failed(
  deps: SignInDeps,
  flow: SignInFlow,
  provider: UpstreamProvider,
  reason: FederationFailure,
  detail: string,
  callback: FederationCallback,
  req: SignInRequest,
): Promise<SignInOutcome> {
  const facts = await attemptFacts(deps, flow, { ...req, correlationId: callback.correlationId }, ['fed']);
  const moved = await advanceWith(
    deps,
    flow,
    { type: 'federation_failed', reason, provider: provider.name, correlationId: callback.correlationId },
    async (tx) => {
      await tx.audit.append({
        actor: 'anonymous',
        action: 'federation.sign_in',
        targetType: 'identity_provider',
        targetId: provider.id,
        data: {
          provider: provider.name,
          result: 'failed',
          reason,
          detail: detail.slice(0, 500),
          correlationId: callback.correlationId,
          clientId: flow.context.clientId,
        },
      });
      await tx.signInLog.record(failedAttempt(facts, reason));
      return { ok: true, value: null };
    },
  );
  return moved.ok
    ? { kind: 'show', flow: moved.flow, failure: { reason, detail } }
    : { kind: 'show', flow, problem: moved.problem, failure: { reason, detail } };
}

/** An upstream identity with no TechPass account: refused with a page on how to get one, nothing created. */
async function noAccount(
  deps: SignInDeps,
  flow: SignInFlow,
  provider: UpstreamProvider,
  identity: UpstreamIdentity,
  req: SignInRequest,
): Promise<SignInOutcome> {
  await deps.audit.append({
    actor: 'anonymous',
    action: 'federation.sign_in',
    targetType: 'identity_provider',
    targetId: provider.id,
    data: {
      provider: provider.name,
      subject: identity.subject,
      result: 'no_account',
      emailVerified: identity.emailVerified,
      clientId: flow.context.clientId,
    },
  });
  return refuse(deps, { ...flow, context: { ...flow.context, ...(identity.email ? { login: identity.email } : {}) } }, 'no_account', req);
}
