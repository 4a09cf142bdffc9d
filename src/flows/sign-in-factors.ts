/**
 * Second factors at sign-in: TOTP codes, enrolling an authenticator app when a
 * sign-in needs a second factor the account lacks, and number matching with the
 * TechPass Authenticator (push). Any one enrolled factor completes the sign-in.
 */
import { type SignInFlow } from '../domain/flows/sign-in.js';
import { techpassId } from '../domain/users.js';
import { checkTotp, totpUri } from '../strategies/totp/totp.js';
import { challengeStatus, claimPushApproval, createPushChallenge } from './push.js';
import { addressThrottled, attemptCredential } from './credential-attempts.js';
import {
  advance,
  advanceWith,
  completeLogin,
  factorVerified,
  refuse,
  refuseUnlessInGoodStanding,
  show,
  type SignInDeps,
  type SignInOutcome,
} from './sign-in-steps.js';

/**
 * A code from the person's authenticator app. A wrong code counts like a wrong
 * password (lockout and per-address throttling), so codes cannot be guessed.
 */
export async function submitTotp(deps: SignInDeps, flow: SignInFlow, code: string, ip: string): Promise<SignInOutcome> {
  if (flow.state !== 'factors' || !flow.userId || !(flow.context.factorsOwed ?? []).includes('otp')) return show(flow, 'stale');
  if (flow.expiresAt <= deps.clock.now()) return show(flow, 'expired');
  if (await addressThrottled(deps, ip)) return refuse(deps, flow, 'throttled');
  const refused = await refuseUnlessInGoodStanding(deps, flow);
  if (refused) return refused;
  const userId = flow.userId;
  let reused = false;
  const outcome = await attemptCredential(
    deps,
    userId,
    'totp',
    ip,
    async () => {
      for (const factor of await deps.users.totpFactors(userId)) {
        const check = checkTotp(factor.seed, code, deps.clock.now(), factor.lastUsedStep);
        if (check.ok && (await deps.users.recordTotpUse(factor.id, check.step))) return true;
        reused ||= check.ok || (!check.ok && check.reason === 'reused');
      }
      return false;
    },
    () => ({ reused }),
  );
  if (outcome === 'ok') return factorVerified(deps, flow, 'otp');
  if (outcome === 'locked' || outcome === 'locked_now') return refuse(deps, flow, 'locked');
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
  if (flow.state !== 'enrol' || !flow.context.enrolment?.methods.includes('otp') || !flow.userId) return show(flow, 'stale');
  const seed = deps.sealer.open(flow.context.enrolment.sealedSeed, `flows:${flow.id}`);
  const check = checkTotp(seed, code, deps.clock.now(), null);
  if (!check.ok) return show(flow, 'wrong_code');
  const refused = await refuseUnlessInGoodStanding(deps, flow);
  if (refused) return refused;
  const userId = flow.userId;
  const enrolled = await advanceWith(deps, flow, { type: 'factor_enrolled', method: 'otp' }, async (tx) => {
    const factorId = await tx.users.addTotpFactor(userId, 'Authenticator app', seed);
    // The confirming code is spent: it cannot complete another sign-in.
    await tx.users.recordTotpUse(factorId, check.step);
    await tx.audit.append({ actor: userId, action: 'mfa.enrolled', targetType: 'user', targetId: userId, data: { method: 'otp', factorId } });
    return { ok: true, value: factorId };
  });
  if (!enrolled.ok) return show(flow, enrolled.problem);
  return completeLogin(deps, enrolled.flow, enrolled.flow.context.remembered);
}

/** The factor the sign-in page asks for now: the one chosen, else the preferred one. */
export function currentFactor(flow: SignInFlow): string | undefined {
  const owed = flow.context.factorsOwed ?? [];
  return flow.context.factorChoice && owed.includes(flow.context.factorChoice) ? flow.context.factorChoice : owed[0];
}

export async function chooseFactor(deps: SignInDeps, flow: SignInFlow, method: string): Promise<SignInOutcome> {
  const next = await advance(deps, flow, { type: 'factor_chosen', method });
  return typeof next === 'string' ? show(flow, next === 'expired' ? 'expired' : 'stale') : show(next);
}

/**
 * Sends a number-matching prompt to the account's authenticator, unless the
 * sign-in already has one still waiting (a page reload does not send another).
 */
export async function startPush(
  deps: SignInDeps,
  flow: SignInFlow,
  client: { ip: string; userAgent: string },
  renew = false,
): Promise<SignInOutcome> {
  if (flow.state !== 'factors' || currentFactor(flow) !== 'swk' || !flow.userId) return show(flow);
  const refused = await refuseUnlessInGoodStanding(deps, flow);
  if (refused) return refused;
  const existing = flow.context.push;
  if (existing && !renew) {
    const status = await challengeStatus(deps.push, existing.challengeId);
    if (status.found && status.status === 'pending') return show(flow);
  }
  const created = await createPushChallenge(deps.push, flow.userId, {
    applicationName: flow.context.applicationName,
    ip: client.ip,
    userAgent: client.userAgent,
    flowId: flow.id,
  });
  if (!created.ok) {
    if (created.refusal === 'high_risk') return refuse(deps, flow, 'reported');
    return show(flow, 'push_unavailable');
  }
  const next = await advance(deps, flow, {
    type: 'push_started',
    challengeId: created.challengeId,
    number: created.number,
    expiresAt: created.expiresAt,
  });
  return typeof next === 'string' ? show(flow, next === 'expired' ? 'expired' : 'stale') : show(next);
}

export type PushProgress = 'none' | 'pending' | 'approved' | 'denied' | 'expired' | 'reported';

/** What the sign-in page's poller asks: has the phone answered yet? */
export async function pushProgress(deps: SignInDeps, flow: SignInFlow): Promise<PushProgress> {
  if (!flow.context.push) return 'none';
  const status = await challengeStatus(deps.push, flow.context.push.challengeId);
  return status.found ? status.status : 'none';
}

/** "Continue": completes the sign-in once the phone approved, or says why not yet. */
export async function continuePush(deps: SignInDeps, flow: SignInFlow): Promise<SignInOutcome> {
  if (flow.state !== 'factors' || !flow.userId || !flow.context.push) return show(flow, 'stale');
  const refused = await refuseUnlessInGoodStanding(deps, flow);
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
      return refuse(deps, flow, 'reported');
    case 'approved': {
      const claimed = await claimPushApproval(deps.push, flow.context.push.challengeId, { userId: flow.userId, flowId: flow.id });
      if (!claimed.ok) return show(flow, 'push_expired');
      return factorVerified(deps, flow, 'swk');
    }
  }
}

/**
 * "I can't use my phone" (or this passkey): the sign-in asks for another enrolled
 * factor instead; once it is proven, the lost one is removed and a replacement
 * may be enrolled. With no other factor, the page says who can reset MFA.
 */
export async function startRecovery(deps: SignInDeps, flow: SignInFlow): Promise<SignInOutcome> {
  const lost = currentFactor(flow);
  if (flow.state !== 'factors' || !lost) return show(flow, 'stale');
  if ((flow.context.factorsOwed ?? []).length < 2) return show(flow, 'no_other_factor');
  const next = await advance(deps, flow, { type: 'recovery_started', lost });
  if (typeof next === 'string') return show(flow, next === 'expired' ? 'expired' : 'stale');
  await deps.audit.append({ actor: 'anonymous', action: 'mfa.recovery_started', targetType: 'user', targetId: flow.userId, data: { lost } });
  return show(next);
}
