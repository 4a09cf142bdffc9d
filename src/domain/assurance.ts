/**
 * Assurance: which methods were used (`amr`, RFC 8176 values) and the level they
 * reach (`acr`). A password alone is level 1; a second factor makes level 2; a
 * phishing-resistant factor (passkey) level 3.
 */
export const ACR = {
  1: 'urn:techpass:aal1',
  2: 'urn:techpass:aal2',
  3: 'urn:techpass:aal3',
} as const;

// Passkeys (hwk) resist phishing; a device key answering a number-matching prompt
// (swk) is a possession factor but the person could still approve a phished sign-in.
const PHISHING_RESISTANT = new Set(['hwk']);
const KNOWLEDGE = new Set(['pwd']);

export function assuranceLevel(amr: string[]): 1 | 2 | 3 {
  if (amr.some((m) => PHISHING_RESISTANT.has(m))) return 3;
  const factors = new Set(amr.map((m) => (KNOWLEDGE.has(m) ? 'know' : m === 'fed' ? 'fed' : 'have')));
  return factors.size >= 2 || amr.includes('mfa') ? 2 : 1;
}

export function acrFor(amr: string[]): string {
  return ACR[assuranceLevel(amr)];
}

/** The `amr` of a sign-in: the methods used, plus `mfa` when they make up more than one factor. */
export function amrFor(methods: string[]): string[] {
  const unique = [...new Set(methods.filter((m) => m !== 'mfa'))];
  return assuranceLevel(unique) >= 2 ? [...unique, 'mfa'] : unique;
}
