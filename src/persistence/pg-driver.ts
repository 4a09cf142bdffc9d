/**
 * The PostgreSQL driver, loaded by the first PostgreSQL connection rather than at start:
 * a node on SQLite never holds it (pg and its parsers are about 3 MB of heap).
 */
import type pg from 'pg';
import { onFirstUse } from '../platform/lazy-require.js';

export const loadPg = onFirstUse<typeof pg>('pg');
