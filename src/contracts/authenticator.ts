/**
 * The TechPass Authenticator's device API (`/api/v1/authenticator/…`): request
 * bodies and answers, shared by the server, the headless CLI authenticator and
 * the installable web app.
 *
 * Every device request is signed with the device's P-256 key (WebCrypto ECDSA,
 * SHA-256, raw r||s, base64url) over
 * `techpass-device-request/v2\nMETHOD\npath?query\ntimestamp\nnonce\nsha256(body)`
 * (sha256 in base64url, of the empty string without a body) and carries the
 * headers below; the registration is signed the same way with the key it
 * registers. Timestamps are milliseconds since the epoch and must be within five
 * minutes of the server's clock. The nonce (16 to 64 base64url characters, fresh
 * for every request) is accepted once per device: a signed request replayed, even
 * within its five minutes, is refused (`authenticator.request_replayed`).
 */
import { z } from 'zod';

export const DEVICE_HEADER = 'x-techpass-device';
export const TIMESTAMP_HEADER = 'x-techpass-timestamp';
export const SIGNATURE_HEADER = 'x-techpass-signature';
export const NONCE_HEADER = 'x-techpass-nonce';

export const AUTHENTICATOR_API = '/api/v1/authenticator';

export const EnrolDeviceBody = z.object({
  /** The enrolment link's token (`id.secret`, the link's fragment) or the whole link. */
  token: z.string().min(3).max(1000),
  name: z.string().trim().min(1).max(60),
  publicKeyJwk: z.record(z.string(), z.unknown()),
});
export type EnrolDeviceBody = z.infer<typeof EnrolDeviceBody>;

export interface EnrolDeviceAnswer {
  deviceId: string;
  name: string;
  /** The account's TechPass ID, so the device can show whose it is. */
  account: string;
}

/** A waiting challenge as a device sees it: never the number. */
export interface DeviceChallenge {
  id: string;
  application: string;
  createdAt: number;
  expiresAt: number;
  ip: string | null;
  userAgent: string | null;
  /** A short description of the browser that is signing in, e.g. "Chrome 131 on Windows". */
  browser: string;
}

export interface DeviceChallengesAnswer {
  challenges: DeviceChallenge[];
}

export const AnswerChallengeBody = z.object({
  /** The digits the person typed (empty when denying). */
  number: z.string().regex(/^\d{0,4}$/, 'digits only'),
  decision: z.enum(['approve', 'deny', 'report']),
  timestamp: z.number().int().positive(),
  /** Over `techpass-push-answer/v1\n<challenge id>\n<number>\n<decision>\n<timestamp>`. */
  signature: z.string().min(1).max(200),
});
export type AnswerChallengeBody = z.infer<typeof AnswerChallengeBody>;

export interface AnswerChallengeAnswer {
  outcome: 'approved' | 'denied' | 'reported';
  pausedUntil?: number;
}

/**
 * A Web Push subscription (the browser's PushSubscription as JSON), registered by
 * `PUT /devices/me/web-push` so a sign-in request wakes the app. `GET /web-push`
 * answers the server's VAPID public key (404 when Web Push is not configured).
 */
export const WebPushSubscriptionBody = z.object({
  endpoint: z.url({ protocol: /^https?$/ }).max(2000),
  keys: z.object({
    /** The browser's P-256 public key, uncompressed, base64url (65 bytes). */
    p256dh: z.string().regex(/^[A-Za-z0-9_-]{86,88}$/, 'an uncompressed P-256 public key, base64url'),
    /** The 16-byte authentication secret, base64url. */
    auth: z.string().regex(/^[A-Za-z0-9_-]{21,24}$/, 'a 16-byte secret, base64url'),
  }),
});
export type WebPushSubscriptionBody = z.infer<typeof WebPushSubscriptionBody>;

/** What a push message tells the app (never the number: the person reads it on the computer). */
export interface WebPushMessage {
  type: 'sign_in_request';
  challengeId: string;
  application: string;
  expiresAt: number;
}
