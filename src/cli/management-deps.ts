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
import { accountDeps } from './account-deps.js';
import { selfDeps } from './self-deps.js';
import { identityProviderDeps } from './commands/idp-options.js';
import { ApiError, ErrorCodes } from '../contracts/errors.js';
import { CommandError } from './output.js';
import { withServerIssuer } from './server-issuer.js';

/**
 * The URL the server runs with, as withStoreAndIssuer (server-issuer.ts) has it: the CLI's
 * in-process API names the server's, and refuses a PUBLIC_URL set here that differs.
 */
async function serverPublicUrl(store: Store, config: Config): Promise<string> {
  try {
    return withServerIssuer(config, await store.deployment.publicUrl()).PUBLIC_URL;
  } catch (error) {
    if (error instanceof CommandError) throw new ApiError(ErrorCodes.publicUrlMismatch, error.message, { field: 'PUBLIC_URL' });
    throw error;
  }
}

export function managementDeps(store: Store, config: Config, clock: Clock): Omit<ManagementApiDeps, 'callers' | 'operator'> {
  return {
    administration: administrationDeps(store, clock),
    tenantRequests: {
      users: store.users,
      namespaces: store.namespaces,
      audit: store.audit,
      outbox: store.outbox,
      tenantRequests: store.tenantRequests,
      forNamespace: (id) => store.forNamespace(id),
      transaction: (fn) => store.transaction((repos) => fn(repos)),
    },
    rateLimit: { perMinute: config.API_RATE_LIMIT_PER_MINUTE, limiter: store.rateLimits, clock },
    accounts: accountDeps(store, config, clock),
    self: selfDeps(store, config, clock),
    identityProviders: {
      ...identityProviderDeps(store, config),
      clock,
      publicUrl: () => serverPublicUrl(store, config),
    },
    observation: {
      audit: store.audit,
      signInLog: store.signInLog,
      signingKeys: store.signingKeys,
      namespaces: store.namespaces,
      users: store.users,
      clients: store.clients,
      clock,
    },
  };
}
