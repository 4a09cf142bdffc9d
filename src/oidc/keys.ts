/**
 * Signing keys as the service uses them: created on first start, rotated on
 * demand, loaded as the provider's JWKS. The rules live in domain/signing-keys.
 */
import { randomBytes } from 'node:crypto';
import type { SigningKeyRepository } from '../domain/repositories.js';
import { missingKeys, planRotation, publishedKeys, type SigningAlg } from '../domain/signing-keys.js';
import type { Clock } from '../platform/clock.js';
import { generateSigningJwk } from '../platform/jwk.js';

const newKid = (alg: SigningAlg) => `${alg.toLowerCase()}-${randomBytes(8).toString('base64url')}`;

/** Creates whatever current/next keys are missing. Returns the kids created. */
export async function ensureSigningKeys(keys: SigningKeyRepository): Promise<string[]> {
  const created: string[] = [];
  for (const { alg, status } of missingKeys(await keys.all())) {
    const kid = newKid(alg);
    await keys.insert({ kid, alg, status, privateJwk: generateSigningJwk(alg) });
    created.push(kid);
  }
  return created;
}

export interface RotationResult {
  promoted: string[];
  retired: Array<{ kid: string; publishUntil: number }>;
  created: string[];
  dropped: string[];
}

/**
 * Promotes each next key, retires each current key (published for `retentionMs`
 * more so tokens it signed still verify), and creates new next keys.
 */
export async function rotateSigningKeys(keys: SigningKeyRepository, clock: Clock, retentionMs: number): Promise<RotationResult> {
  const plan = planRotation(await keys.all(), clock.now(), retentionMs);
  const fresh = plan.generateNext.map((alg) => ({ kid: newKid(alg), alg, privateJwk: generateSigningJwk(alg) }));
  await keys.applyRotation(plan, fresh);
  return { promoted: plan.promote, retired: plan.retire, created: fresh.map((k) => k.kid), dropped: plan.drop };
}

export async function loadJwks(keys: SigningKeyRepository, clock: Clock): Promise<{ keys: Array<Record<string, unknown>> }> {
  return { keys: publishedKeys(await keys.all(), clock.now()) };
}
