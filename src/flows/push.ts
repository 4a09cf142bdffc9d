/**
 * Push number matching, the flow service. The sign-in creates a challenge and
 * shows its number; the device lists what waits for it (never the number) and
 * answers with a signed decision; the sign-in page polls the challenge's status
 * and, once approved, claims the approval (once). Expected outcomes are values,
 * each one audited; nothing here throws for a wrong, late or replayed answer.
 *
 * This module is the one entry point: enrolment and fraud handling live beside
 * it and are re-exported here.
 */
import type { UserId } from '../domain/ids.js';
import {
  canonicalAnswer,
  drawChallengeNumber,
  effectiveStatus,
  FAILURE_WINDOW_MS,
  judgeAnswer,
  MAX_OUTSTANDING_CHALLENGES,
  PAUSE_MS,
  shouldPause,
  type AuthenticatorDevice,
  type PushChallenge,
  type PushChallengeStatus,
  type SignedAnswer,
} from '../domain/push.js';
import type { WebPushMessage } from '../contracts/authenticator.js';
import { verifyDeviceSignature } from '../platform/device-keys.js';
import { reportFraud } from './account-risk.js';
import { attemptCredential } from './credential-attempts.js';
import type { PushDeps, PushRepositories } from './push-deps.js';

export { pushSignals, type PushDeps, type PushRepositories, type PushSignals } from './push-deps.js';
export {
  authenticateDevice,
  enrolDevice,
  enrolmentToken,
  issueEnrolmentLink,
  removeOwnDevice,
  subscribeWebPush,
  ENROLMENT_PATH,
  type SignedRequest,
} from './authenticator-enrolment.js';
export { clearRisk, signInBlockedByRisk } from './account-risk.js';

export type PushRefusal = 'no_device' | 'too_many_outstanding' | 'paused' | 'high_risk' | 'account_inactive';

export type CreatedChallenge =
  { ok: true; challengeId: string; number: number; expiresAt: number } | { ok: false; refusal: PushRefusal; pausedUntil?: number };

/** Starts a push prompt for the account's devices; the caller shows `number` in the browser. */
export async function createPushChallenge(
  deps: PushDeps,
  userId: UserId,
  context: { applicationName: string; ip?: string | null; userAgent?: string | null; flowId?: string | null },
): Promise<CreatedChallenge> {
  const refuse = async (refusal: PushRefusal, pausedUntil?: number): Promise<CreatedChallenge> => {
    await deps.audit.append({
      actor: 'system',
      action: 'push.refused',
      targetType: 'user',
      targetId: userId,
      ip: context.ip ?? null,
      data: { refusal, application: context.applicationName, flowId: context.flowId ?? null },
    });
    return pausedUntil === undefined ? { ok: false, refusal } : { ok: false, refusal, pausedUntil };
  };
  const user = await deps.users.findById(userId);
  if (!user) return { ok: false, refusal: 'no_device' };
  if (user.status === 'high_risk') return refuse('high_risk');
  if (user.status !== 'active') return refuse('account_inactive');
  const pausedUntil = await deps.push.pausedUntil(userId);
  if (pausedUntil !== null) return refuse('paused', pausedUntil);
  // Prompts left to expire count as failures too: enough of them pause push before another is sent.
  const pausedNow = await deps.transaction((tx) => pauseWhenDue(tx, userId, deps.clock.now(), context.ip ?? null));
  if (pausedNow !== null) {
    deps.signals?.changed(userId);
    return refuse('paused', pausedNow);
  }
  const devices = await deps.push.devicesOf(userId);
  if (devices.length === 0) return refuse('no_device');

  const created = await deps.push.createChallenge(
    {
      userId,
      number: drawChallengeNumber(),
      flowId: context.flowId ?? null,
      applicationName: context.applicationName.slice(0, 200),
      ip: context.ip ?? null,
      userAgent: context.userAgent?.slice(0, 500) ?? null,
      expiresAt: deps.clock.now() + deps.challengeTtlMs,
    },
    MAX_OUTSTANDING_CHALLENGES,
  );
  if (!created.ok) return refuse('too_many_outstanding');
  const challenge = created.value;
  await deps.audit.append({
    actor: 'system',
    action: 'push.challenge_created',
    targetType: 'user',
    targetId: userId,
    ip: context.ip ?? null,
    data: { challengeId: challenge.id, application: challenge.applicationName, flowId: challenge.flowId, expiresAt: challenge.expiresAt },
  });
  // The account's open device streams on this node hear of it at once; subscribed phones get a Web Push.
  deps.signals?.changed(userId);
  void wakeDevices(deps, devices, challenge);
  return { ok: true, challengeId: challenge.id, number: challenge.number, expiresAt: challenge.expiresAt };
}

