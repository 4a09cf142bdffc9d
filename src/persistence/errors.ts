/** Recognises constraint violations on either engine, so callers get values, not exceptions. */
export function uniqueViolation(error: unknown): string | null {
  const e = error as { code?: string; message?: string; constraint?: string; detail?: string } | null;
  if (!e) return null;
  if (e.code === '23505') return `${e.constraint ?? ''} ${e.detail ?? ''}`;
  if (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return e.message ?? 'unique';
  return null;
}

/** Recognises a foreign-key violation (a reference to a row that is not there, or not in this namespace). */
export function foreignKeyViolation(error: unknown): boolean {
  const e = error as { code?: string } | null;
  return e?.code === '23503' || e?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/**
 * Runs an insert and answers the row's value, or which unique identifier was
 * already taken (`conflict`, or derived from the violated constraint).
 */
export async function insertUnique<T, C extends string>(
  insert: Promise<unknown>,
  value: T,
  conflict: C | ((constraint: string) => C),
): Promise<{ ok: true; value: T } | { ok: false; conflict: C }> {
  try {
    await insert;
  } catch (error) {
    const violated = uniqueViolation(error);
    if (violated === null) throw error;
    return { ok: false, conflict: typeof conflict === 'function' ? conflict(violated) : conflict };
  }
  return { ok: true, value };
}
