/**
 * Secrets at rest. Values that must be recovered (signing keys, TOTP seeds,
 * webhook secrets) are sealed with AES-256-GCM under the master key; values that
 * only need checking (client secrets, API keys: high-entropy by construction)
 * are stored as SHA-256 digests and compared in constant time. Never argon2 for
 * those: they are random, so a fast hash is as safe and keeps the token endpoint fast.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const VERSION = 'v1';

export class MasterKey {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('the master key must be 32 bytes');
    this.#key = key;
  }

  /** Parses a key given as 64 hex characters or 43/44 base64/base64url characters. */
  static parse(text: string): MasterKey {
    const trimmed = text.trim();
    const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64url');
    return new MasterKey(key);
  }

  static generate(): MasterKey {
    return new MasterKey(randomBytes(32));
  }

  /** A purpose-bound key derived from the master key (HMAC-SHA256), e.g. for cookie signing. */
  derive(label: string): Buffer {
    return createHmac('sha256', this.#key).update(label).digest();
  }

  toString(): string {
    return this.#key.toString('base64url');
  }

  /**
   * Encrypts `plaintext`; `context` (e.g. the row id) is bound as associated data,
   * so a sealed value copied to another row does not open.
   */
  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv.toString('base64url'), body.toString('base64url'), tag.toString('base64url')].join('.');
  }

  open(sealed: string, context: string): string {
    const [version, iv, body, tag] = sealed.split('.');
    if (version !== VERSION || !iv || body === undefined || !tag) throw new Error('sealed value is malformed');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** SHA-256 digest, base64url: for random, high-entropy secrets only. */
export function digestSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/** Compares two strings without leaking where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  if (left.length !== right.length) {
    // Compare anyway so the time spent does not depend on the length check alone.
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
