/**
 * The data directory (DATA_DIR) holds the master key file, the embedded database
 * and the demo credentials: it is 0700. Whoever creates it (the key file, the
 * embedded database) creates it so; one that an earlier version left open to the
 * group or others is tightened at start, when this user owns it.
 */
import { chmodSync, existsSync, statSync } from 'node:fs';

export function tightenDataDir(dir: string): void {
  if (!existsSync(dir)) return;
  const stat = statSync(dir);
  const ownedByUs = typeof process.getuid !== 'function' || stat.uid === process.getuid();
  if (stat.isDirectory() && ownedByUs && (stat.mode & 0o077) !== 0) chmodSync(dir, stat.mode & 0o700);
}
