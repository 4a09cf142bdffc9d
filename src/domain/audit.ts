/**
 * The audit log: append-only and hash-chained. Each event's hash covers the
 * previous event's hash and the event's own canonical JSON, so removing or
 * editing any event breaks every hash after it, which `verifyChain` detects.
 */
import { createHash } from 'node:crypto';

export interface AuditEventInput {
  action: string;
  actor: string;
  targetType?: string | null;
  targetId?: string | null;
  namespaceId?: string | null;
  ip?: string | null;
  data?: Record<string, unknown>;
}

export interface AuditEvent extends Required<Omit<AuditEventInput, 'data'>> {
  seq: number;
  id: string;
  occurredAt: number;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

type Hashable = Omit<AuditEvent, 'seq' | 'hash'>;

/** JSON with sorted keys, so the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function hashEvent(event: Hashable): string {
  const { prevHash, ...body } = event;
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(body)).digest('hex');
}

export type ChainCheck = { ok: true; count: number } | { ok: false; brokenAt: number; reason: string };

/**
 * Walks events in `seq` order from `startHash` (the hash before the first event)
 * and reports the first event that breaks the chain.
 */
export function verifyChain(events: Iterable<AuditEvent>, startHash: string = GENESIS_HASH): ChainCheck {
  let prev = startHash;
  let count = 0;
  for (const event of events) {
    if (event.prevHash !== prev) return { ok: false, brokenAt: event.seq, reason: 'previous hash does not match' };
    const { seq: _seq, hash, ...rest } = event;
    if (hashEvent(rest) !== hash) return { ok: false, brokenAt: event.seq, reason: 'event content was altered' };
    prev = hash;
    count += 1;
  }
  return { ok: true, count };
}

/** Which events a query asks for; `namespaceIds` limits them to those namespaces (a tenant admin's). */
export interface AuditQuery {
  actor?: string;
  action?: string;
  targetId?: string;
  namespaceIds?: readonly string[];
  from?: number;
  to?: number;
  /** Keyset, newest first: events before this one in the chain. */
  beforeSeq?: number;
  /** Keyset, in chain order (oldest first): events after this one. */
  afterSeq?: number;
  limit: number;
}
