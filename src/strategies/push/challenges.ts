/**
 * A push challenge's lifecycle: created for a sign-in (and the account's phones
 * woken), listed for the account's devices (never the number), answered once
 * with a signed decision, polled by the sign-in page and, once approved, claimed
 * by one sign-in. Expected outcomes are values, each one audited; nothing here
 * throws for a wrong, late or replayed answer.
 *
 * What the flows add around an answer (the one lockout counting a wrong number,
 * a fraud report ending the account's sessions) comes in as `AnswerHooks`, run
 * inside the answer's transaction.
 */
import type { WebPushMessage } from '../../contracts/authenticator.js';
import type { UserId } from '../../domain/ids.js';
import type { AuthenticatorDevice, PushChallenge, PushChallengeStatus } from '../../domain/push.js';
import type { Repositories, Transactional } from '../../domain/repositories.js';
import type { Clock } from '../../platform/clock.js';
import { verifyDeviceSignature } from '../../platform/device-keys.js';
import type { PushSignals } from '../../platform/notices.js';
import type { WebPushSender } from '../../platform/web-push.js';
import {
  canonicalAnswer,
  drawChallengeNumber,
  effectiveStatus,
  FAILURE_WINDOW_MS,
  judgeAnswer,
  MAX_OUTSTANDING_CHALLENGES,
  PAUSE_MS,
  shouldPause,
  type SignedAnswer,
} from './rules.js';

/** What a challenge's lifecycle writes in one transaction. */
export type ChallengeRepositories = Pick<Repositories, 'push' | 'audit'>;

export interface ChallengeDeps extends ChallengeRepositories, Transactional<ChallengeRepositories> {
  clock: Clock;
  /** How long a challenge waits for an answer (PUSH_CHALLENGE_TTL). */
  challengeTtlMs: number;
  /** Tells this node's device streams at once that an account's prompts changed (other nodes' changes are polled). */
  signals?: PushSignals;
  /** Wakes subscribed authenticator apps by Web Push, when VAPID keys are configured. */
  webPush?: WebPushSender;
}

export type PushRefusal = 'no_device' | 'too_many_outstanding' | 'paused' | 'high_risk' | 'account_inactive';

export type CreatedChallenge =
  { ok: true; challengeId: string; number: number; expiresAt: number } | { ok: false; refusal: PushRefusal; pausedUntil?: number };

export interface ChallengeContext {
  applicationName: string;
  ip?: string | null;
  userAgent?: string | null;
  flowId?: string | null;
}

/** Records that no prompt was sent, and why; answers the refusal. */
export async function refusePush(
  deps: Pick<Repositories, 'audit'>,
  userId: UserId,
  context: ChallengeContext,
  refusal: PushRefusal,
  pausedUntil?: number,
): Promise<CreatedChallenge> {
  await deps.audit.append({
    actor: 'system',
    action: 'push.refused',
    targetType: 'user',
    targetId: userId,
    ip: context.ip ?? null,
    data: { refusal, application: context.applicationName, flowId: context.flowId ?? null },
  });
  return pausedUntil === undefined ? { ok: false, refusal } : { ok: false, refusal, pausedUntil };
}

/**
 * Starts a push prompt for the account's devices; the caller shows `number` in the
 * browser. The account's standing is the caller's to check first.
 */
