/**
 * ES256 tokens signed on the request's thread, through oidc-provider's own external
 * signing support: the provider's current ES256 key is handed over as an
 * `ExternalSigningKey` whose `sign` is one synchronous node:crypto call.
 *
 * Why: with a private JWK, oidc-provider signs through jose, and jose through WebCrypto
 * (`crypto.subtle`). Node's WebCrypto hands each operation to the libuv thread pool and
 * settles a promise when it returns. For a P-256 signature, about 30 µs of work, the
 * hand-off costs more than the work (75 µs a signature through the pool against 28 µs
 * inline on one core). A client_credentials grant signs one token (its JWT access token),
 * a refresh one (its ID token): see docs/performance.md. Until this module, TechPass got
 * the same effect by replacing `crypto.subtle.sign` and `verify` for the whole process;
 * now nothing global changes, and nothing but the provider's own signing key is affected.
 *
 * What the provider gets is what it would sign with the JWK: an IEEE P1363 signature
 * (r‖s, 64 bytes) over `header.payload`; the published JWKS is the same (the public
 * members come from `keyObject()`, the public key). Verify-only keys (retired, next:
 * `key_ops: ['verify']`) and RS256 keys stay JWKs: they are not signed with here, or, for
 * RSA, the signature itself is long enough that the thread pool is the right place.
 */
import { createPrivateKey, createPublicKey, sign as nodeSign, type KeyObject } from 'node:crypto';
import { ExternalSigningKey } from 'oidc-provider';

type Jwk = Record<string, unknown>;

class InlineEs256Key extends ExternalSigningKey {
  readonly #kid: string;
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;

  constructor(jwk: Jwk & { kid: string }) {
    super();
    this.#kid = jwk.kid;
    this.#privateKey = createPrivateKey({ key: jwk as never, format: 'jwk' });
    this.#publicKey = createPublicKey(this.#privateKey);
  }

  override get kid(): string {
    return this.#kid;
  }

  override get alg(): string {
    return 'ES256';
  }

  /** The public key: oidc-provider publishes its members and verifies its own tokens (id_token_hint) with it. */
  override keyObject(): KeyObject {
    return this.#publicKey;
  }

  override sign(data: Uint8Array): Uint8Array {
    return nodeSign('sha256', data, { key: this.#privateKey, dsaEncoding: 'ieee-p1363' });
  }
}

/** A key the provider signs ES256 tokens with: a private P-256 key of alg ES256, not restricted to verifying. */
function signsEs256(jwk: Jwk): jwk is Jwk & { kid: string } {
  return (
    jwk.kty === 'EC' &&
    jwk.crv === 'P-256' &&
    jwk.alg === 'ES256' &&
    typeof jwk.d === 'string' &&
    typeof jwk.kid === 'string' &&
    jwk.key_ops === undefined
  );
}

/** The provider's `jwks.keys`: each ES256 signing key as an inline signer, every other key as it is. */
export function inlineSigningKeys(keys: Jwk[]): Array<Jwk | ExternalSigningKey> {
  return keys.map((jwk) => (signsEs256(jwk) ? new InlineEs256Key(jwk) : jwk));
}
