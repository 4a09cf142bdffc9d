/** Group names and nesting. */
import { describe, expect, it } from 'vitest';
import { parseGroupName, qualifiedGroupName, wouldCreateCycle } from './groups.js';
import { asGroupId } from './ids.js';

const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(asGroupId) as [
  ReturnType<typeof asGroupId>,
  ReturnType<typeof asGroupId>,
  ReturnType<typeof asGroupId>,
  ReturnType<typeof asGroupId>,
];

describe('group names', () => {
  it('accepts a short name or the qualified name of the same namespace', () => {
    expect(parseGroupName('docs', 'readers')).toEqual({ ok: true, name: 'readers' });
    expect(parseGroupName('docs', 'docs:Readers')).toEqual({ ok: true, name: 'readers' });
    expect(qualifiedGroupName('docs', 'readers')).toBe('docs:readers');
  });

  it('refuses a name qualified with another namespace', () => {
    expect(parseGroupName('docs', 'pipeline:readers')).toMatchObject({ ok: false });
  });

  it.each(['', 'two words', 'a/b', '-leading', 'x'.repeat(64)])('refuses the name %j', (name) => {
    expect(parseGroupName('docs', name)).toMatchObject({ ok: false });
  });
});

describe('wouldCreateCycle', () => {
  const nestings = [
    { groupId: a, memberGroupId: b },
    { groupId: b, memberGroupId: c },
  ];

  it('refuses a group inside itself', () => {
    expect(wouldCreateCycle([], a, a)).toBe(true);
  });

  it('refuses a group inside one of its own members, however deep', () => {
    expect(wouldCreateCycle(nestings, b, a)).toBe(true);
    expect(wouldCreateCycle(nestings, c, a)).toBe(true);
  });

  it('allows nesting that keeps the order acyclic', () => {
    expect(wouldCreateCycle(nestings, a, c)).toBe(false);
    expect(wouldCreateCycle(nestings, d, a)).toBe(false);
    expect(wouldCreateCycle(nestings, c, d)).toBe(false);
  });
});
