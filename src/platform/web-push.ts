/**
 * Web Push (RFC 8030) with VAPID (RFC 8292) and encrypted payloads (RFC 8291),
 * through the `web-push` library: wakes the TechPass Authenticator on a phone
 * when a sign-in waits for it, even with the app closed. The payload never holds
 * the number to type. The push service's URL comes from the device, so it must
 * be https on a public address (loopback and private addresses, and plain http,
 * only with OUTBOUND_ALLOW_PRIVATE, for development and tests).
 */
import { isIP } from 'node:net';
import type webpushModule from 'web-push';
import { onFirstUse } from './lazy-require.js';

/** web-push and its crypto dependencies are loaded by the first push or key pair, not at start. */
const webpush = onFirstUse<typeof webpushModule>('web-push');

export interface WebPushSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** sent: the push service took it; gone: the subscription no longer exists (forget it); failed: anything else. */
export type WebPushResult = 'sent' | 'gone' | 'failed';

export interface WebPushSender {
  /** The VAPID public key the browser subscribes with (base64url, uncompressed P-256). */
  publicKey: string;
  send(subscription: WebPushSubscription, payload: string, ttlSeconds: number): Promise<WebPushResult>;
}

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

export function generateVapidKeys(): VapidKeys {
  return webpush().generateVAPIDKeys();
}

const PRIVATE_V4 = [
  /^10\./,
  /^127\./,
  /^169\.254\./,
  /^172\.(1[6-9]|2\d|3[01])\./,
  /^192\.168\./,
  /^0\./,
  /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./,
];

/** Whether TechPass may send to this push endpoint. */
export function endpointAllowed(endpoint: string, allowPrivate: boolean): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (allowPrivate) return url.protocol === 'https:' || url.protocol === 'http:';
  if (url.protocol !== 'https:' || url.username || url.password) return false;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) return false;
  if (isIP(host) === 4) return !PRIVATE_V4.some((r) => r.test(host));
  if (isIP(host) === 6) return !/^(::1?$|f[cd]|fe[89ab]|::ffff:)/i.test(host);
  return true;
}

export function webPushSender(options: VapidKeys & { subject: string; timeoutMs?: number }): WebPushSender {
  const vapidDetails = { subject: options.subject, publicKey: options.publicKey, privateKey: options.privateKey };
  return {
    publicKey: options.publicKey,
    async send(subscription, payload, ttlSeconds) {
      try {
        const request = webpush().generateRequestDetails(subscription, payload, {
          vapidDetails,
          TTL: ttlSeconds,
          urgency: 'high',
          contentEncoding: 'aes128gcm',
        });
        const response = await fetch(request.endpoint, {
          method: request.method,
          headers: request.headers as Record<string, string>,
          body: new Uint8Array(request.body),
          redirect: 'manual',
          signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
        });
        await response.body?.cancel();
        if (response.status === 404 || response.status === 410) return 'gone';
        return response.ok ? 'sent' : 'failed';
      } catch {
        return 'failed';
      }
    },
  };
}
