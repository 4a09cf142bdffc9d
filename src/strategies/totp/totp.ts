/**
 * TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps) for standard authenticator
 * apps. A code is accepted one step either side of now, and only for a step
 * later than the last one used, so each code works once.
 */
import { Secret, TOTP } from 'otpauth';
import { randomBytes } from 'node:crypto';

export const TOTP_PERIOD_MS = 30_000;

export type TotpCheck = { ok: true; step: number } | { ok: false; reason: 'wrong' | 'reused' };

export function checkTotp(seedBase32: string, code: string, now: number, lastUsedStep: number | null): TotpCheck {
  const token = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(token)) return { ok: false, reason: 'wrong' };
  const totp = new TOTP({ secret: Secret.fromBase32(seedBase32), algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD_MS / 1000 });
  const delta = totp.validate({ token, timestamp: now, window: 1 });
  if (delta === null) return { ok: false, reason: 'wrong' };
  const step = Math.floor(now / TOTP_PERIOD_MS) + delta;
  if (lastUsedStep !== null && step <= lastUsedStep) return { ok: false, reason: 'reused' };
  return { ok: true, step };
}

/** A new 160-bit seed, base32, as RFC 4226 recommends. */
export function newTotpSeed(): string {
  return new Secret({ buffer: randomBytes(20).buffer as ArrayBuffer }).base32;
}

/** The otpauth:// URI an authenticator app scans (issuer TechPass, account = the TechPass ID). */
export function totpUri(seedBase32: string, account: string): string {
  return new TOTP({
    issuer: 'TechPass',
    label: account,
    secret: Secret.fromBase32(seedBase32),
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD_MS / 1000,
  }).toString();
}
