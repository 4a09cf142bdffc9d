/** Opens the database a command or the server works on, refusing to go on when it does not answer. */
import { systemClock, type Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import { createStore, openDatabase, type Store } from '../persistence/store.js';
import { tightenDataDir } from './data-dir.js';
import { resolveMasterKey } from './master-key.js';

export class StartupError extends Error {
  override name = 'StartupError';
}

/**
 * Opens the store described by `config`, refusing to go on when the database does not answer.
 * `serving`: for a node that serves requests (SQLite then checkpoints in the background).
 */
export async function openStore(config: Config, logger: Logger, clock: Clock = systemClock, options: { serving?: boolean } = {}): Promise<Store> {
  tightenDataDir(config.DATA_DIR);
  const { key } = resolveMasterKey(config);
  const target =
    config.database.engine === 'postgres'
      ? { engine: 'postgres' as const, url: config.database.url, poolSize: config.DATABASE_POOL_SIZE }
      : { ...config.database, backgroundCheckpoints: options.serving === true };
  let database;
  try {
    database = openDatabase(target, (error) => logger.warn({ err: error }, 'database connection lost'));
  } catch (error) {
    throw new StartupError(`cannot open the ${config.database.engine} database at ${describeTarget(config)}: ${(error as Error).message}`);
  }
  // Application changes made on other nodes are seen as fast as rotated signing keys.
  const store = createStore(database, clock, key, { directoryRefreshMs: config.KEY_REFRESH_SECONDS * 1000, localIdDomain: config.LOCAL_ID_DOMAIN });
  if (!(await store.ping())) {
    await store.close().catch(() => {});
    throw new StartupError(
      `cannot reach the ${config.database.engine} database at ${describeTarget(config)}: check DATABASE_URL and that the database is running`,
    );
  }
  return store;
}

function describeTarget(config: Config): string {
  return config.database.engine === 'postgres' ? redactUrl(config.database.url) : config.database.file;
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the configured URL';
  }
}
