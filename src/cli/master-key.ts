/**
 * Finds the master key: MASTER_KEY from the configuration, or in embedded mode a
 * key file in the data directory, created on first start with mode 0600.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../platform/config.js';
import { MasterKey } from '../platform/secrets.js';

export function resolveMasterKey(config: Config): { key: MasterKey; source: 'env' | 'file' | 'created' } {
  if (config.MASTER_KEY) return { key: MasterKey.parse(config.MASTER_KEY), source: 'env' };
  const file = path.join(config.DATA_DIR, 'master.key');
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) throw new Error(`${file} must be readable by its owner only (chmod 600 ${file})`);
    return { key: MasterKey.parse(readFileSync(file, 'utf8')), source: 'file' };
  }
  mkdirSync(config.DATA_DIR, { recursive: true, mode: 0o700 });
  const key = MasterKey.generate();
  writeFileSync(file, `${key.toString()}\n`, { mode: 0o600, flag: 'wx' });
  return { key, source: 'created' };
}
