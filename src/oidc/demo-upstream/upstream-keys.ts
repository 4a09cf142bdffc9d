/**
 * The demo upstream's signing keys: RS256, as Microsoft Entra ID signs its ID tokens.
 * Each key has its own random `kid`; they live only in the process that made them.
 */
import { generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

export const UPSTREAM_SIGNING_ALG = 'RS256';

export interface UpstreamSigningKey {
  kid: string;
  /** The private JWK oidc-provider signs with (`use`, `alg` and `kid` set). */
  privateJwk: Record<string, unknown>;
  /** The public JWK the upstream's JWKS lists. */
  publicJwk: Record<string, unknown>;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const generateRsa = promisify(generateKeyPair);

export async function generateSigningKey(): Promise<UpstreamSigningKey> {
  const { privateKey, publicKey } = await generateRsa('rsa', { modulusLength: 2048 });
  const kid = randomBytes(12).toString('base64url');
  const marks = { kid, use: 'sig', alg: UPSTREAM_SIGNING_ALG };
  return {
    kid,
    privateJwk: { ...privateKey.export({ format: 'jwk' }), ...marks },
    publicJwk: { ...publicKey.export({ format: 'jwk' }), ...marks },
    privateKey,
    publicKey,
  };
}
