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
 *
 * The same cookie comes back on every request of a sign-in (five or more), so each
 * key remembers the digests it computed last: a bounded map, emptied when full, so
 * cookies made up by a client cost at most one HMAC each and never grow memory.
 */
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/** Digests each key remembers (a few hundred bytes each). */
const REMEMBERED_DIGESTS = 4096;

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
  const remembered = secrets.map(() => new Map<string, string>());
  const digest = (data: string, i: number) => {
    const known = remembered[i]!;
    let value = known.get(data);
    if (value === undefined) {
      value = createHmac('sha1', secrets[i]!)
        .update(data)
        .digest('base64')
        .replace(/[/+=]/g, (c) => URL_SAFE[c]!);
      if (known.size >= REMEMBERED_DIGESTS) known.clear();
      known.set(data, value);
    }
    return value;
  };
  const index = (data: string, given: string) => {
    const presented = Buffer.from(given);
    for (let i = 0; i < secrets.length; i += 1) {
      const expected = Buffer.from(digest(data, i));
      if (expected.length === presented.length && timingSafeEqual(expected, presented)) return i;
    }
    return -1;
  };
  return {
    sign: (data) => digest(data, 0),
    verify: (data, given) => index(data, given) > -1,
    index,
  };
}
