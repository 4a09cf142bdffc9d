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

export function answer(json: boolean, value: Record<string, unknown> | unknown[], text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}

/** Fields whose flag is not their name in kebab case. */
const FLAG_OF_FIELD: Record<string, string> = {
  redirectUris: '--redirect-uri',
  businessOperation: '--operation',
  reportingOfficerEmail: '--reporting-officer',
};

/** The command-line flag a flow's field comes from: `givenName` → `--given-name`. */
export function flagOf(field: string): string {
  return FLAG_OF_FIELD[field] ?? `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * The message as a person at the command line reads it: a field a flow names
 * (`givenName is required`) is the flag they typed (`--given-name is required`).
 * Environment variables (PUBLIC_URL) stay as they are.
 */
function inFlags(message: string, field: string | undefined): string {
  if (!field || !/^[a-z][a-zA-Z]*$/.test(field)) return message;
  // At the start (`email must be …`), any field; further in, only a name no sentence has (`redirectUris`).
  const where = /[A-Z]/.test(field) ? `(^|[^\\w-])` : `(^)`;
  return message.replace(new RegExp(`${where}${field}(?![\\w-])`, 'g'), (_m, before: string) => `${before}${flagOf(field)}`);
}

export function answerError(json: boolean, error: unknown): number {
  const e = error instanceof Error ? error : new Error(String(error));
  const code = e instanceof CommandError ? e.code : (e as { name?: string }).name === 'ConfigError' ? 'config.invalid' : 'command.failed';
  const field = e instanceof CommandError ? e.field : undefined;
  const message = oneLine(inFlags(e.message, field));
  if (json) process.stdout.write(`${JSON.stringify({ error: code, message, ...(field ? { field } : {}) })}\n`);
  process.stderr.write(`techpass: ${message}\n`);
  return 1;
}

/**
 * A usage error (unknown command or flag, a missing required flag, a bad value): one
 * line on stderr naming the fix, and with --json the same as JSON on stdout. Never the
 * whole usage: `--help` shows it.
 */
export function answerUsageError(json: boolean, message: string, command: string): number {
  const text = `${oneLine(message.replace(/^error:\s*/, ''))} (see: ${command} --help)`;
  if (json) process.stdout.write(`${JSON.stringify({ error: 'usage.invalid', message: text })}\n`);
  process.stderr.write(`techpass: ${text}\n`);
  return 1;
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();
