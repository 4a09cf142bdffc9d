/**
 * Assurance: which methods were used (`amr`, RFC 8176 values) and the level they
 * reach (`acr`). A password alone is level 1; a second factor makes level 2; a
 * phishing-resistant factor (passkey) level 3.
 */
import type { FactorId } from '../contracts/factors.js';
import type { FactorKind } from './credentials.js';

export const ACR = {
  1: 'urn:techpass:aal1',
  2: 'urn:techpass:aal2',
  3: 'urn:techpass:aal3',
} as const;

/**
 * What each factor proves; each strategy declares the same `kind` (a test holds them
 * together). Passkeys (hwk) resist phishing; a device key answering a number-matching
 * prompt (swk) is a possession factor, but the person could still approve a phished
 * sign-in.
 */
export const FACTOR_KIND: Record<FactorId, FactorKind> = {
  pwd: 'knowledge',
  otp: 'possession',
  swk: 'possession',
  hwk: 'phishing_resistant',
  fed: 'federated',
};

const kindOf = (method: string): FactorKind | 'multi' | undefined =>
  method === 'mfa' ? 'multi' : (FACTOR_KIND as Record<string, FactorKind>)[method];

export function assuranceLevel(amr: string[]): 1 | 2 | 3 {
  const kinds = amr.map(kindOf);
  if (kinds.includes('phishing_resistant')) return 3;
  // An amr value this table does not know counts as something held (as before: not knowledge, not federated).
  const factors = new Set(kinds.map((k) => (k === 'knowledge' ? 'know' : k === 'federated' ? 'fed' : 'have')));
  return factors.size >= 2 || kinds.includes('multi') ? 2 : 1;
}

export function acrFor(amr: string[]): string {
  return ACR[assuranceLevel(amr)];
}

/** The `amr` of a sign-in: the methods used, plus `mfa` when they make up more than one factor. */
export function amrFor(methods: string[]): string[] {
  const unique = [...new Set(methods.filter((m) => m !== 'mfa'))];
  return assuranceLevel(unique) >= 2 ? [...unique, 'mfa'] : unique;
}