/** Web Push to every subscribed device of the account (when configured); forgets subscriptions the push service says are gone. */
async function wakeDevices(deps: PushDeps, devices: AuthenticatorDevice[], challenge: PushChallenge): Promise<void> {
  const sender = deps.webPush;
  if (!sender) return;
  const message: WebPushMessage = {
    type: 'sign_in_request',
    challengeId: challenge.id,
    application: challenge.applicationName,
    expiresAt: challenge.expiresAt,
  };
  const ttlSeconds = Math.max(1, Math.ceil((challenge.expiresAt - deps.clock.now()) / 1000));
  await Promise.all(
    devices.map(async (device) => {
      if (!device.webPush) return;
      const result = await sender.send(device.webPush, JSON.stringify(message), ttlSeconds);
      if (result === 'gone') await deps.push.setWebPush(device.id, null).catch(() => undefined);
    }),
  );
}

/** What a device is shown of a waiting challenge: everything but the number. */
export interface PendingChallenge {
  id: string;
  applicationName: string;
  createdAt: number;
  expiresAt: number;
  ip: string | null;
  userAgent: string | null;
}

/** The challenges waiting for the device's account, newest first. */
export async function pendingChallenges(deps: Pick<PushDeps, 'push'>, deviceId: string): Promise<PendingChallenge[]> {
  const device = await deps.push.findDevice(deviceId);
  if (!device) return [];
  return (await deps.push.pendingChallenges(device.userId)).map((c) => ({
    id: c.id,
    applicationName: c.applicationName,
    createdAt: c.createdAt,
    expiresAt: c.expiresAt,
    ip: c.ip,
    userAgent: c.userAgent,
  }));
}

export type AnswerOutcome =
  'approved' | 'wrong_number' | 'denied' | 'reported' | 'expired' | 'replayed' | 'foreign_device' | 'bad_signature' | 'stale' | 'not_found';

export interface AnswerResult {
  outcome: AnswerOutcome;
  /** Set when this answer paused push for the account. */
  pausedUntil?: number;
}

/**
 * A device's signed answer. Checks, in order: the device's signature, the
 * challenge, its account, the timestamp, expiry and single use, then the number.
 * Wrong numbers and denials (and, when the next prompt is asked for, prompts left to
 * expire) count towards pausing push for the account.
 */
export async function answerChallenge(
  deps: PushDeps,
  deviceId: string,
  challengeId: string,
  answer: SignedAnswer,
  ip: string | null = null,
): Promise<AnswerResult> {
  const device = await deps.push.findDevice(deviceId);
  if (!device) return { outcome: 'foreign_device' };
  const refused = async (outcome: AnswerOutcome, targetId: string): Promise<AnswerResult> => {
    await deps.audit.append({
      actor: device.userId,
      action: 'push.answer_refused',
      targetType: 'user',
      targetId,
      ip,
      data: { outcome, challengeId, deviceId, decision: answer.decision },
    });
    return { outcome };
  };
  if (!verifyDeviceSignature(device.publicKeyJwk, canonicalAnswer(challengeId, answer), answer.signature)) {
    return refused('bad_signature', device.userId);
  }
  const challenge = await deps.push.findChallenge(challengeId);
  if (!challenge) return refused('not_found', device.userId);
  const now = deps.clock.now();
  const judgement = judgeAnswer(challenge, device, answer, now);
  if (judgement.kind === 'expired') await deps.push.markExpired(challenge.id);
  if (judgement.kind !== 'settle') return refused(judgement.kind, challenge.userId);

  const result = await deps.transaction(async (tx): Promise<AnswerResult> => {
    const won = await tx.push.settleChallenge(challenge.id, { status: judgement.status, outcome: judgement.outcome, deviceId });
    // Another answer (or the clock) got there first: this one changes nothing.
    if (!won) return { outcome: effectiveStatus(challenge, deps.clock.now()) === 'expired' ? 'expired' : 'replayed' };
    await tx.push.touchDevice(deviceId);
    if (judgement.outcome === 'reported') {
      await reportFraud(tx, deps, challenge, deviceId, ip);
      return { outcome: 'reported' };
    }
    await tx.audit.append({
      actor: challenge.userId,
      action: `push.${judgement.outcome}`,
      targetType: 'user',
      targetId: challenge.userId,
      ip,
      data: { challengeId: challenge.id, deviceId, application: challenge.applicationName, flowId: challenge.flowId },
    });
    if (judgement.outcome === 'approved') return { outcome: 'approved' };
    if (judgement.outcome === 'wrong_number') await countWrongNumber(tx, deps, challenge.userId);
    const until = await pauseWhenDue(tx, challenge.userId, now, ip);
    return until === null ? { outcome: judgement.outcome } : { outcome: judgement.outcome, pausedUntil: until };
  });
  if (result.outcome === 'replayed' || result.outcome === 'expired') return refused(result.outcome, challenge.userId);
  // Answered: it leaves the lists of the account's other devices at once.
  deps.signals?.changed(challenge.userId);
  return result;
}

