/**
 * Reads an uploaded X.509 certificate (PEM): its public key as a JWK, its
 * thumbprints as JOSE names them (`x5t` = base64url SHA-1 of the DER, `x5t#S256`
 * = base64url SHA-256 of the DER) and its validity window. Facts only; whether a
 * certificate is acceptable is decided in domain/certificates.ts.
 */
import { createHash, createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';

export interface CertificateFacts {
  /** The certificate alone, re-encoded as one PEM block. */
  pem: string;
  x5t: string;
  x5tS256: string;
  subject: string;
  notBefore: number;
  notAfter: number;
  /** `rsa`, `ec`, `ed25519`… as node:crypto names key types. */
  keyType: string;
  /** RSA modulus length in bits, when RSA. */
  modulusLength?: number;
  /** EC curve name (`prime256v1`, `secp384r1`, `secp521r1`), when EC. */
  namedCurve?: string;
  /** The public key as a JWK, without `kid`, `alg` or `use`. */
  publicJwk: Record<string, unknown>;
}

export type ParsedCertificate = { ok: true; value: CertificateFacts } | { ok: false; problem: string };

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

export function parseCertificatePem(text: string): ParsedCertificate {
  const blocks = [...text.matchAll(BLOCK)].map((m) => ({ label: m[1]!, body: m[0] }));
  if (blocks.some((b) => b.label.includes('PRIVATE KEY'))) {
    return { ok: false, problem: 'contains a private key: upload only the public certificate, and keep the key secret' };
  }
  const certificates = blocks.filter((b) => b.label === 'CERTIFICATE');
  if (certificates.length === 0) return { ok: false, problem: 'is not a PEM certificate (-----BEGIN CERTIFICATE-----)' };
  if (certificates.length > 1) return { ok: false, problem: 'holds several certificates: upload the application certificate alone' };
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certificates[0]!.body);
  } catch (error) {
    return { ok: false, problem: `cannot be read as an X.509 certificate (${(error as Error).message})` };
  }
  const der = cert.raw;
  const notBefore = Date.parse(cert.validFrom);
  const notAfter = Date.parse(cert.validTo);
  if (Number.isNaN(notBefore) || Number.isNaN(notAfter)) return { ok: false, problem: 'has an unreadable validity period' };
  const key = cert.publicKey;
  let publicJwk: Record<string, unknown>;
  try {
    publicJwk = key.export({ format: 'jwk' }) as Record<string, unknown>;
  } catch {
    return { ok: false, problem: `has a ${key.asymmetricKeyType ?? 'unknown'} key, which cannot sign client assertions` };
  }
  const details = key.asymmetricKeyDetails ?? {};
  return {
    ok: true,
    value: {
      pem: `-----BEGIN CERTIFICATE-----\n${der
        .toString('base64')
        .replace(/(.{64})/g, '$1\n')
        .trimEnd()}\n-----END CERTIFICATE-----\n`,
      x5t: createHash('sha1').update(der).digest('base64url'),
      x5tS256: createHash('sha256').update(der).digest('base64url'),
      subject: cert.subject,
      notBefore,
      notAfter,
      keyType: key.asymmetricKeyType ?? 'unknown',
      ...(details.modulusLength !== undefined ? { modulusLength: details.modulusLength } : {}),
      ...(details.namedCurve !== undefined ? { namedCurve: details.namedCurve } : {}),
      publicJwk,
    },
  };
}

export type ParsedPrivateKey = { ok: true; value: { pem: string } } | { ok: false; problem: string };

/**
 * Reads the private key that goes with the certificate (ours, for private_key_jwt at an
 * upstream provider): one unencrypted PEM key (PKCS #8, or the older RSA/EC forms),
 * whose public half is the certificate's. Answers it re-encoded as PKCS #8 PEM.
 */
export function parsePrivateKeyPem(text: string, certificatePem: string): ParsedPrivateKey {
  const blocks = [...text.matchAll(BLOCK)].map((m) => ({ label: m[1]!, body: m[0] }));
  if (blocks.some((b) => b.label === 'ENCRYPTED PRIVATE KEY')) {
    return { ok: false, problem: 'is encrypted: give the key without a passphrase (openssl pkey -in key.pem -out key-plain.pem)' };
  }
  const keys = blocks.filter((b) => /^(RSA |EC )?PRIVATE KEY$/.test(b.label));
  if (keys.length === 0) return { ok: false, problem: 'is not a PEM private key (-----BEGIN PRIVATE KEY-----)' };
  if (keys.length > 1) return { ok: false, problem: 'holds several private keys: give the one that goes with the certificate' };
  let key;
  try {
    key = createPrivateKey(keys[0]!.body);
  } catch (error) {
    return { ok: false, problem: `cannot be read as a private key (${(error as Error).message})` };
  }
  const certKey = new X509Certificate(certificatePem).publicKey;
  const spki = (k: ReturnType<typeof createPublicKey>) => k.export({ type: 'spki', format: 'der' });
  if (!spki(createPublicKey(key)).equals(spki(certKey))) {
    return { ok: false, problem: "does not go with the certificate (its public key is not the certificate's)" };
  }
  return { ok: true, value: { pem: key.export({ type: 'pkcs8', format: 'pem' }).toString() } };
}
