import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { cookieSigner } from './cookie-signatures.js';

// Keygrip is what `cookies` (under Koa, under oidc-provider) would use given a key array.
const Keygrip = createRequire(import.meta.url)('keygrip') as (keys: string[]) => {
  sign(data: string): string;
  index(data: string, digest: string): number;
};

describe('cookie signatures', () => {
  const keys = ['first-key-0123456789', 'older-key-9876543210'];

  it('signs exactly as Keygrip does, so cookies signed before stay valid', () => {
    const ours = cookieSigner(keys);
    const theirs = Keygrip(keys);
    for (const data of ['techpass_session=abc', '_interaction=x/y+z==', 'résumé=ü', '']) {
      expect(ours.sign(data)).toBe(theirs.sign(data));
      expect(ours.index(data, theirs.sign(data))).toBe(0);
    }
  });

  it('verifies with an older key (rotation) and says which', () => {
    const old = Keygrip([keys[1]!]).sign('techpass_session=abc');
    expect(cookieSigner(keys).index('techpass_session=abc', old)).toBe(1);
    expect(cookieSigner(keys).verify('techpass_session=abc', old)).toBe(true);
  });

  it('refuses a digest of other data, another key, a truncated or padded digest', () => {
    const signer = cookieSigner(keys);
    const good = signer.sign('techpass_session=abc');
    expect(signer.index('techpass_session=abd', good)).toBe(-1);
    expect(signer.index('techpass_session=abc', Keygrip(['someone-else']).sign('techpass_session=abc'))).toBe(-1);
    expect(signer.verify('techpass_session=abc', good.slice(0, -1))).toBe(false);
    expect(signer.verify('techpass_session=abc', `${good}=`)).toBe(false);
    expect(signer.verify('techpass_session=abc', '')).toBe(false);
  });

  it('answers the same from its memory of digests, for the first key and an older one, past its bound', () => {
    const signer = cookieSigner(keys);
    const theirs = Keygrip(keys);
    const old = Keygrip([keys[1]!]);
    for (let round = 0; round < 2; round += 1) {
      // More distinct cookies than it remembers: it forgets and computes again, never answers wrong.
      for (let i = 0; i < 5000; i += 1) {
        const data = `_interaction=${i}`;
        expect(signer.sign(data)).toBe(theirs.sign(data));
        expect(signer.index(data, old.sign(data))).toBe(1);
        expect(signer.index(data, old.sign(`${data}x`))).toBe(-1);
      }
    }
  });

  it('needs a key', () => {
    expect(() => cookieSigner([])).toThrow(/at least one key/);
  });
});
