import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { checkTotp, TOTP_PERIOD_MS } from './totp.js';

const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DP';
/** Codes from Debian's oathtool, an implementation that is not ours. */
const oathtool = (at: number) => execFileSync('oathtool', ['--totp', '-b', `--now=@${Math.floor(at / 1000)}`, SEED], { encoding: 'utf8' }).trim();

describe('TOTP', () => {
  const now = Date.UTC(2026, 10, 23, 12, 0, 10);

  it("accepts oathtool's code for now and for one step either side", () => {
    expect(checkTotp(SEED, oathtool(now), now, null)).toEqual({ ok: true, step: Math.floor(now / TOTP_PERIOD_MS) });
    expect(checkTotp(SEED, oathtool(now - TOTP_PERIOD_MS), now, null)).toMatchObject({ ok: true });
    expect(checkTotp(SEED, oathtool(now + TOTP_PERIOD_MS), now, null)).toMatchObject({ ok: true });
  });

  it('refuses a code two steps away and a malformed code', () => {
    expect(checkTotp(SEED, oathtool(now - 2 * TOTP_PERIOD_MS), now, null)).toEqual({ ok: false, reason: 'wrong' });
    expect(checkTotp(SEED, '12345', now, null)).toEqual({ ok: false, reason: 'wrong' });
  });

  it('refuses a code whose step was already used', () => {
    const first = checkTotp(SEED, oathtool(now), now, null);
    if (!first.ok) throw new Error('setup');
    expect(checkTotp(SEED, oathtool(now), now, first.step)).toEqual({ ok: false, reason: 'reused' });
    expect(checkTotp(SEED, oathtool(now - TOTP_PERIOD_MS), now, first.step)).toEqual({ ok: false, reason: 'reused' });
  });
});
