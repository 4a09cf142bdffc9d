/** How commands answer: JSON on stdout with --json, readable text otherwise; errors exit non-zero. */
import type { Failure } from '../contracts/result.js';

export class CommandError extends Error {
  constructor(
    message: string,
    readonly code: string = 'command.failed',
    readonly field?: string,
  ) {
    super(message);
  }
  static from(failure: Failure): CommandError {
    return new CommandError(failure.message, failure.error, failure.field);
  }
}

export function answer(json: boolean, value: Record<string, unknown>, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}

export function answerError(json: boolean, error: unknown): number {
  const e = error instanceof Error ? error : new Error(String(error));
  const code = e instanceof CommandError ? e.code : (e as { name?: string }).name === 'ConfigError' ? 'config.invalid' : 'command.failed';
  const field = e instanceof CommandError ? e.field : undefined;
  if (json) process.stdout.write(`${JSON.stringify({ error: code, message: e.message, ...(field ? { field } : {}) })}\n`);
  process.stderr.write(`techpass: ${e.message}\n`);
  return 1;
}
