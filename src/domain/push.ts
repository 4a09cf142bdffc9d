/**
 * The TechPass Authenticator's records, as the push repository keeps them: an
 * enrolled device and a number-matching challenge. The rules that act on them
 * live with the push strategy (src/strategies/push/rules.ts).
 */
import type { UserId } from './ids.js';

export const PUSH_CHALLENGE_STATUSES = ['pending', 'approved', 'denied', 'reported', 'expired'] as const;
export type PushChallengeStatus = (typeof PUSH_CHALLENGE_STATUSES)[number];

export interface AuthenticatorDevice {
  id: string;
  userId: UserId;
  name: string;
  /** The device's public P-256 key as a JWK (kty, crv, x, y). */
  publicKeyJwk: { kty: 'EC'; crv: 'P-256'; x: string; y: string };
  /** Where to wake the app (Web Push), when the device subscribed. */
  webPush: { endpoint: string; keys: { p256dh: string; auth: string } } | null;
  createdAt: number;
  lastUsedAt: number | null;
}

/** Why a challenge was closed without approval, when the status alone does not say. */
export type PushOutcome = 'approved' | 'wrong_number' | 'denied' | 'reported' | 'expired';

export interface PushChallenge {
  id: string;
  userId: UserId;
  /** Two digits, 10–99: shown in the browser, never sent to the device. */
  number: number;
  status: PushChallengeStatus;
  outcome: PushOutcome | null;
  /** The sign-in flow this challenge serves, when there is one. */
  flowId: string | null;
  applicationName: string;
  ip: string | null;
  userAgent: string | null;
  createdAt: number;
  expiresAt: number;
  answeredAt: number | null;
  deviceId: string | null;
  /** When a sign-in used the approval (an approval completes one sign-in only). */
  consumedAt: number | null;
}
