/**
 * Cursor pagination of lists in a stable order. The cursor is opaque to callers
 * (base64url of the last item's sort key): a page starts strictly after it, so an
 * item added or removed meanwhile neither repeats nor shifts the next page.
 */
export interface Page<T> {
  items: T[];
  /** Give it back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export const encodeCursor = (key: string) => Buffer.from(key, 'utf8').toString('base64url');
export const decodeCursor = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8');

/** One page of `items`, sorted by `key` (unique per item), after `cursor`. */
export function pageOf<T>(
  items: readonly T[],
  key: (item: T) => string,
  options: { cursor?: string | undefined; limit?: number | undefined },
): Page<T> {
  const limit = Math.min(Math.max(options.limit ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
  const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
  const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const rest = after === undefined ? sorted : sorted.filter((item) => key(item) > after);
  const slice = rest.slice(0, limit);
  return { items: slice, nextCursor: rest.length > limit ? encodeCursor(key(slice[slice.length - 1]!)) : null };
}

/** Whether any of `fields` contains `q`, ignoring case (no `q`: every item). */
export function matches(q: string | undefined, ...fields: ReadonlyArray<string | null | undefined>): boolean {
  if (!q) return true;
  const wanted = q.toLowerCase();
  return fields.some((f) => f?.toLowerCase().includes(wanted));
}
