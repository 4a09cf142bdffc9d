/** TOTP seeds: RFC 4648 base32, at least 80 bits (RFC 4226 asks for 128; 160 is usual). */
const BASE32 = /^[A-Z2-7]+=*$/;

export function normaliseTotpSeed(seed: string): string | null {
  const value = seed.replace(/[\s-]/g, '').toUpperCase();
  if (!BASE32.test(value)) return null;
  const bits = value.replace(/=+$/, '').length * 5;
  return bits >= 80 ? value.replace(/=+$/, '') : null;
}
