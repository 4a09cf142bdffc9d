/**
 * Self-signed X.509 certificates for tests, made with node:crypto and a tiny DER
 * writer (Node 20 can read certificates but not make them, and CI installs no
 * openssl). Enough of RFC 5280 for a v3 certificate with a CN, a validity window
 * and an EC P-256 or RSA key, signed with SHA-256.
 */
import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import { generateKeyObjects } from '../../src/platform/jwk.js';

const der = (tag: number, content: Buffer): Buffer => {
  const n = content.length;
  const length =
    n < 0x80
      ? Buffer.from([n])
      : (() => {
          const bytes: number[] = [];
          for (let rest = n; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
          return Buffer.from([0x80 | bytes.length, ...bytes]);
        })();
  return Buffer.concat([Buffer.from([tag]), length, content]);
};

const sequence = (...items: Buffer[]) => der(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => der(0x31, Buffer.concat(items));
const nullValue = () => der(0x05, Buffer.alloc(0));
const utf8 = (text: string) => der(0x0c, Buffer.from(text, 'utf8'));
const bitString = (bytes: Buffer) => der(0x03, Buffer.concat([Buffer.from([0]), bytes]));
const explicit = (n: number, item: Buffer) => der(0xa0 + n, item);

function integer(bytes: Buffer): Buffer {
  const positive = bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
  return der(0x02, positive);
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes = [a! * 40 + b!];
  for (const arc of rest) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = arc >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  // UTCTime until 2049, GeneralizedTime after (RFC 5280 §4.1.2.5).
  return date.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(iso.slice(2))) : der(0x18, Buffer.from(iso));
}

const name = (commonName: string) => sequence(set(sequence(oid('2.5.4.3'), utf8(commonName))));

/** A positive serial whose first byte is not zero (DER refuses a leading zero before a byte under 0x80). */
function serialNumber(): Buffer {
  const serial = randomBytes(12);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  return serial;
}

export interface TestCertificate {
  pem: string;
  privateKey: KeyObject;
  /** base64url SHA-1 of the DER */
  x5t: string;
  /** base64url SHA-256 of the DER */
  x5tS256: string;
  /** The JOSE algorithm the key signs with. */
  alg: 'ES256' | 'RS256';
}

export function selfSignedCertificate(options: { commonName?: string; keyType?: 'ec' | 'rsa'; notBefore?: Date; notAfter: Date }): TestCertificate {
  const keyType = options.keyType ?? 'ec';
  const { privateKey, publicKey } = generateKeyObjects(keyType === 'ec' ? 'ES256' : 'RS256');
  const signatureAlgorithm = keyType === 'ec' ? sequence(oid('1.2.840.10045.4.3.2')) : sequence(oid('1.2.840.113549.1.1.11'), nullValue());
  const subject = name(options.commonName ?? 'techpass test client');
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))),
    integer(serialNumber()),
    signatureAlgorithm,
    subject,
    sequence(time(options.notBefore ?? new Date(Date.now() - 60_000)), time(options.notAfter)),
    subject,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificate = sequence(tbs, signatureAlgorithm, bitString(signature));
  const body = certificate
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd();
  return {
    pem: `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`,
    privateKey,
    x5t: createHash('sha1').update(certificate).digest('base64url'),
    x5tS256: createHash('sha256').update(certificate).digest('base64url'),
    alg: keyType === 'ec' ? 'ES256' : 'RS256',
  };
}
