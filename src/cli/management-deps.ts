/**
 * What the management API needs from a store, built the same way for the server
 * (server.ts, which adds the token callers) and for the CLI's in-process API
 * (management-client.ts, as the operator). A route that needs more adds it here, once.
 */
import type { ManagementApiDeps } from '../http/management-api.js';
import type { Store } from '../persistence/store.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import { administrationDeps } from './demo.js';

export function managementDeps(store: Store, _config: Config, clock: Clock): Omit<ManagementApiDeps, 'callers' | 'operator'> {
  return {
    administration: administrationDeps(store, clock),
    observation: {
      audit: store.audit,
      signInLog: store.signInLog,
      signingKeys: store.signingKeys,
      namespaces: store.namespaces,
      users: store.users,
      clock,
    },
  };
}
