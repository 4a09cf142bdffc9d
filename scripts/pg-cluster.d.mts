// Types for pg-cluster.mjs (plain JS so node scripts and the bench can import it).

export interface PgCluster {
  /** postgres://techpass@127.0.0.1:PORT/postgres (trust auth, superuser `techpass`). */
  readonly url: string;
  readonly port: number;
  /** The cluster directory (data in DIR/data, log in DIR/postgres.log, socket in DIR). */
  readonly dir: string;
  /** Stop the server (if running) and remove the directory. Idempotent. */
  stop(): Promise<void>;
}

export interface StartClusterOptions {
  /** Fixed port; default: a random free port on 127.0.0.1. */
  port?: number;
  /** Where to create the cluster directory; default: os.tmpdir(). */
  parentDir?: string;
  /** Default 300. */
  maxConnections?: number;
}

/** Directory with initdb, pg_ctl and postgres, or null when not installed. */
export function findPostgresBin(): string | null;
/** How to get the binaries, for error messages. */
export const INSTALL_HINT: string;
export function startCluster(options?: StartClusterOptions): Promise<PgCluster>;
/** Start/stop the server of a cluster directory, keeping data and port. No-op when already in that state. */
export function pgCtl(dir: string, action: 'start' | 'stop'): Promise<void>;
/** Stop and remove a cluster by its directory (same as cluster.stop()). */
export function stopCluster(dir: string): Promise<void>;
/** Safety net: stop (immediate) every running cluster directly under parentDir; returns how many. */
export function stopClustersUnder(parentDir: string): number;
/** CREATE DATABASE name; returns baseUrl with the database replaced by name. */
export function createDatabase(baseUrl: string, name: string): Promise<string>;
/** The server log of a cluster directory ('' if none). */
export function readClusterLog(dir: string): string;
