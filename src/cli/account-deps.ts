/** What the management API's account, vendor and invitation routes need from a store (management-deps.ts). */
import type { AccountRouteDeps } from '../http/management-user-routes.js';
import type { Store } from '../persistence/store.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import { invitationDeps } from './invitation-deps.js';

export function accountDeps(store: Store, config: Config, clock: Clock): AccountRouteDeps {
  return {
    users: {
      users: store.users,
      userDirectory: store.userDirectory,
      clock,
      publicUrl: config.PUBLIC_URL,
      transaction: (fn) => store.transaction(fn),
    },
    vendors: {
      users: store.users,
      outbox: store.outbox,
      audit: store.audit,
      activationCodes: store.activationCodes,
      forNamespace: (id) => store.forNamespace(id),
      transaction: (fn) => store.transaction(fn),
      clock,
      localIdDomain: config.LOCAL_ID_DOMAIN,
      activationCodeTtlMs: config.VENDOR_ACTIVATION_CODE_TTL * 1000,
    },
    invitations: invitationDeps(store, config, clock),
  };
}
