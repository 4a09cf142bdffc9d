/** What the TechPass Authenticator's flows need: the repositories, the clock and a few settings. */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { UserId } from '../domain/ids.js';
import type { AccountStatuses, AuditLog, MailQueue, PushRepository, RememberedAccounts, UserRepository } from '../domain/repositories.js';
import type { Clock } from '../platform/clock.js';
import type { WebPushSender } from '../platform/web-push.js';

export interface PushRepositories {
  push: PushRepository;
  users: UserRepository;
  accountStatuses: AccountStatuses;
  rememberedAccounts: RememberedAccounts;
  audit: AuditLog;
  outbox: MailQueue;
}

export interface PushDeps extends PushRepositories {
  clock: Clock;
  /** Where people reach TechPass (enrolment links and e-mails point here). */
  publicUrl: string;
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
  /** Calls `listener` whenever the account's prompts change on this node; answers the unsubscribe. */
  subscribe(userId: UserId, listener: () => void): () => void;
}

/** Notices between nodes, as the store offers them on PostgreSQL (LISTEN/NOTIFY). */
export interface NodeNotices {
  publish(channel: string, payload: string): Promise<void>;
  subscribe(channel: string, listener: (payload: string) => void): () => void;
}

const CHANNEL = 'techpass_push';

/**
 * This node's signals, and with `remote` the other nodes' too: a change here is
 * published as `<node>:<user>`, and one published elsewhere wakes this node's streams.
 */
export function pushSignals(remote?: NodeNotices): PushSignals {
  const emitter = new EventEmitter();
  // One listener per open device stream.
  emitter.setMaxListeners(0);
  const node = randomUUID();
  remote?.subscribe(CHANNEL, (payload) => {
    const [from, userId] = payload.split(':');
    if (from !== node && userId) emitter.emit(userId);
  });
  return {
    changed: (userId) => {
      emitter.emit(userId);
      remote?.publish(CHANNEL, `${node}:${userId}`).catch(() => undefined);
    },
    subscribe: (userId, listener) => {
      emitter.on(userId, listener);
      return () => void emitter.off(userId, listener);
    },
  };
}
