/**
 * Application certificates: public X.509 certificates a confidential application
 * uploads to authenticate with `private_key_jwt` (client assertions signed by the
 * certificate's private key). A certificate is usable only inside its validity
 * window; its SHA-1 and SHA-256 thumbprints (`x5t`, `x5t#S256`) name it.
 */
import type { ApplicationId } from './ids.js';

export interface ApplicationCertificate {
  id: string;
  applicationId: ApplicationId;
  pem: string;
  /** base64url SHA-1 of the DER: the JOSE `x5t` header value. */
  x5t: string;
  /** base64url SHA-256 of the DER: the JOSE `x5t#S256` header value (and the key's `kid`). */
  x5tS256: string;
  publicJwk: Record<string, unknown>;
  notBefore: number;
  notAfter: number;
  createdAt: number;
}

export type NewCertificate = Omit<ApplicationCertificate, 'id' | 'applicationId' | 'createdAt'>;

/** What an uploaded certificate must offer (see platform/x509.ts for how it is read). */
export interface CertificateKey {
  keyType: string;
  modulusLength?: number;
  namedCurve?: string;
  notBefore: number;
  notAfter: number;
}

const CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

/** Refuses keys that cannot sign an assertion we accept, and certificates already expired. */
export function checkCertificate(cert: CertificateKey, now: number): string | null {
  if (cert.notAfter <= now) return `expired on ${new Date(cert.notAfter).toISOString()}: upload a current certificate`;
  switch (cert.keyType) {
    case 'rsa':
      if ((cert.modulusLength ?? 0) < 2048) return 'has an RSA key shorter than 2048 bits';
      return null;
    case 'ec':
      return CURVES.has(cert.namedCurve ?? '') ? null : 'has an EC key on a curve other than P-256, P-384 or P-521';
    case 'ed25519':
      return null;
    default:
      return `has a ${cert.keyType} key: use RSA (2048 bits or more), EC (P-256, P-384, P-521) or Ed25519`;
  }
}

/** Live certificates authenticate; the others are kept (for the record) but ignored. */
export function isLiveCertificate(cert: Pick<ApplicationCertificate, 'notBefore' | 'notAfter'>, now: number): boolean {
  return cert.notBefore <= now && now < cert.notAfter;
}
