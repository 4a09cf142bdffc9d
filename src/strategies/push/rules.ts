/**
 * Push number matching with the TechPass Authenticator: the rules, pure.
 *
 * A sign-in that needs this factor creates a challenge holding a two-digit number
 * that only the browser shows. The person types it on an enrolled device, which
 * signs `(challenge id, number typed, decision, timestamp)` with its P-256 key.
 * The server accepts the answer once, from a device of the same account, before
 * the challenge expires and while the timestamp is fresh. Typing the number
 * (never choosing it) is what defeats MFA-fatigue attacks: someone approving a
 * prompt they did not start does not know the number.
 */
import { randomInt } from 'node:crypto';
import type { AuthenticatorDevice, PushChallenge, PushChallengeStatus } from '../../domain/push.js';

export const PUSH_DECISIONS = ['approve', 'deny', 'report'] as const;
/** What the person tapped: Yes (with the number typed), No, or "No, it's not me". */
export type PushDecision = (typeof PUSH_DECISIONS)[number];

/** The default lifetime of a challenge (PUSH_CHALLENGE_TTL overrides it). */
export const DEFAULT_PUSH_CHALLENGE_TTL_MS = 90_000;
/** Prompts waiting at once for one account: more would be an attack, not a person signing in. */
export const MAX_OUTSTANDING_CHALLENGES = 3;
/**
 * Failed prompts within the window that pause push for the account: wrong numbers,
 * denials, and prompts left unanswered until they expired. Counting the ignored ones
 * is what stops someone who has the password from keeping three prompts on the
 * person's phone forever (each expires in 90 seconds, and a new one took its place).
 */
export const PAUSE_AFTER_FAILURES = 3;
export const FAILURE_WINDOW_MS = 15 * 60_000;
export const PAUSE_MS = 15 * 60_000;
/** How far a device's clock may be from ours, for answers and signed requests. */
export const DEVICE_CLOCK_SKEW_MS = 5 * 60_000;
/** An enrolment link works once, within this time. */
export const ENROLMENT_LINK_TTL_MS = 10 * 60_000;

/** A number from 10 to 99, uniformly. */
export function drawChallengeNumber(draw: (min: number, maxExclusive: number) => number = randomInt): number {
  return draw(10, 100);
}

/** The status a challenge has now: a pending challenge past its expiry is expired. */
export function effectiveStatus(challenge: Pick<PushChallenge, 'status' | 'expiresAt'>, now: number): PushChallengeStatus {
  return challenge.status === 'pending' && challenge.expiresAt <= now ? 'expired' : challenge.status;
}

/** The signed answer a device sends for one challenge. */
export interface SignedAnswer {
  /** The digits typed (empty for a denial). */
  number: string;
  decision: PushDecision;
  /** Milliseconds since the epoch, by the device's clock. */
  timestamp: number;
  /** ECDSA P-256 / SHA-256 over `canonicalAnswer(…)`, raw r||s, base64url. */
  signature: string;
}

/** The exact text a device signs to answer `challengeId`. */
export function canonicalAnswer(challengeId: string, answer: Pick<SignedAnswer, 'number' | 'decision' | 'timestamp'>): string {
  return ['techpass-push-answer/v1', challengeId, answer.number, answer.decision, String(answer.timestamp)].join('\n');
}

/**
 * The exact text a device signs to authenticate one API request. The nonce makes each
 * request's signature one of a kind, so the server can accept it once (v1 had none:
 * an identical request was accepted again within the timestamp's five minutes).
 */
export function canonicalDeviceRequest(method: string, path: string, timestamp: number, nonce: string, bodySha256: string): string {
  return ['techpass-device-request/v2', method.toUpperCase(), path, String(timestamp), nonce, bodySha256].join('\n');
}

/** A request nonce: 16 to 64 base64url characters (the apps send 22: 16 random bytes). */
export function nonceIsWellFormed(nonce: string): boolean {
  return /^[A-Za-z0-9_-]{16,64}$/.test(nonce);
}

/**
 * How long a used nonce is remembered: past that, the request's timestamp is stale
 * anyway (five minutes either side of the server's clock).
 */
export const REQUEST_NONCE_TTL_MS = 2 * DEVICE_CLOCK_SKEW_MS;

export function timestampIsFresh(timestamp: number, now: number): boolean {
  return Number.isSafeInteger(timestamp) && Math.abs(now - timestamp) <= DEVICE_CLOCK_SKEW_MS;
}

/** What an answer amounts to, once its signature is known to be the device's. */
export type AnswerJudgement =
  | { kind: 'foreign_device' }
  | { kind: 'stale' }
  | { kind: 'expired' }
  | { kind: 'replayed' }
  | { kind: 'settle'; status: 'approved' | 'denied' | 'reported'; outcome: 'approved' | 'wrong_number' | 'denied' | 'reported' };

/**
 * Judges a verified answer against its challenge. The order matters: a device of
 * another account learns nothing about the challenge; a closed challenge stays
 * closed (single use); only then does the number count.
 */
export function judgeAnswer(
  challenge: PushChallenge,
  device: Pick<AuthenticatorDevice, 'userId'>,
  answer: SignedAnswer,
  now: number,
): AnswerJudgement {
  if (challenge.userId !== device.userId) return { kind: 'foreign_device' };
  if (!timestampIsFresh(answer.timestamp, now)) return { kind: 'stale' };
  const status = effectiveStatus(challenge, now);
  if (status === 'expired') return { kind: 'expired' };
  if (status !== 'pending') return { kind: 'replayed' };
  if (answer.decision === 'report') return { kind: 'settle', status: 'reported', outcome: 'reported' };
  if (answer.decision === 'deny') return { kind: 'settle', status: 'denied', outcome: 'denied' };
  // A wrong number closes the challenge: the person may not guess again on the same prompt.
  return answer.number.trim() === String(challenge.number)
    ? { kind: 'settle', status: 'approved', outcome: 'approved' }
    : { kind: 'settle', status: 'denied', outcome: 'wrong_number' };
}

/** Whether failures (wrong numbers, denials, ignored prompts) counted in the window now pause push. */
export function shouldPause(failuresInWindow: number): boolean {
  return failuresInWindow >= PAUSE_AFTER_FAILURES;
}
