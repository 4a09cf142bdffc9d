/**
 * The PostgreSQL driver, loaded by the first PostgreSQL connection rather than at start:
 * a node on SQLite never holds it (pg and its parsers are about 3 MB of heap).
 */
import { createRequire } from 'node:module';
import type pg from 'pg';

let driver: typeof pg | undefined;

export function loadPg(): typeof pg {
  driver ??= createRequire(import.meta.url)('pg') as typeof pg;
  return driver;
}
