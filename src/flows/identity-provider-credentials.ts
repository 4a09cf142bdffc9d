/**
 * The credentials TechPass presents at an upstream provider's token endpoint, as an
 * administrator gives them: a client secret, or our certificate and its private key
 * for private_key_jwt (the certificate is uploaded at the provider; the key signs our
 * client assertions). Checked before anything is stored: a readable, current
 * certificate with a key type that can sign assertions, and the private key that
 * goes with it.
 */
import { ErrorCodes } from '../contracts/errors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import { checkCertificate } from '../domain/certificates.js';
import { assertionAlg, type ClientCredentials, type NewClientCredentials } from '../domain/identity-providers.js';
import { parseCertificatePem, parsePrivateKeyPem } from '../platform/x509.js';

const DAY_MS = 24 * 3600 * 1000;

export function prepareCredentials(input: NewClientCredentials, now: number): Result<{ credentials: ClientCredentials; warnings: string[] }> {
  if (input.method === 'client_secret') {
    const secret = input.clientSecret;
    if (secret.length === 0 || secret.length > 1024 || /[\u0000-\u001f\u007f]/.test(secret) || secret.trim() !== secret) {
      return fail(
        ErrorCodes.inputInvalid,
        'client secret must be the value the provider issued: 1–1024 characters, no control characters or surrounding spaces',
        'clientSecret',
      );
    }
    return ok({ credentials: { method: 'client_secret', clientSecret: secret }, warnings: [] });
  }
  const parsed = parseCertificatePem(input.certificatePem);
  if (!parsed.ok) return fail(ErrorCodes.certificateInvalid, `the certificate ${parsed.problem}`, 'certPem');
  const cert = parsed.value;
  const problem = checkCertificate(cert, now);
  if (problem) return fail(ErrorCodes.certificateInvalid, `the certificate ${problem}`, 'certPem');
  const alg = assertionAlg(cert);
  if (alg === null)
    return fail(ErrorCodes.certificateInvalid, `the certificate has a ${cert.keyType} key, which cannot sign client assertions`, 'certPem');
  const key = parsePrivateKeyPem(input.privateKeyPem, cert.pem);
  if (!key.ok) return fail(ErrorCodes.certificateInvalid, `the private key ${key.problem}`, 'keyPem');
  const warnings =
    cert.notAfter - now < 30 * DAY_MS
      ? [`the certificate expires on ${new Date(cert.notAfter).toISOString()}: upload a new one at the provider and here before then`]
      : [];
  return ok({
    credentials: {
      method: 'private_key_jwt',
      privateKeyPem: key.value.pem,
      certificate: {
        pem: cert.pem,
        x5t: cert.x5t,
        x5tS256: cert.x5tS256,
        subject: cert.subject,
        notBefore: cert.notBefore,
        notAfter: cert.notAfter,
        alg,
      },
    },
    warnings,
  });
}
