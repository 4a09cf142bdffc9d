/**
 * A Web Push service on loopback, standing in for FCM or Mozilla's: it records
 * what TechPass sends, and the receiving browser's half of RFC 8291 decrypts it
 * (an ECDH key pair and an auth secret, as PushManager.subscribe() makes them).
 */
import { createDecipheriv, createECDH, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PushDelivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface PushService {
  origin: string;
  deliveries: PushDelivery[];
  /** Waits for the next delivery to `path` (5 s at most). */
  next(path: string): Promise<PushDelivery>;
  close(): Promise<void>;
}

/** Paths starting with /gone answer 410, as a push service does for an unsubscribed browser. */
export async function startPushService(): Promise<PushService> {
  const deliveries: PushDelivery[] = [];
  const waiting: Array<{ path: string; resolve: (d: PushDelivery) => void }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const delivery = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      deliveries.push(delivery);
      for (const w of waiting.splice(0).filter((x) => (x.path === delivery.path ? (x.resolve(delivery), false) : true))) waiting.push(w);
      res.writeHead(delivery.path.startsWith('/gone') ? 410 : 201).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    deliveries,
    next: (path) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no push delivered to ${path} within 5 s`)), 5000);
        waiting.push({ path, resolve: (d) => (clearTimeout(timer), resolve(d)) });
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A browser's subscription keys: the P-256 key pair and the 16-byte auth secret. */
export function browserSubscription(endpoint: string) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return {
    subscription: { endpoint, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } },
    /** Decrypts an aes128gcm message (RFC 8188 + RFC 8291) the way the browser does. */
    decrypt(body: Buffer): string {
      const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest();
      const salt = body.subarray(0, 16);
      const idLength = body[20]!;
      const serverKey = body.subarray(21, 21 + idLength);
      const ciphertext = body.subarray(21 + idLength);
      const secret = ecdh.computeSecret(serverKey);
      const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), ecdh.getPublicKey(), serverKey, Buffer.from([1])]);
      const ikm = hmac(hmac(auth, secret), keyInfo);
      const prk = hmac(salt, ikm);
      const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01')).subarray(0, 16);
      const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01')).subarray(0, 12);
      const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
      decipher.setAuthTag(ciphertext.subarray(-16));
      const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, -16)), decipher.final()]);
      let end = padded.length - 1;
      while (end >= 0 && padded[end] === 0) end -= 1;
      if (padded[end] !== 2) throw new Error('not the last record of an aes128gcm message');
      return padded.subarray(0, end).toString('utf8');
    },
  };
}