/**
 * A wrong number counts in the one lockout, like a wrong password or code (it is already
 * inside the answer's transaction). The phone's address is not the sign-in's, so it is not
 * counted against an address.
 */
async function countWrongNumber(tx: PushRepositories, deps: PushDeps, userId: UserId): Promise<void> {
  const inThisTransaction = { ...tx, lockout: deps.lockout, transaction: <T>(fn: (t: typeof tx) => Promise<T>) => fn(tx) };
  await attemptCredential(inThisTransaction, userId, 'push_number', null, async () => false);
}

/**
 * Pauses push for the account when the failures in the window (wrong numbers, denials,
 * ignored prompts) reach the threshold and it is not paused already: its waiting
 * prompts close, and the pause is audited. Answers the end of the new pause, or null.
 */
async function pauseWhenDue(tx: PushRepositories, userId: UserId, now: number, ip: string | null): Promise<number | null> {
  const failures = await tx.push.failuresSince(userId, now - FAILURE_WINDOW_MS);
  if (!shouldPause(failures) || (await tx.push.pausedUntil(userId)) !== null) return null;
  const until = now + PAUSE_MS;
  await tx.push.pause(userId, until);
  const expired = await tx.push.expirePending(userId);
  await tx.audit.append({
    actor: 'system',
    action: 'push.paused',
    targetType: 'user',
    targetId: userId,
    ip,
    data: { failures, pausedUntil: until, expired },
  });
  return until;
}

/** What the sign-in page polls. */
export type ChallengeStatus =
  | { found: false }
  | {
      found: true;
      status: PushChallengeStatus;
      /** Why a denied challenge was denied: the person said no, or typed another number. */
      reason: 'wrong_number' | 'denied' | null;
      userId: UserId;
      flowId: string | null;
      expiresAt: number;
      /** Whether a sign-in already used this approval. */
      consumed: boolean;
    };

export async function challengeStatus(deps: Pick<PushDeps, 'push' | 'clock'>, challengeId: string): Promise<ChallengeStatus> {
  const challenge = await deps.push.findChallenge(challengeId);
  if (!challenge) return { found: false };
  const status = effectiveStatus(challenge, deps.clock.now());
  const reason = status === 'denied' ? (challenge.outcome === 'wrong_number' ? 'wrong_number' : 'denied') : null;
  return {
    found: true,
    status,
    reason,
    userId: challenge.userId,
    flowId: challenge.flowId,
    expiresAt: challenge.expiresAt,
    consumed: challenge.consumedAt !== null,
  };
}

export type ClaimedApproval = { ok: true } | { ok: false; reason: 'not_found' | 'not_yours' | 'not_approved' | 'already_used' };

/**
 * The sign-in takes an approval for itself: the challenge must be approved, be
 * the account's (and the flow's, when it was created for one), and not have been
 * used before. Of two claims racing, one wins.
 */
export async function claimPushApproval(
  deps: Pick<PushDeps, 'push' | 'clock'>,
  challengeId: string,
  expected: { userId: UserId; flowId?: string | null },
): Promise<ClaimedApproval> {
  const challenge = await deps.push.findChallenge(challengeId);
  if (!challenge) return { ok: false, reason: 'not_found' };
  if (challenge.userId !== expected.userId || (challenge.flowId !== null && challenge.flowId !== (expected.flowId ?? null))) {
    return { ok: false, reason: 'not_yours' };
  }
  if (challenge.status !== 'approved') return { ok: false, reason: 'not_approved' };
  return (await deps.push.consumeApproval(challengeId)) ? { ok: true } : { ok: false, reason: 'already_used' };
}
