import { describe, expect, it } from 'vitest';
import { missingKeys, planRotation, publishedKeys, type SigningKey } from './signing-keys.js';

const key = (kid: string, alg: 'ES256' | 'RS256', status: SigningKey['status'], extra: Partial<SigningKey> = {}): SigningKey => ({
  kid,
  alg,
  status,
  privateJwk: { kty: alg === 'ES256' ? 'EC' : 'RSA', d: 'secret' },
  createdAt: 0,
  activatedAt: null,
  retiredAt: null,
  publishUntil: null,
  ...extra,
});

describe('signing keys', () => {
  it('asks for a current and a next key of each algorithm on first start', () => {
    expect(missingKeys([])).toEqual([
      { alg: 'ES256', status: 'current' },
      { alg: 'ES256', status: 'next' },
      { alg: 'RS256', status: 'current' },
      { alg: 'RS256', status: 'next' },
    ]);
    expect(missingKeys([key('a', 'ES256', 'current'), key('b', 'ES256', 'next')])).toHaveLength(2);
  });

  it('publishes the current ES256 key first and marks every other key verify-only', () => {
    const published = publishedKeys([key('n', 'ES256', 'next'), key('r1', 'RS256', 'current'), key('c', 'ES256', 'current')], 0);
    expect(published.map((k) => k.kid)).toEqual(['c', 'n', 'r1']);
    expect(published[0]).not.toHaveProperty('key_ops');
    expect(published[1]).toMatchObject({ key_ops: ['verify'] });
  });

  it('keeps a retired key published until its window closes, then drops it', () => {
    const retired = key('old', 'ES256', 'retired', { publishUntil: 1000 });
    expect(publishedKeys([retired], 999).map((k) => k.kid)).toEqual(['old']);
    expect(publishedKeys([retired], 1000)).toEqual([]);
    expect(planRotation([retired], 1000, 60).drop).toEqual(['old']);
  });

  it('plans a rotation: current retires, next is promoted, a new next is generated', () => {
    const plan = planRotation([key('c', 'ES256', 'current'), key('n', 'ES256', 'next')], 500, 3600);
    expect(plan).toEqual({ retire: [{ kid: 'c', publishUntil: 4100 }], promote: ['n'], generateNext: ['ES256'], drop: [] });
  });
});
