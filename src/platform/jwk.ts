/** Generates private signing keys as JWKs. */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/**
 * A new key pair as DER (PKCS #8 and SPKI), never as KeyObjects of the generating job.
 * Node 20's KeyObjects from `generateKeyPair(Sync)` share a mutex with the job that made
 * them, and the job's destructor locks it; a JWK export holds that mutex while it
 * allocates, so a garbage collection that finalises the job during the export waits on
 * itself for ever (seen once in CI: the main thread in `~KeyGenJob` under `ExportJWKRsaKey`).
 * A key imported from DER has a mutex of its own.
 */
function generateDerKeyPair(alg: 'ES256' | 'RS256'): { privateKey: Buffer; publicKey: Buffer } {
  const publicKeyEncoding = { type: 'spki', format: 'der' } as const;
  const privateKeyEncoding = { type: 'pkcs8', format: 'der' } as const;
  return alg === 'ES256'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding, privateKeyEncoding })
    : generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding, privateKeyEncoding });
}

/** A new key pair as KeyObjects imported from DER (safe to export and sign with; see generateDerKeyPair). */
export function generateKeyObjects(alg: 'ES256' | 'RS256'): { privateKey: KeyObject; publicKey: KeyObject } {
  const { privateKey, publicKey } = generateDerKeyPair(alg);
  return {
    privateKey: createPrivateKey({ key: privateKey, format: 'der', type: 'pkcs8' }),
    publicKey: createPublicKey({ key: publicKey, format: 'der', type: 'spki' }),
  };
}

export function generateSigningJwk(alg: 'ES256' | 'RS256'): Record<string, unknown> {
  return generateKeyObjects(alg).privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
}
