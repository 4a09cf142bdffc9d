/**
 * Negative tests of a relying party need ID tokens that are wrong in one precise
 * way. A test sets `upstream.tamper` to a function that receives the genuine ID
 * token of a token response, decoded, and returns the compact JWT to send instead;
 * `TokenForger` signs what it is given in each of the ways an attacker (or a broken
 * provider) would. `tamperings` holds the usual cases, ready to assign.
 */
import { createHmac, generateKeyPair, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { JWTPayload, ProtectedHeaderParameters } from 'jose';

export interface IdTokenParts {
  header: ProtectedHeaderParameters;
  payload: JWTPayload & { nonce?: string; azp?: string; [claim: string]: unknown };
}

/** What the public key's bytes look like when used as an HMAC secret (the algorithm-confusion attack). */
export type PublicKeyAsSecret = 'pem' | 'der' | 'jwk';

export interface TokenForger {
  /** A genuine signature with the upstream's current signing key over whatever it is given. */
  sign(token: IdTokenParts): string;
  /** Signed with a key of the same type that is in no JWKS; the header (and its `kid`) is kept, so the signature fails. */
  signWithOtherKey(token: IdTokenParts): string;
  /** `alg: none` and an empty signature. */
  unsigned(token: IdTokenParts): string;
  /** HS256 (or HS384/HS512) with the upstream's public key as the HMAC secret; the header's `kid` is kept. */
  hmacWithPublicKey(token: IdTokenParts, options?: { alg?: 'HS256' | 'HS384' | 'HS512'; secret?: PublicKeyAsSecret }): string;
  /** The upstream's public key as a PEM (SPKI), as an attacker would fetch it from the JWKS. */
  publicKeyPem: string;
  /** Now, in seconds since the epoch. */
  now(): number;
}

export type IdTokenTamper = (token: IdTokenParts, forger: TokenForger) => string | Promise<string>;

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const signingInput = (token: IdTokenParts) => `${b64(token.header)}.${b64(token.payload)}`;

export function decodeIdToken(jwt: string): IdTokenParts {
  const [header, payload] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(header ?? '', 'base64url').toString('utf8')) as IdTokenParts['header'],
    payload: JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as IdTokenParts['payload'],
  };
}

function rs256(token: IdTokenParts, key: KeyObject): string {
  const input = signingInput({ ...token, header: { ...token.header, alg: 'RS256' } });
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

const HMAC_HASH = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' } as const;

/** A forger for one signing key; `otherKey` is a second RSA key that no JWKS lists. */
export function tokenForger(signing: { privateKey: KeyObject; publicKey: KeyObject }, otherKey: KeyObject): TokenForger {
  const publicKeyPem = signing.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const secrets: Record<PublicKeyAsSecret, () => Buffer> = {
    pem: () => Buffer.from(publicKeyPem),
    der: () => signing.publicKey.export({ type: 'spki', format: 'der' }),
    jwk: () => Buffer.from(JSON.stringify(signing.publicKey.export({ format: 'jwk' }))),
  };
  return {
    sign: (token) => rs256(token, signing.privateKey),
    signWithOtherKey: (token) => rs256(token, otherKey),
    unsigned: (token) => `${signingInput({ ...token, header: { ...token.header, alg: 'none' } })}.`,
    hmacWithPublicKey: (token, options = {}) => {
      const alg = options.alg ?? 'HS256';
      const input = signingInput({ ...token, header: { ...token.header, alg } });
      const mac = createHmac(HMAC_HASH[alg], secrets[options.secret ?? 'pem']())
        .update(input)
        .digest('base64url');
      return `${input}.${mac}`;
    },
    publicKeyPem,
    now: () => Math.floor(Date.now() / 1000),
  };
}

/** An RSA key for `signWithOtherKey`, made once per upstream. */
export async function strayKey(): Promise<KeyObject> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  return privateKey;
}

const withClaims =
  (change: (payload: IdTokenParts['payload'], now: number) => Partial<IdTokenParts['payload']>): IdTokenTamper =>
  (token, forger) =>
    forger.sign({ ...token, payload: { ...token.payload, ...change(token.payload, forger.now()) } });

/** The usual wrong tokens, each wrong in one way only; assign one to `upstream.tamper`. */
export const tamperings = {
  /** Validly signed, for another client. */
  wrongAudience: withClaims(() => ({ aud: 'another-client' })),
  /** Validly signed, with this client among several audiences and `azp` naming another. */
  wrongAuthorizedParty: withClaims((p) => ({ aud: [String(p.aud), 'another-client'], azp: 'another-client' })),
  /** Validly signed, answering another authorization request. */
  wrongNonce: withClaims(() => ({ nonce: 'a-nonce-from-another-request' })),
  /** Validly signed, without the `nonce` the request carried. */
  missingNonce: withClaims(() => ({ nonce: undefined })),
  /** Validly signed, expired an hour ago. */
  expired: withClaims((_p, now) => ({ iat: now - 7200, exp: now - 3600 })),
  /** Validly signed, issued an hour from now. */
  issuedInTheFuture: withClaims((_p, now) => ({ iat: now + 3600, exp: now + 7200 })),
  /** Validly signed by this upstream, claiming another issuer. */
  otherIssuer:
    (issuer = 'https://login.attacker.example'): IdTokenTamper =>
    (token, forger) =>
      forger.sign({ ...token, payload: { ...token.payload, iss: issuer } }),
  /** The genuine claims, signed with a key no JWKS lists (same `kid`). */
  badSignature: ((token, forger) => forger.signWithOtherKey(token)) as IdTokenTamper,
  /** The genuine claims with `alg: none` and no signature. */
  algNone: ((token, forger) => forger.unsigned(token)) as IdTokenTamper,
  /** The genuine claims, HS256 with the upstream's public key (PEM) as the secret. */
  hs256WithPublicKey: ((token, forger) => forger.hmacWithPublicKey(token)) as IdTokenTamper,
  /** Claims changed (another subject) after signing: the genuine signature no longer matches. */
  alteredClaims: ((token, forger) => {
    const genuine = forger.sign(token).split('.')[2];
    return `${signingInput({ ...token, payload: { ...token.payload, sub: 'someone-else' } })}.${genuine}`;
  }) as IdTokenTamper,
};
