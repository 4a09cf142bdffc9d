/** What the management API's self-service routes need from a store (management-deps.ts). */
import type { SelfRouteDeps } from '../http/management-self-routes.js';
import type { Store } from '../persistence/store.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import { lockoutPolicy } from './push-deps.js';

export function selfDeps(store: Store, config: Config, clock: Clock): SelfRouteDeps {
  return {
    sessions: { ownSessions: store.ownSessions, clients: store.clients, transaction: (fn) => store.transaction(fn) },
    passwords: {
      users: store.users,
      passwordResets: store.passwordResets,
      passwordResetRequests: store.passwordResetRequests,
      accountSessions: store.accountSessions,
      outbox: store.outbox,
      audit: store.audit,
      rateLimits: store.rateLimits,
      clock,
      publicUrl: config.PUBLIC_URL,
      lockout: lockoutPolicy(config),
      transaction: (fn) => store.transaction(fn),
      federatedIdentities: store.federatedIdentities,
    },
  };
}
