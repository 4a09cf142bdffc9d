/**
 * The embedded database's files are readable by their owner only: they hold
 * password hashes, sealed keys and live tokens. SQLite creates a database's -wal
 * and -shm files with the database file's own permissions (its unix VFS copies
 * them), so creating the database file 0600 before SQLite opens it is enough for
 * new files; files left by an earlier version are tightened when found.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import path from 'node:path';

const OWNER_ONLY_FILE = 0o600;
const OWNER_ONLY_DIR = 0o700;

/** Before SQLite opens `file`: its folder exists (created 0700), and it and its -wal/-shm are 0600. */
export function prepareOwnerOnlyDatabaseFile(file: string): void {
  const folder = path.dirname(path.resolve(file));
  if (!existsSync(folder)) mkdirSync(folder, { recursive: true, mode: OWNER_ONLY_DIR });
  // 'a' creates the file if missing without truncating one that exists; the mode applies only on creation.
  closeSync(openSync(file, 'a', OWNER_ONLY_FILE));
  for (const name of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(name) && (statSync(name).mode & 0o777) !== OWNER_ONLY_FILE) chmodSync(name, OWNER_ONLY_FILE);
  }
}