export async function issueChallenge(deps: ChallengeDeps, userId: UserId, context: ChallengeContext): Promise<CreatedChallenge> {
  const pausedUntil = await deps.push.pausedUntil(userId);
  if (pausedUntil !== null) return refusePush(deps, userId, context, 'paused', pausedUntil);
  // Prompts left to expire count as failures too: enough of them pause push before another is sent.
  const pausedNow = await deps.transaction((tx) => pauseWhenDue(tx, userId, deps.clock.now(), context.ip ?? null));
  if (pausedNow !== null) {
    deps.signals?.changed(userId);
    return refusePush(deps, userId, context, 'paused', pausedNow);
  }
  const devices = await deps.push.devicesOf(userId);
  if (devices.length === 0) return refusePush(deps, userId, context, 'no_device');

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
  if (!created.ok) return refusePush(deps, userId, context, 'too_many_outstanding');
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
async function wakeDevices(deps: ChallengeDeps, devices: AuthenticatorDevice[], challenge: PushChallenge): Promise<void> {
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

/**
 * Pauses push for the account when the failures in the window (wrong numbers, denials,
 * ignored prompts) reach the threshold and it is not paused already: its waiting
 * prompts close, and the pause is audited. Answers the end of the new pause, or null.
 */
export async function pauseWhenDue(tx: ChallengeRepositories, userId: UserId, now: number, ip: string | null): Promise<number | null> {
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

/** What a device is shown of a waiting challenge: everything but the number. */
export interface PendingChallenge {
  id: string;
  applicationName: string;
  createdAt: number;
  expiresAt: number;
  ip: string | null;
  userAgent: string | null;
}

const pending = (c: PushChallenge): PendingChallenge => ({
  id: c.id,
  applicationName: c.applicationName,
  createdAt: c.createdAt,
  expiresAt: c.expiresAt,
  ip: c.ip,
  userAgent: c.userAgent,
});

/** The challenges waiting for the account, newest first. */
export async function pendingChallengesOf(deps: Pick<Repositories, 'push'>, userId: UserId): Promise<PendingChallenge[]> {
  return (await deps.push.pendingChallenges(userId)).map(pending);
}

export interface ChallengeWatcher {
  /** A challenge started waiting for the account. */
  opened(challenge: PendingChallenge): void;
  /** A challenge it was told of left the list: answered, expired or withdrawn. */
  closed(challengeId: string): void;
  /** After every look (for keep-alives). */
  looked(): void;
  failed(error: unknown): void;
}

/**
 * Follows the challenges waiting for the account: looks once at once, then every
 * `pollMs` and whenever this node is told the account's prompts changed (a prompt
 * made on another node arrives as soon as it is told, at the latest within a poll).
 * Answers the stop.
 */
export function watchChallenges(
  deps: Pick<Repositories, 'push'> & { signals?: PushSignals },
  userId: UserId,
  pollMs: number,
  watcher: ChallengeWatcher,
): { first: Promise<void>; stop(): void } {
  const sent = new Set<string>();
  let stopped = false;
  const look = async () => {
    // One indexed query per look.
    const waiting = await deps.push.pendingChallenges(userId);
    if (stopped) return;
    for (const challenge of waiting) {
      if (sent.has(challenge.id)) continue;
      sent.add(challenge.id);
      watcher.opened(pending(challenge));
    }
    const live = new Set(waiting.map((c) => c.id));
    for (const id of sent) {
      if (live.has(id)) continue;
      sent.delete(id);
      watcher.closed(id);
    }
    watcher.looked();
  };
  // One look at a time: a wake-up during a look runs one more after it.
  let running: Promise<void> | null = null;
  let again = false;
  const poll = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = look()
      .catch((error: unknown) => watcher.failed(error))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          poll();
        }
      });
  };
  const timer = setInterval(poll, pollMs);
  const unsubscribe = deps.signals?.subscribe(userId, poll);
  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    unsubscribe?.();
  };
  return { first: look(), stop };
}

export type AnswerOutcome =
  'approved' | 'wrong_number' | 'denied' | 'reported' | 'expired' | 'replayed' | 'foreign_device' | 'bad_signature' | 'stale' | 'not_found';

export interface AnswerResult {
  outcome: AnswerOutcome;
  /** Set when this answer paused push for the account. */
  pausedUntil?: number;
}

/** What the flows do inside an answer's transaction, beyond the credential's own rules. */
export interface AnswerHooks<Tx> {
  /** "No, it's not me": the account's standing changes, its sessions end, the person is told. */
  reported(tx: Tx, challenge: PushChallenge, deviceId: string, ip: string | null): Promise<void>;
  /** A wrong number counts in the one lockout, like a wrong password or code. */
  wrongNumber(tx: Tx, userId: UserId): Promise<void>;
  /** After the answer committed: the person said no, or typed a wrong number, so the sign-in the prompt served failed. */
  refusedByPerson?(challenge: PushChallenge, outcome: 'denied' | 'wrong_number'): Promise<void>;
}

/**
 * A device's signed answer. Checks, in order: the device's signature, the
 * challenge, its account, the timestamp, expiry and single use, then the number.
 * Wrong numbers and denials (and, when the next prompt is asked for, prompts left to
 * expire) count towards pausing push for the account.
 */
export async function answerChallenge<Tx extends ChallengeRepositories>(
  deps: ChallengeRepositories & Transactional<Tx> & { clock: Clock; signals?: PushSignals },
  deviceId: string,
  challengeId: string,
  answer: SignedAnswer,
  ip: string | null,
  hooks: AnswerHooks<Tx>,
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
      await hooks.reported(tx, challenge, deviceId, ip);
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
    if (judgement.outcome === 'wrong_number') await hooks.wrongNumber(tx, challenge.userId);
    const until = await pauseWhenDue(tx, challenge.userId, now, ip);
    return until === null ? { outcome: judgement.outcome } : { outcome: judgement.outcome, pausedUntil: until };
  });
  if (result.outcome === 'replayed' || result.outcome === 'expired') return refused(result.outcome, challenge.userId);
  // Answered: it leaves the lists of the account's other devices at once.
  deps.signals?.changed(challenge.userId);
  if (result.outcome === 'denied' || result.outcome === 'wrong_number') await hooks.refusedByPerson?.(challenge, result.outcome);
  return result;
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

export async function challengeStatus(deps: Pick<Repositories, 'push'> & { clock: Clock }, challengeId: string): Promise<ChallengeStatus> {
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

export type ClaimRefusal = 'not_found' | 'not_yours' | 'not_approved' | 'already_used';
export type ClaimedApproval = { ok: true } | { ok: false; reason: ClaimRefusal };

/**
 * The sign-in takes an approval for itself: the challenge must be approved, be
 * the account's (and the flow's, when it was created for one), and not have been
 * used before. Of two claims racing, one wins.
 */
export async function claimPushApproval(
  deps: Pick<Repositories, 'push'>,
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
