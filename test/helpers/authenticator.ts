/**
 * Talks to the device API the way an authenticator does, from a store file the
 * headless CLI wrote, with full control over what is signed: for tests of
 * replayed, stale and unsigned requests.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { canonicalAnswer, canonicalDeviceRequest, type PushDecision } from '../../src/strategies/push/rules.js';
import { bodyDigest, signAsDevice } from '../../src/platform/device-keys.js';

export interface StoredDevice {
  server: string;
  deviceId: string;
  privateJwk: Record<string, unknown>;
}

export const readStoredDevice = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as StoredDevice;

/**
 * A device request signed with `device`'s key; `timestamp` may be moved to test the
 * freshness window, and `nonce` fixed to test replays (a fresh one otherwise).
 */
export async function deviceFetch(
  base: string,
  device: StoredDevice,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  options: { timestamp?: number; nonce?: string; signal?: AbortSignal } = {},
): Promise<Response> {
  const url = new URL(`${base}/api/v1/authenticator${path}`);
  const text = body === undefined ? '' : JSON.stringify(body);
  const timestamp = options.timestamp ?? Date.now();
  const nonce = options.nonce ?? randomBytes(16).toString('base64url');
  const signature = signAsDevice(device.privateJwk, canonicalDeviceRequest(method, `${url.pathname}${url.search}`, timestamp, nonce, bodyDigest(text)));
  return fetch(url, {
    method,
    headers: {
      'x-techpass-device': device.deviceId,
      'x-techpass-timestamp': String(timestamp),
      'x-techpass-nonce': nonce,
      'x-techpass-signature': signature,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: text }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** A signed answer to one challenge, as the device would send it. */
export function signedAnswer(device: StoredDevice, challengeId: string, decision: PushDecision, number: string, timestamp = Date.now()) {
  return { number, decision, timestamp, signature: signAsDevice(device.privateJwk, canonicalAnswer(challengeId, { number, decision, timestamp })) };
}

/** Opens the device's event stream; `until(text)` reads it until `text` has arrived (10 s at most). */
export async function openStream(base: string, device: StoredDevice, signal: AbortSignal) {
  const stream = await deviceFetch(base, device, 'GET', '/stream', undefined, { signal });
  if (stream.status !== 200) throw new Error(`the stream answered ${stream.status}`);
  const reader = stream.body!.getReader();
  let received = '';
  const until = async (needle: string) => {
    const deadline = Date.now() + 10_000;
    while (!received.includes(needle)) {
      const chunk = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`stream never said ${needle}: ${received}`)), deadline - Date.now())),
      ]);
      if (chunk.done) throw new Error(`stream ended before ${needle}: ${received}`);
      received += new TextDecoder().decode(chunk.value);
    }
  };
  return { until, received: () => received };
}
