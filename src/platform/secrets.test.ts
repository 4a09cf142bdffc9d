import { describe, expect, it } from 'vitest';
import { MasterKey } from './secrets.js';
import { readRememberedRefs, signValue, verifyValue, writeRememberedRefs } from './signed-cookie.js';

describe('master key sealing', () => {
  it('opens what it sealed, only in the same context and with the same key', () => {
    const key = MasterKey.generate();
    const sealed = key.seal('totp-seed', 'user_factors:f1');
    expect(sealed).not.toContain('totp-seed');
    expect(key.open(sealed, 'user_factors:f1')).toBe('totp-seed');
    expect(() => key.open(sealed, 'user_factors:f2')).toThrow();
    expect(() => MasterKey.generate().open(sealed, 'user_factors:f1')).toThrow();
  });
});

describe('signed values', () => {
  it('rejects a tampered value', () => {
    const key = Buffer.alloc(32, 1);
    const signed = signValue(key, '["a"]');
    expect(verifyValue(key, signed)).toBe('["a"]');
    expect(verifyValue(key, signed.replace(/^./, 'x'))).toBeNull();
    expect(readRememberedRefs(key, writeRememberedRefs(Buffer.alloc(32, 2), ['abcdefghijkl']))).toEqual([]);
    expect(readRememberedRefs(key, writeRememberedRefs(key, ['abcdefghijkl', 'mnopqrstuvwx']))).toEqual(['abcdefghijkl', 'mnopqrstuvwx']);
  });
});
