/**
 * The credential strategies answer the one shape (DESIGN §3): not_responsible,
 * ok or failed with a reason, and each declares the factor kind assurance
 * counts for its id.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FACTOR_KIND } from '../domain/assurance.js';
import { hashPassword } from './password/hash.js';
import { passwordStrategy } from './password/strategy.js';
import { passkeyStrategy } from './passkey/strategy.js';
import { totpStrategy } from './totp/strategy.js';
import { upstreamKeys } from './upstream-oidc/keys.js';
import { upstreamOidcStrategy } from './upstream-oidc/strategy.js';
import { TOTP_PERIOD_MS } from './totp/totp.js';

const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DP';
/** Codes from Debian's oathtool, an implementation that is not ours. */
const oathtool = (at: number, seed = SEED) =>
  execFileSync('oathtool', ['--totp', '-b', `--now=@${Math.floor(at / 1000)}`, seed], { encoding: 'utf8' }).trim();

describe('credential strategies', () => {
  it('declare the factor kind assurance counts for their id', () => {
    const rp = { id: 'localhost', origin: 'http://localhost:3000', name: 'TechPass' };
    const upstream = upstreamOidcStrategy({
      fetch: () => Promise.reject(new Error('no calls here')),
      keys: upstreamKeys(() => Promise.reject(new Error('none'))),
    });
    for (const strategy of [passwordStrategy, totpStrategy, passkeyStrategy(rp), upstream]) expect(strategy.kind).toBe(FACTOR_KIND[strategy.id]);
  });

  it('password: enrol checks the policy and hashes; verify answers ok, failed, or not responsible without a password', async () => {
    expect(await passwordStrategy.enrol({ password: 'short', identifiers: [] })).toEqual({ kind: 'failed', reason: 'too_short' });
    expect(await passwordStrategy.enrol({ password: 'jane.tan.2026.secret', identifiers: ['jane.tan.2026.secret'] })).toEqual({
      kind: 'failed',
      reason: 'matches_identifier',
    });
    const made = await passwordStrategy.enrol({ password: 'correct horse battery staple', identifiers: ['jane@agency.gov.sg'] });
    expect(made.kind).toBe('ok');
    const hash = made.kind === 'ok' ? made.value.hash : '';
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await passwordStrategy.verify({ hash, password: 'correct horse battery staple' })).toEqual({ kind: 'ok', value: true });
    expect(await passwordStrategy.verify({ hash, password: 'Correct horse battery staple' })).toEqual({ kind: 'failed', reason: 'wrong_password' });
    expect(await passwordStrategy.verify({ hash: null, password: 'anything at all' })).toEqual({ kind: 'not_responsible' });
    expect(await passwordStrategy.verify({ hash: await hashPassword('another one entirely'), password: '' })).toMatchObject({ kind: 'failed' });
    expect(await passwordStrategy.challenge()).toEqual({ kind: 'not_responsible' });
  });

  it('totp: verify finds the factor a code belongs to, refuses a spent step, and is not responsible without factors', async () => {
    const now = Date.UTC(2026, 11, 3, 9, 0, 10);
    const step = Math.floor(now / TOTP_PERIOD_MS);
    const other = { id: 'f_other', seed: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', lastUsedStep: null };
    const mine = { id: 'f_mine', seed: SEED, lastUsedStep: null };
    expect(await totpStrategy.verify({ factors: [other, mine], code: oathtool(now), now })).toEqual({
      kind: 'ok',
      value: { factorId: 'f_mine', step },
    });
    expect(await totpStrategy.verify({ factors: [{ ...mine, lastUsedStep: step }], code: oathtool(now), now })).toEqual({
      kind: 'failed',
      reason: 'reused_code',
    });
    expect(await totpStrategy.verify({ factors: [mine], code: oathtool(now - 3 * TOTP_PERIOD_MS), now })).toEqual({
      kind: 'failed',
      reason: 'wrong_code',
    });
    expect(await totpStrategy.verify({ factors: [], code: oathtool(now), now })).toEqual({ kind: 'not_responsible' });
    expect(await totpStrategy.enrol({ seed: SEED, code: oathtool(now), now })).toEqual({ kind: 'ok', value: { step } });
    expect(await totpStrategy.enrol({ seed: SEED, code: '123', now })).toEqual({ kind: 'failed', reason: 'wrong_code' });
  });

  it('passkey: options over the given challenge; an assertion naming no stored passkey is not its; a bad one fails', async () => {
    const strategy = passkeyStrategy({ id: 'localhost', origin: 'http://localhost:3000', name: 'TechPass' });
    const challenge = Buffer.alloc(32, 7).toString('base64url');
    const made = await strategy.challenge({ challenge, existing: [] });
    expect(made).toMatchObject({ kind: 'ok', value: { challenge, rpId: 'localhost', userVerification: 'required' } });
    const stored = { id: 'pk_1', userId: 'usr_1', credentialId: 'A'.repeat(22), publicKey: 'AA', counter: 0, transports: [] };
    const forged = {
      id: 'A'.repeat(22),
      rawId: 'A'.repeat(22),
      type: 'public-key',
      response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA' },
    };
    expect(strategy.credentialIdOf(forged)).toBe('A'.repeat(22));
    expect(strategy.credentialIdOf({ nonsense: true })).toBeNull();
    expect(await strategy.verify({ response: forged, challenge, stored: null })).toEqual({ kind: 'not_responsible' });
    expect(await strategy.verify({ response: forged, challenge, stored })).toEqual({ kind: 'failed', reason: 'not_verified' });
    expect(await strategy.verify({ response: 'not json', challenge, stored })).toEqual({ kind: 'failed', reason: 'malformed' });
    expect(await strategy.enrol({ response: forged, challenge })).toMatchObject({ kind: 'failed' });
  });
});
