/** Which uploaded certificates are acceptable, and when they authenticate. */
import { describe, expect, it } from 'vitest';
import { checkCertificate, isLiveCertificate } from './certificates.js';

const now = Date.UTC(2026, 0, 1);
const valid = { notBefore: now - 1000, notAfter: now + 86_400_000 };

describe('certificates', () => {
  it('accepts RSA of 2048 bits or more, EC P-256/P-384/P-521 and Ed25519 keys', () => {
    expect(checkCertificate({ ...valid, keyType: 'rsa', modulusLength: 2048 }, now)).toBeNull();
    for (const namedCurve of ['prime256v1', 'secp384r1', 'secp521r1'])
      expect(checkCertificate({ ...valid, keyType: 'ec', namedCurve }, now)).toBeNull();
    expect(checkCertificate({ ...valid, keyType: 'ed25519' }, now)).toBeNull();
  });

  it('refuses short RSA keys, other curves and other key types', () => {
    expect(checkCertificate({ ...valid, keyType: 'rsa', modulusLength: 1024 }, now)).toMatch(/2048/);
    expect(checkCertificate({ ...valid, keyType: 'ec', namedCurve: 'secp256k1' }, now)).toMatch(/curve/);
    expect(checkCertificate({ ...valid, keyType: 'dsa' }, now)).toMatch(/dsa/);
  });

  it('refuses a certificate that has already expired', () => {
    expect(checkCertificate({ keyType: 'ed25519', notBefore: now - 10_000, notAfter: now }, now)).toMatch(/expired/);
  });

  it('authenticates only inside the validity window', () => {
    expect(isLiveCertificate(valid, now)).toBe(true);
    expect(isLiveCertificate(valid, valid.notAfter)).toBe(false);
    expect(isLiveCertificate({ ...valid, notBefore: now + 1 }, now)).toBe(false);
  });
});
