/**
 * ES256 (ECDSA on P-256 with SHA-256) signatures and verifications on the calling thread.
 *
 * oidc-provider signs every ID token and JWT access token through jose, and jose uses
 * WebCrypto (`crypto.subtle`). Node 20's WebCrypto hands each operation to the libuv thread
 * pool and resolves a promise when it returns. For a P-256 signature, about 30 µs of work,
 * the hand-off costs more than the work:
 * - on one core, 75 µs a signature through the pool against 28 µs inline;
 * - with a second core free, the main thread still spends about as long queueing and
 *   settling a pooled signature as it would signing it.
 * A client_credentials grant signs one token (its JWT access token), a refresh one (its ID
 * token): inline signing saved 5–26 % of a client_credentials grant's CPU in three A/B
 * pairs (docs/performance.md).
 *
 * `signEcdsaInline()` therefore answers `crypto.subtle.sign` and `crypto.subtle.verify` for
 * ECDSA P-256 / SHA-256 keys with node:crypto, giving what WebCrypto gives: an IEEE P1363
 * signature (r‖s, 64 bytes) in a fresh ArrayBuffer, and a boolean for a verification.
 * Every other call, and every call whose key or arguments it does not recognise, goes to
 * WebCrypto unchanged, so WebCrypto still produces the errors.
 */
import { KeyObject, sign as nodeSign, verify as nodeVerify, webcrypto } from 'node:crypto';

type Subtle = typeof webcrypto.subtle;
type AlgorithmArg = Parameters<Subtle['sign']>[0];
type CryptoKeyArg = Parameters<Subtle['sign']>[1];
type BufferSourceArg = Parameters<Subtle['sign']>[2];

const P1363_P256_BYTES = 64;
const installed = new WeakSet<object>();
const keyObjects = new WeakMap<object, KeyObject>();

function isEs256(algorithm: AlgorithmArg, key: CryptoKeyArg, usage: 'sign' | 'verify'): boolean {
  if (typeof algorithm !== 'object' || algorithm === null || algorithm.name?.toUpperCase() !== 'ECDSA') return false;
  const hash = (algorithm as { hash?: unknown }).hash;
  const hashName = typeof hash === 'string' ? hash : (hash as { name?: unknown } | undefined)?.name;
  if (typeof hashName !== 'string' || hashName.toUpperCase() !== 'SHA-256') return false;
  if (!(key instanceof CryptoKey)) return false;
  const keyAlgorithm = key.algorithm as { name?: string; namedCurve?: string };
  return (
    keyAlgorithm.name === 'ECDSA' &&
    keyAlgorithm.namedCurve === 'P-256' &&
    key.type === (usage === 'sign' ? 'private' : 'public') &&
    key.usages.includes(usage)
  );
}

function bytesOf(data: BufferSourceArg): Uint8Array | null {
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return null;
}

function keyObjectOf(key: CryptoKeyArg): KeyObject {
  let keyObject = keyObjects.get(key);
  if (!keyObject) {
    keyObject = KeyObject.from(key);
    keyObjects.set(key, keyObject);
  }
  return keyObject;
}

/** Installs the inline ES256 path on `subtle` (the global WebCrypto by default); calling it again changes nothing. */
export function signEcdsaInline(subtle: Subtle = webcrypto.subtle): void {
  if (installed.has(subtle)) return;
  installed.add(subtle);
  const pooledSign = subtle.sign.bind(subtle);
  const pooledVerify = subtle.verify.bind(subtle);

  subtle.sign = function sign(algorithm, key, data) {
    const bytes = bytesOf(data);
    if (!bytes || !isEs256(algorithm, key, 'sign')) return pooledSign(algorithm, key, data);
    let signature: Buffer;
    try {
      signature = nodeSign('sha256', bytes, { key: keyObjectOf(key), dsaEncoding: 'ieee-p1363' });
    } catch {
      return pooledSign(algorithm, key, data);
    }
    return Promise.resolve(signature.buffer.slice(signature.byteOffset, signature.byteOffset + signature.byteLength) as ArrayBuffer);
  };

  subtle.verify = function verify(algorithm, key, signature, data) {
    const bytes = bytesOf(data);
    const signatureBytes = bytesOf(signature);
    if (!bytes || !signatureBytes || !isEs256(algorithm, key, 'verify')) return pooledVerify(algorithm, key, signature, data);
    // WebCrypto answers false, not an error, for a signature of the wrong length.
    if (signatureBytes.byteLength !== P1363_P256_BYTES) return Promise.resolve(false);
    try {
      return Promise.resolve(nodeVerify('sha256', bytes, { key: keyObjectOf(key), dsaEncoding: 'ieee-p1363' }, signatureBytes));
    } catch {
      return pooledVerify(algorithm, key, signature, data);
    }
  };
}
