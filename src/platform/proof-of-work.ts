/**
 * The sign-up page's "not a robot" check: ALTCHA's proof of work (altcha-lib), with
 * no third-party call. The server makes a challenge (a salted SHA-256 of a secret
 * number up to ALTCHA_MAX_NUMBER, signed with an HMAC key derived from the master key,
 * expiring after ALTCHA_CHALLENGE_TTL); the browser's widget finds the number; the
 * server checks the answer's signature, expiry and solution. Stateless until then: the
 * flow spends each answer once (spent_proofs), keyed by the challenge's signature.
 */
import { createChallenge, verifySolution } from 'altcha-lib';
import type { Clock } from './clock.js';

export interface ProofOfWork {
  /** A new challenge, as the widget's `challengejson` attribute reads it. */
  challenge(): Promise<Record<string, unknown>>;
  verify(payload: string): Promise<{ ok: true; key: string; expiresAt: number } | { ok: false }>;
}

export function altchaProofOfWork(options: { hmacKey: string; maxNumber: number; ttlMs: number; clock: Clock }): ProofOfWork {
  return {
    async challenge() {
      const made = await createChallenge({
        hmacKey: options.hmacKey,
        maxnumber: options.maxNumber,
        expires: new Date(options.clock.now() + options.ttlMs),
      });
      return { ...made };
    },
    async verify(payload) {
      if (payload.length > 4096) return { ok: false };
      let parsed: { salt?: unknown; signature?: unknown };
      try {
        parsed = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as typeof parsed;
      } catch {
        return { ok: false };
      }
      if (typeof parsed.salt !== 'string' || typeof parsed.signature !== 'string') return { ok: false };
      let valid = false;
      try {
        // Checks the signature (so the salt and its expiry are ours) and the number found; the expiry, below, by our clock.
        valid = await verifySolution(payload, options.hmacKey, false);
      } catch {
        valid = false;
      }
      if (!valid) return { ok: false };
      const expiresAt = Number(new URLSearchParams(parsed.salt.split('?')[1] ?? '').get('expires')) * 1000;
      if (!Number.isFinite(expiresAt) || expiresAt <= options.clock.now()) return { ok: false };
      return { ok: true, key: `altcha:${parsed.signature}`, expiresAt };
    },
  };
}
