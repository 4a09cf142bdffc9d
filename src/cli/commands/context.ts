/**
 * What every command module shares: the configuration, a store opened for one
 * command, the `--json` option, the actor recorded in the audit log, and parsers
 * that turn a bad argument into a coded error naming the field.
 */
import { Option } from 'commander';
import { ErrorCodes } from '../../contracts/errors.js';
import type { Failure } from '../../contracts/result.js';
import { loadConfig, type Config } from '../../platform/config.js';
import { createLogger } from '../../platform/logger.js';
import type { Store } from '../../persistence/store.js';
import { openStore } from '../open-store.js';
import { CommandError } from '../output.js';
import { withServerIssuer } from '../server-issuer.js';

export const jsonOption = () => new Option('--json', 'answer JSON on stdout');

export function config(): Config {
  return loadConfig(process.env);
}

/** Opens the store, migrates it, runs `fn`, closes it. */
export async function withStore<T>(fn: (store: Store, cfg: Config) => Promise<T>): Promise<T> {
  const cfg = config();
  const store = await openStore(cfg, createLogger('silent'));
  try {
    await store.migrate();
    return await fn(store, cfg);
  } finally {
    await store.close();
  }
}

/**
 * `withStore` for commands that make links or print the issuer: `cfg.PUBLIC_URL` is the
 * one the server runs with, and an explicit PUBLIC_URL that differs is refused (server-issuer.ts).
 */
export function withStoreAndIssuer<T>(fn: (store: Store, cfg: Config) => Promise<T>): Promise<T> {
  return withStore(async (store, cfg) => fn(store, withServerIssuer(cfg, await store.deployment.publicUrl())));
}

export const cliActor = () => `cli:${process.env.USER ?? 'operator'}`;

/** `true` or `false`, nothing else; the error names the option and the field. */
export function parseSwitch(value: string | undefined, flag: string, field: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new CommandError(`${flag} must be true or false (got ${JSON.stringify(value)})`, ErrorCodes.inputInvalid, field);
}

/** A whole number, or a coded error naming the option and the field. */
export function parseWholeNumber(value: string | undefined, flag: string, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) {
    throw new CommandError(`${flag} must be a whole number (got ${JSON.stringify(value)})`, ErrorCodes.inputInvalid, field);
  }
  return Number(value);
}

/** Exactly one of two mutually exclusive options must be given. */
export function exactlyOne<A extends string, B extends string>(a: [A, string | undefined], b: [B, string | undefined]): void {
  if ((a[1] === undefined) === (b[1] === undefined)) {
    throw new CommandError(`give exactly one of --${a[0]} or --${b[0]}`, ErrorCodes.inputInvalid, a[0]);
  }
}

/** Every page of a paged listing (the management API's cursor pagination), or its refusal as a CommandError. */
export async function allPages<T>(
  fetch: (cursor: string | undefined) => Promise<{ ok: true; value: { items: T[]; nextCursor: string | null } } | Failure>,
): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetch(cursor);
    if (!page.ok) throw CommandError.from(page);
    all.push(...page.value.items);
    cursor = page.value.nextCursor ?? undefined;
  } while (cursor);
  return all;
}
