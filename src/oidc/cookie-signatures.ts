/**
 * How the provider signs its cookies (session, interaction, resume): the `cookies`
 * package's signed-cookie scheme, HMAC-SHA1 over `name=value` in URL-safe base64
 * without padding, so cookies signed before this module existed stay valid. The
 * package accepts any object with Keygrip's `sign`, `verify` and `index` (oidc-provider
 * documents `cookies.keys` as `string[] | KeyGrip`).
 *
 * Why not Keygrip itself: its comparison (`tsscmp`) draws 32 random bytes and computes
 * two more HMACs on every check, to blind a plain string comparison. Comparing the two
 * digests with `timingSafeEqual` is constant-time without that, and every sign-in page
 * and step reads one or two signed cookies (`npm run bench`, sign_in).
 */
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

const URL_SAFE: Record<string, string> = { '/': '_', '+': '-', '=': '' };

export interface CookieSigner {
  sign(data: string): string;
  verify(data: string, digest: string): boolean;
  /** The position of the key that made `digest`, -1 when none did. */
  index(data: string, digest: string): number;
}

/** A signer with these keys, the first signing; the others still verify (rotation). */
export function cookieSigner(keys: ReadonlyArray<string | Buffer>): CookieSigner {
  if (keys.length === 0) throw new Error('cookie signing needs at least one key');
  const secrets: KeyObject[] = keys.map((key) => createSecretKey(typeof key === 'string' ? Buffer.from(key) : key));
  const digest = (data: string, key: KeyObject) =>
    createHmac('sha1', key)
      .update(data)
      .digest('base64')
      .replace(/[/+=]/g, (c) => URL_SAFE[c]!);
  const index = (data: string, given: string) => {
    const presented = Buffer.from(given);
    for (let i = 0; i < secrets.length; i += 1) {
      const expected = Buffer.from(digest(data, secrets[i]!));
      if (expected.length === presented.length && timingSafeEqual(expected, presented)) return i;
    }
    return -1;
  };
  return {
    sign: (data) => digest(data, secrets[0]!),
    verify: (data, given) => index(data, given) > -1,
    index,
  };
}
