import { describe, expect, it } from 'vitest';
import { asUserId } from '../../domain/ids.js';
import type { PushChallenge } from '../../domain/push.js';
import { canonicalAnswer, drawChallengeNumber, effectiveStatus, judgeAnswer, shouldPause, type SignedAnswer } from './rules.js';

const NOW = Date.UTC(2026, 0, 1);
const challenge = (patch: Partial<PushChallenge> = {}): PushChallenge => ({
  id: 'psh_1',
  userId: asUserId('usr_a'),
  number: 42,
  status: 'pending',
  outcome: null,
  flowId: null,
  applicationName: 'App',
  ip: null,
  userAgent: null,
  createdAt: NOW - 1000,
  expiresAt: NOW + 60_000,
  answeredAt: null,
  deviceId: null,
  consumedAt: null,
  ...patch,
});
const answer = (patch: Partial<SignedAnswer> = {}): SignedAnswer => ({ number: '42', decision: 'approve', timestamp: NOW, signature: 'x', ...patch });
const mine = { userId: asUserId('usr_a') };

describe('push number matching rules', () => {
  it('draws two-digit numbers from 10 to 99', () => {
    expect(drawChallengeNumber(() => 10)).toBe(10);
    const seen = new Set(Array.from({ length: 2000 }, () => drawChallengeNumber()));
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...seen)).toBeLessThanOrEqual(99);
    expect(seen.size).toBe(90);
  });

  it('approves only the number shown, and closes the challenge on a wrong one', () => {
    expect(judgeAnswer(challenge(), mine, answer(), NOW)).toEqual({ kind: 'settle', status: 'approved', outcome: 'approved' });
    expect(judgeAnswer(challenge(), mine, answer({ number: '24' }), NOW)).toEqual({ kind: 'settle', status: 'denied', outcome: 'wrong_number' });
    expect(judgeAnswer(challenge(), mine, answer({ number: '' }), NOW)).toMatchObject({ outcome: 'wrong_number' });
  });

  it('tells a device of another account nothing else about the challenge', () => {
    expect(judgeAnswer(challenge({ status: 'approved' }), { userId: asUserId('usr_b') }, answer(), NOW)).toEqual({ kind: 'foreign_device' });
  });

  it('refuses answers to closed, expired or stale challenges', () => {
    expect(judgeAnswer(challenge({ status: 'approved' }), mine, answer(), NOW)).toEqual({ kind: 'replayed' });
    expect(judgeAnswer(challenge({ expiresAt: NOW }), mine, answer(), NOW)).toEqual({ kind: 'expired' });
    expect(judgeAnswer(challenge(), mine, answer({ timestamp: NOW - 5 * 60_000 - 1 }), NOW)).toEqual({ kind: 'stale' });
    expect(effectiveStatus(challenge({ expiresAt: NOW - 1 }), NOW)).toBe('expired');
  });

  it('signs the challenge, the digits, the decision and the time, one per line', () => {
    expect(canonicalAnswer('psh_1', answer({ decision: 'report', number: '' }))).toBe(`techpass-push-answer/v1\npsh_1\n\nreport\n${NOW}`);
  });

  it('pauses push at the third failure', () => {
    expect(shouldPause(2)).toBe(false);
    expect(shouldPause(3)).toBe(true);
  });
});
