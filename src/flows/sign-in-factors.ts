/**
 * Second factors at sign-in: TOTP codes, and number matching with the TechPass
 * Authenticator (push). Any one enrolled factor completes the sign-in; "I can't
 * use my phone" asks for another one.
 */
import type { SecondFactorId } from '../contracts/factors.js';
import { currentFactor, type SignInFlow } from '../domain/flows/sign-in.js';
import { totpStrategy } from '../strategies/totp/strategy.js';
import { challengeStatus, claimPushApproval } from './push.js';
import { addressThrottled, attemptCredential } from './credential-attempts.js';
import { attemptFacts } from './sign-in-log.js';
import { factorVerified, move, prepare } from './sign-in-progress.js';
import { advanceWith, refuse, refuseUnlessInGoodStanding, show, type SignInDeps, type SignInOutcome, type SignInRequest } from './sign-in-steps.js';

/**
 * A code from the person's authenticator app. A wrong code counts like a wrong
 * password (lockout and per-address throttling), so codes cannot be guessed.
 */
export async function submitTotp(deps: SignInDeps, flow: SignInFlow, code: string, req: SignInRequest): Promise<SignInOutcome> {
  if (flow.state !== 'factors' || !flow.userId || !(flow.context.factorsOwed ?? []).includes('otp')) return show(flow, 'stale');
  if (flow.expiresAt <= deps.clock.now()) return show(flow, 'expired');
  if (await addressThrottled(deps, req.ip)) return refuse(deps, flow, 'throttled', req);
  const refused = await refuseUnlessInGoodStanding(deps, flow, req);
  if (refused) return refused;
  const userId = flow.userId;
  let reused = false;
  const facts = await attemptFacts(deps, flow, req, [...flow.methodsDone, 'otp']);
  const outcome = await attemptCredential(
    deps,
    userId,
    'totp',
    req.ip,
    async () => {
      const check = await totpStrategy.verify({ factors: await deps.users.totpFactors(userId), code, now: deps.clock.now() });
      // The step is spent by a conditional write: of two sign-ins sending the same code, one wins.
      if (check.kind === 'ok' && (await deps.users.recordTotpUse(check.value.factorId, check.value.step))) return true;
      reused = check.kind === 'ok' || (check.kind === 'failed' && check.reason === 'reused_code');
      return false;
    },
    () => ({ reused }),
    { facts, reason: () => (reused ? 'reused_code' : 'wrong_code') },
  );
  if (outcome === 'ok') return factorVerified(deps, flow, 'otp', req);
  if (outcome === 'locked' || outcome === 'locked_now') return refuse(deps, flow, 'locked', req);
  return show(flow, reused ? 'reused_code' : 'wrong_code');
}

export async function chooseFactor(deps: SignInDeps, flow: SignInFlow, method: SecondFactorId, req: SignInRequest): Promise<SignInOutcome> {
  return move(deps, flow, { type: 'factor_chosen', method }, req);
}

/** "Send again": a new number-matching prompt, unless the last one still waits for an answer. */
export async function sendPushAgain(deps: SignInDeps, flow: SignInFlow, req: SignInRequest): Promise<SignInOutcome> {
  if (flow.state !== 'factors' || currentFactor(flow) !== 'swk') return show(flow);
  return prepare(deps, flow, req, undefined, { renewPush: true });
}

export type PushProgress = 'none' | 'pending' | 'approved' | 'denied' | 'expired' | 'reported';

/** What the sign-in page's poller asks: has the phone answered yet? Reads only. */
export async function pushProgress(deps: SignInDeps, uid: string): Promise<PushProgress | null> {
  const flow = (await deps.flows.findByInteraction(uid)) as SignInFlow | null;
  if (!flow) return null;
  if (!flow.context.push) return 'none';
  const status = await challengeStatus(deps.push, flow.context.push.challengeId);
  return status.found ? status.status : 'none';
}

/** "Continue": completes the sign-in once the phone approved, or says why not yet. */
export async function continuePush(deps: SignInDeps, flow: SignInFlow, req: SignInRequest): Promise<SignInOutcome> {
  if (flow.state !== 'factors' || !flow.userId || !flow.context.push) return show(flow, 'stale');
  const refused = await refuseUnlessInGoodStanding(deps, flow, req);
  if (refused) return refused;
  const status = await challengeStatus(deps.push, flow.context.push.challengeId);
  if (!status.found) return show(flow, 'push_expired');
  switch (status.status) {
    case 'pending':
      return show(flow, 'push_pending');
    case 'expired':
      return show(flow, 'push_expired');
    case 'denied':
      return show(flow, status.reason === 'wrong_number' ? 'push_wrong_number' : 'push_denied');
    case 'reported':
      return refuse(deps, flow, 'reported', req);
    case 'approved': {
      const claimed = await claimPushApproval(deps.push, flow.context.push.challengeId, { userId: flow.userId, flowId: flow.id });
      if (!claimed.ok) return show(flow, 'push_expired');
      return factorVerified(deps, flow, 'swk', req);
    }
  }
}

/**
 * "I can't use my phone" (or this passkey): the sign-in asks for another enrolled
 * factor instead; once it is proven, the lost one is removed and a replacement
 * may be enrolled. With no other factor, the page says who can reset MFA.
 */
export async function startRecovery(deps: SignInDeps, flow: SignInFlow, req: SignInRequest): Promise<SignInOutcome> {
  const lost = currentFactor(flow);
  if (flow.state !== 'factors' || !lost) return show(flow, 'stale');
  if ((flow.context.factorsOwed ?? []).length < 2) return show(flow, 'no_other_factor');
  const started = await advanceWith(deps, flow, { type: 'recovery_started', lost }, async (tx) => {
    await tx.audit.append({ actor: 'anonymous', action: 'mfa.recovery_started', targetType: 'user', targetId: flow.userId, data: { lost } });
    return { ok: true, value: null };
  });
  return started.ok ? prepare(deps, started.flow, req) : show(flow, started.problem);
}
