/**
 * Device keys of the TechPass Authenticator: ECDSA P-256 key pairs whose public
 * half is a JWK. Signatures are what WebCrypto's `sign({ name: 'ECDSA', hash:
 * 'SHA-256' })` produces (raw r||s, 64 bytes), carried as base64url, so the
 * installable web app and the headless CLI authenticator sign the same way.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { generateKeyObjects } from './jwk.js';

/** A public P-256 key as a JWK: only the fields that define it. */
export interface DevicePublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
}

const COORDINATE = /^[A-Za-z0-9_-]{43}$/;

/** Answers the public JWK reduced to its defining fields, or null if it is not a usable P-256 public key. */
export function readDevicePublicJwk(value: unknown): DevicePublicJwk | null {
  if (typeof value !== 'object' || value === null) return null;
  const jwk = value as Record<string, unknown>;
  // A private component means the device sent its secret: refuse rather than store it.
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || 'd' in jwk) return null;
  if (typeof jwk.x !== 'string' || typeof jwk.y !== 'string' || !COORDINATE.test(jwk.x) || !COORDINATE.test(jwk.y)) return null;
  const reduced: DevicePublicJwk = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
  try {
    // Throws when the point is not on the curve.
    createPublicKey({ key: { ...reduced }, format: 'jwk' });
  } catch {
    return null;
  }
  return reduced;
}

/** A new device key pair (for the headless authenticator; the web app uses WebCrypto). */
export function generateDeviceKey(): { privateJwk: Record<string, unknown>; publicJwk: DevicePublicJwk } {
  const { privateKey, publicKey } = generateKeyObjects('ES256');
  const publicJwk = readDevicePublicJwk(publicKey.export({ format: 'jwk' }));
  if (!publicJwk) throw new Error('generated device key is not a P-256 key');
  return { privateJwk: privateKey.export({ format: 'jwk' }) as Record<string, unknown>, publicJwk };
}

/** Signs `message` (UTF-8) as WebCrypto would: raw r||s, base64url. */
export function signAsDevice(privateJwk: Record<string, unknown>, message: string): string {
  const key = createPrivateKey({ key: privateJwk as never, format: 'jwk' });
  return sign('sha256', Buffer.from(message, 'utf8'), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
}

/** Whether `signature` (raw r||s, base64url) is the device's signature of `message`; never throws. */
export function verifyDeviceSignature(publicJwk: DevicePublicJwk, message: string, signature: string): boolean {
  if (!/^[A-Za-z0-9_-]{86}$/.test(signature)) return false;
  try {
    const key = createPublicKey({ key: { ...publicJwk }, format: 'jwk' });
    return verify('sha256', Buffer.from(message, 'utf8'), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

/** SHA-256 of a request body, base64url: what a signed device request covers. */
export function bodyDigest(body: string | Buffer): string {
  return createHash('sha256').update(body).digest('base64url');
}
