import { describe, expect, it } from 'vitest';
import { canonicalJson, GENESIS_HASH, hashEvent, verifyChain, type AuditEvent } from './audit.js';

function chain(n: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i += 1) {
    const body = {
      id: `e${i}`,
      occurredAt: i,
      actor: 'a',
      action: 'x.y',
      targetType: null,
      targetId: null,
      namespaceId: null,
      ip: null,
      data: { i },
      prevHash: prev,
    };
    const hash = hashEvent(body);
    events.push({ ...body, seq: i, hash });
    prev = hash;
  }
  return events;
}

describe('audit chain', () => {
  it('hashes canonical JSON, independent of key order', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 1, c: null }] })).toBe('{"a":[2,{"c":null,"d":1}],"b":1}');
  });

  it('verifies an intact chain', () => {
    expect(verifyChain(chain(5))).toEqual({ ok: true, count: 5 });
  });

  it('detects an edited event and a removed event', () => {
    const edited = chain(5);
    edited[2] = { ...edited[2]!, data: { i: 99 } };
    expect(verifyChain(edited)).toMatchObject({ ok: false, brokenAt: 3 });
    const removed = chain(5);
    removed.splice(1, 1);
    expect(verifyChain(removed)).toMatchObject({ ok: false, brokenAt: 3 });
  });
});
