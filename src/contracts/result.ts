/** The outcome of an operation a caller can get wrong: a value, or a coded, explained failure. */
import type { ErrorCode } from './errors.js';

export type Failure = { ok: false; error: ErrorCode; message: string; field?: string };
export type Result<T> = { ok: true; value: T } | Failure;

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (error: ErrorCode, message: string, field?: string): Failure =>
  field === undefined ? { ok: false, error, message } : { ok: false, error, message, field };
