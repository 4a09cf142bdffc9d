/**
 * When a per-node cache must look again: the rule the directory cache
 * (directory-cache.ts) and the identity provider directory
 * (identity-provider-directory.ts) share. The cached entries are valid for one
 * value of the source's `fingerprint()`, which is read again:
 *
 *   - every `refreshMs` (a change made by another node is seen within that time);
 *   - as soon as another process has committed to the database (SQLite only:
 *     `externalChanges()`, its data_version, read once per turn of the event loop;
 *     e.g. a `techpass` CLI command);
 *   - on every lookup after a write by this node (`changed()`), until the new
 *     fingerprint is seen: the write may belong to a transaction that has not
 *     committed yet, and a lookup in between must not keep the old entries.
 *
 * `drop` is called whenever the entries are stale: the fingerprint moved, or this
 * node wrote.
 */

export interface FingerprintSource {
  /** Changes with every write to what is cached, on any node. */
  fingerprint(): Promise<string>;
  /** A counter that moves when another process commits to the database, where the engine can tell cheaply. */
  externalChanges?: () => number;
}

export interface CacheFreshness {
  /** Resolves once the entries are known current (dropping them first if they are not). */
  ensureFresh(): Promise<void>;
  /** Called after each write this node makes to what is cached. */
  changed(): void;
}

/** How long after a write of its own a node keeps checking, should that write never commit (a rollback). */
const OWN_WRITE_WINDOW_MS = 10_000;

export function cacheFreshness(source: FingerprintSource, options: { refreshMs: number }, drop: () => void): CacheFreshness {
  // Monotonic time, not the injected clock: tests that stop the clock must not stop invalidation.
  const now = () => performance.now();
  let fingerprint: string | null = null;
  let checkedAt = -Infinity;
  let ownWriteUntil = 0;
  let external = source.externalChanges?.();
  let checking: Promise<void> | null = null;

  const check = async () => {
    const seen = await source.fingerprint();
    checkedAt = now();
    if (seen !== fingerprint) {
      drop();
      fingerprint = seen;
      ownWriteUntil = 0;
    }
  };

  // Another process's commit is looked for once per turn of the event loop, not per lookup.
  let externalNow = external;
  let externalRead = false;
  const readExternal = () => {
    if (externalRead || !source.externalChanges) return;
    externalNow = source.externalChanges();
    externalRead = true;
    setImmediate(() => (externalRead = false));
  };

  return {
    async ensureFresh() {
      readExternal();
      const t = now();
      if (t - checkedAt < options.refreshMs && t >= ownWriteUntil && externalNow === external) return;
      external = externalNow;
      checking ??= check().finally(() => (checking = null));
      await checking;
    },
    changed() {
      drop();
      ownWriteUntil = now() + OWN_WRITE_WINDOW_MS;
    },
  };
}
