/** Generates private signing keys as JWKs. */
import { generateKeyPairSync } from 'node:crypto';

export function generateSigningJwk(alg: 'ES256' | 'RS256'): Record<string, unknown> {
  const { privateKey } = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
}
