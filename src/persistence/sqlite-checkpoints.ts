/**
 * SQLite WAL checkpoints off the request path. By default SQLite checkpoints inside
 * whichever commit takes the WAL past 1,000 pages: that request copies the pages back
 * into the database file and syncs it while it waits. In the refresh-token grant (three
 * oidc_models writes) that was about 40 % of the cost of a write, and the requests that
 * happened to pay it made the p99 (npm run bench).
 *
 * Here a worker thread with its own connection runs a PASSIVE checkpoint every second
 * (PASSIVE never waits for, nor blocks, the writer or the readers), so a page written
 * many times in that second is copied once. The automatic checkpoint stays as a backstop
 * at 10,000 pages (40 MB) in case the worker falls behind or stops.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';

// Plain CommonJS, run as given (eval): the worker needs no compiled file of its own.
const CHECKPOINTER = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 1000 });
setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or briefly unavailable: the next tick tries again.
  }
}, workerData.everyMs);
`;

const BACKSTOP_PAGES = 10_000;

/** Starts checkpointing `file` in the background; answers how to stop it (before the connection closes). */
export function checkpointInBackground(connection: SQLite.Database, file: string, everyMs = 1000): () => Promise<void> {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(CHECKPOINTER, { eval: true, workerData: { driver, file: path.resolve(file), everyMs } });
  worker.unref();
  connection.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  // Without the worker, SQLite's own checkpoints take over again at the usual size.
  worker.once('error', () => connection.open && connection.pragma('wal_autocheckpoint = 1000'));
  return async () => {
    await worker.terminate();
  };
}
