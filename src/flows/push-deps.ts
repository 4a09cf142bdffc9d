/** What the TechPass Authenticator's flows need: the repositories, the clock and a few settings. */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { UserId } from '../domain/ids.js';
import type { AccountSessions, AccountStatuses, AuditLog, MailQueue, PushRepository, RateLimiter, UserRepository } from '../domain/repositories.js';
import type { LockoutPolicy } from '../domain/lockout.js';
import type { Clock } from '../platform/clock.js';
import type { WebPushSender } from '../platform/web-push.js';

export interface PushRepositories {
  push: PushRepository;
  users: UserRepository;
  accountStatuses: AccountStatuses;
  accountSessions: AccountSessions;
  rateLimits: RateLimiter;
  audit: AuditLog;
  outbox: MailQueue;
}

export interface PushDeps extends PushRepositories {
  clock: Clock;
  /** Where people reach TechPass (enrolment links and e-mails point here). */
  publicUrl: string;
  /** The one lockout: a wrong number counts like a wrong password or code. */
  lockout: LockoutPolicy;
  /** How long a challenge waits for an answer (PUSH_CHALLENGE_TTL). */
  challengeTtlMs: number;
  /** Tells this node's device streams at once that an account's prompts changed (other nodes' changes are polled). */
  signals?: PushSignals;
  /** Wakes subscribed authenticator apps by Web Push, when VAPID keys are configured. */
  webPush?: WebPushSender;
  /** Runs writes in one transaction, so a failure half-way leaves nothing behind. */
  transaction<T>(fn: (repositories: PushRepositories) => Promise<T>): Promise<T>;
}

export interface PushSignals {
  changed(userId: UserId): void;
  /** Calls `listener` whenever the account's prompts may have changed; answers the unsubscribe. */
  subscribe(userId: UserId, listener: () => void): () => void;
  /** Stops watching for other processes' commits. */
  stop(): void;
}

/** Notices between nodes, as the store offers them on PostgreSQL (LISTEN/NOTIFY). */
export interface NodeNotices {
  publish(channel: string, payload: string): Promise<void>;
  subscribe(channel: string, listener: (payload: string) => void): () => void;
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
export function pushSignals(remote?: NodeNotices, externalChanges?: () => number): PushSignals {
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
