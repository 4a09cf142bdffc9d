/** Wires the TechPass Authenticator's flows to the store: for the server, the CLI and tests. */
import type { PushDeps } from '../flows/push.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { Store } from '../persistence/store.js';

export function pushDeps(store: Store, clock: Clock, config: Pick<Config, 'PUBLIC_URL' | 'PUSH_CHALLENGE_TTL'>): PushDeps {
  return {
    push: store.push,
    users: store.users,
    accountStatuses: store.accountStatuses,
    rememberedAccounts: store.rememberedAccounts,
    audit: store.audit,
    outbox: store.outbox,
    clock,
    publicUrl: config.PUBLIC_URL,
    challengeTtlMs: config.PUSH_CHALLENGE_TTL * 1000,
    transaction: (fn) => store.transaction((repositories) => fn(repositories)),
  };
}
