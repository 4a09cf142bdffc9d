/**
 * Values kept in the browser that must not be forged: `payload.signature`,
 * HMAC-SHA256 under a key derived from the master key. The remembered-accounts
 * cookie holds only opaque references this way, never personal data.
 */
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from './secrets.js';

export function signValue(key: Buffer, payload: string): string {
  const body = Buffer.from(payload).toString('base64url');
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

export function verifyValue(key: Buffer, value: string | undefined): string | null {
  if (!value) return null;
  const dot = value.lastIndexOf('.');
  if (dot <= 0) return null;
  const body = value.slice(0, dot);
  const expected = createHmac('sha256', key).update(body).digest('base64url');
  if (!constantTimeEqual(expected, value.slice(dot + 1))) return null;
  return Buffer.from(body, 'base64url').toString('utf8');
}

/** The remembered-accounts cookie: newest first, at most `max` references. */
export const REMEMBERED_COOKIE = 'techpass_accounts';

export function readRememberedRefs(key: Buffer, value: string | undefined): string[] {
  const payload = verifyValue(key, value);
  if (!payload) return [];
  try {
    const refs = JSON.parse(payload) as unknown;
    return Array.isArray(refs) ? refs.filter((r): r is string => typeof r === 'string' && /^[A-Za-z0-9_-]{10,64}$/.test(r)).slice(0, 10) : [];
  } catch {
    return [];
  }
}

export function writeRememberedRefs(key: Buffer, refs: string[], max = 5): string {
  return signValue(key, JSON.stringify([...new Set(refs)].slice(0, max)));
}
