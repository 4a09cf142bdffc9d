/**
 * The cross-node signal bus. `Notices` carry short messages between the nodes of
 * one deployment (PostgreSQL's LISTEN/NOTIFY implements it in src/persistence;
 * single-node SQLite has none). `pushSignals` builds on them: "this account's push
 * prompts changed", so a phone listening on one node hears of a prompt made on
 * another at once instead of at its next poll.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';

/** Notices between nodes. */
export interface Notices {
  publish(channel: string, payload: string): Promise<void>;
  /** Calls `listener` with each payload sent on `channel` (by any node, this one included); answers the unsubscribe. */
  subscribe(channel: string, listener: (payload: string) => void): () => void;
  close(): Promise<void>;
}

export interface PushSignals {
  changed(userId: string): void;
  /** Calls `listener` whenever the account's prompts may have changed; answers the unsubscribe. */
  subscribe(userId: string, listener: () => void): () => void;
  /** Stops watching for other processes' commits. */
  stop(): void;
}

const CHANNEL = 'techpass_push';
/** Listeners of every account: woken when another process committed to the SQLite file. */
const ANY = Symbol('any account');
/** How often a SQLite node looks whether another process committed (a counter read, no query). */
const EXTERNAL_COMMITS_MS = 50;

/**
 * This node's signals, and the other nodes' too: with `remote` (PostgreSQL), a change here is
 * published as `<node>:<user>` and one published elsewhere wakes this node's streams for
 * that user; with `externalChanges` (SQLite, whose nodes share one file), every stream wakes
 * when another process has committed, which it learns from a counter read every 50 ms, so
 * a phone on another process hears of a prompt within about that instead of at its poll.
 */
export function pushSignals(remote?: Pick<Notices, 'publish' | 'subscribe'>, externalChanges?: () => number): PushSignals {
  const emitter = new EventEmitter();
  // One listener per open device stream.
  emitter.setMaxListeners(0);
  const node = randomUUID();
  remote?.subscribe(CHANNEL, (payload) => {
    const [from, userId] = payload.split(':');
    if (from !== node && userId) emitter.emit(userId);
  });
  let seen = externalChanges?.();
  const watch = externalChanges
    ? setInterval(() => {
        if (emitter.listenerCount(ANY) === 0) return;
        const now = externalChanges();
        if (now === seen) return;
        seen = now;
        emitter.emit(ANY);
      }, EXTERNAL_COMMITS_MS)
    : null;
  watch?.unref();
  return {
    changed: (userId) => {
      emitter.emit(userId);
      remote?.publish(CHANNEL, `${node}:${userId}`).catch(() => undefined);
    },
    subscribe: (userId, listener) => {
      emitter.on(userId, listener);
      if (externalChanges) emitter.on(ANY, listener);
      return () => {
        emitter.off(userId, listener);
        emitter.off(ANY, listener);
      };
    },
    stop: () => {
      if (watch) clearInterval(watch);
    },
  };
}
