/** Recognises constraint violations on either engine, so callers get values, not exceptions. */
export function uniqueViolation(error: unknown): string | null {
  const e = error as { code?: string; message?: string; constraint?: string; detail?: string } | null;
  if (!e) return null;
  if (e.code === '23505') return `${e.constraint ?? ''} ${e.detail ?? ''}`;
  if (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return e.message ?? 'unique';
  return null;
}
