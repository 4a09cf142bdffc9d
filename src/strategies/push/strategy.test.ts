/**
 * The push strategy answers the one shape (DESIGN §3): `verify` claims an
 * approved prompt once, for its account and flow; a sign-in that started no
 * prompt is not this strategy's.
 */
import { describe, expect, it } from 'vitest';
import { FACTOR_KIND } from '../../domain/assurance.js';
import { asUserId } from '../../domain/ids.js';
import type { PushChallenge } from '../../domain/push.js';
import type { PushRepository } from '../../domain/repositories.js';
import { pushStrategy, type PushStrategyDeps } from './strategy.js';

const NOW = Date.UTC(2026, 0, 1);
const owner = asUserId('usr_owner');

function withChallenge(patch: Partial<PushChallenge>): PushStrategyDeps {
  const challenge: PushChallenge = {
    id: 'psh_1',
    userId: owner,
    number: 42,
    status: 'approved',
    outcome: 'approved',
    flowId: 'flw_1',
    applicationName: 'Payroll',
    ip: null,
    userAgent: null,
    createdAt: NOW - 1000,
    expiresAt: NOW + 60_000,
    answeredAt: NOW - 500,
    deviceId: 'dev_1',
    consumedAt: null,
    ...patch,
  };
  const push: Partial<PushRepository> = {
    findChallenge: async (id) => (id === challenge.id ? challenge : null),
    consumeApproval: async () => {
      if (challenge.consumedAt !== null) return false;
      challenge.consumedAt = NOW;
      return true;
    },
  };
  const unused = () => Promise.reject(new Error('not used by verify'));
  return {
    push: push as PushRepository,
    audit: { append: unused, list: unused, query: unused, verify: unused },
    clock: { now: () => NOW },
    challengeTtlMs: 90_000,
    transaction: unused,
  };
}

describe('push strategy', () => {
  it('declares the factor kind assurance counts for swk', () => {
    const strategy = pushStrategy(withChallenge({}));
    expect(strategy.id).toBe('swk');
    expect(strategy.kind).toBe(FACTOR_KIND[strategy.id]);
  });

  it('verify claims an approval once, for its account and flow only', async () => {
    const strategy = pushStrategy(withChallenge({}));
    expect(await strategy.verify({ challengeId: undefined, userId: owner })).toEqual({ kind: 'not_responsible' });
    expect(await strategy.verify({ challengeId: 'psh_1', userId: asUserId('usr_other'), flowId: 'flw_1' })).toEqual({
      kind: 'failed',
      reason: 'not_yours',
    });
    expect(await strategy.verify({ challengeId: 'psh_1', userId: owner, flowId: 'flw_2' })).toEqual({ kind: 'failed', reason: 'not_yours' });
    expect(await strategy.verify({ challengeId: 'psh_2', userId: owner, flowId: 'flw_1' })).toEqual({ kind: 'failed', reason: 'not_found' });
    expect(await strategy.verify({ challengeId: 'psh_1', userId: owner, flowId: 'flw_1' })).toEqual({ kind: 'ok', value: { challengeId: 'psh_1' } });
    expect(await strategy.verify({ challengeId: 'psh_1', userId: owner, flowId: 'flw_1' })).toEqual({ kind: 'failed', reason: 'already_used' });
  });

  it('verify refuses a prompt that was not approved', async () => {
    const strategy = pushStrategy(withChallenge({ status: 'denied', outcome: 'wrong_number' }));
    expect(await strategy.verify({ challengeId: 'psh_1', userId: owner, flowId: 'flw_1' })).toEqual({ kind: 'failed', reason: 'not_approved' });
  });
});
