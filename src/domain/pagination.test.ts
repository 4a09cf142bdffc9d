import { describe, expect, it } from 'vitest';
import { pageOf } from './pagination.js';

describe('pageOf', () => {
  const items = ['d', 'a', 'c', 'b', 'e'];
  it('walks every item once, in order, page by page', () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 5; i += 1) {
      const page = pageOf(items, (x) => x, { cursor, limit: 2 });
      seen.push(...page.items);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
  it('starts after the cursor even if items were added or removed meanwhile', () => {
    const first = pageOf(items, (x) => x, { limit: 2 });
    const next = pageOf(['a', 'bb', 'c', 'e'], (x) => x, { cursor: first.nextCursor!, limit: 10 });
    expect(next).toEqual({ items: ['bb', 'c', 'e'], nextCursor: null });
  });
});
