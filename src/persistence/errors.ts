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
