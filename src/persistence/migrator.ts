/**
 * Versioned migrations, in code. Kysely's migrator takes a lock first (an advisory
 * lock on PostgreSQL, the write lock on SQLite), so any number of nodes may start
 * at once and each migration still runs exactly once.
 */
import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './database.js';
import { foundation } from './migrations/0001-foundation.js';
import { signIn } from './migrations/0002-sign-in.js';
import { applicationCredentials } from './migrations/0003-application-credentials.js';
import { pushAuthenticator } from './migrations/0004-push-authenticator.js';
import { passkeys } from './migrations/0005-passkeys.js';
import { webPush } from './migrations/0006-web-push.js';
import { partialTokenIndexes } from './migrations/0007-partial-token-indexes.js';
import { membershipByUserCovering } from './migrations/0008-membership-by-user-covering.js';
import { accountSessions } from './migrations/0009-account-sessions.js';
import { userIdentifiers } from './migrations/0010-user-identifiers.js';
import { deploymentSettings } from './migrations/0011-deployment-settings.js';
import { deviceRequestNonces } from './migrations/0012-device-request-nonces.js';
import { identityProviders } from './migrations/0013-identity-providers.js';
import { accountProfile } from './migrations/0014-account-profile.js';
import { outboxChannels } from './migrations/0015-outbox-channels.js';
import { onboarding } from './migrations/0016-onboarding.js';
import { invitations } from './migrations/0017-invitations.js';
import { vendorAccounts } from './migrations/0018-vendor-accounts.js';
import { managementApi } from './migrations/0019-management-api.js';
import { signInLog } from './migrations/0020-sign-in-log.js';
import { tenantRequests } from './migrations/0021-tenant-requests.js';
import { deviceGrant } from './migrations/0024-device-grant.js';
import { portalSessions } from './migrations/0025-portal-sessions.js';
import { applicationOwners } from './migrations/0026-application-owners.js';
import { portalSessionSignIn } from './migrations/0027-portal-session-sign-in.js';

function migrationsFor(database: Database): Record<string, Migration> {
  return {
    '0001-foundation': foundation(database.engine),
    '0002-sign-in': signIn,
    '0003-application-credentials': applicationCredentials,
    '0004-push-authenticator': pushAuthenticator,
    '0005-passkeys': passkeys,
    '0006-web-push': webPush,
    '0007-partial-token-indexes': partialTokenIndexes,
    '0008-membership-by-user-covering': membershipByUserCovering,
    '0009-account-sessions': accountSessions(database.engine),
    '0010-user-identifiers': userIdentifiers,
    '0011-deployment-settings': deploymentSettings,
    '0012-device-request-nonces': deviceRequestNonces,
    '0013-identity-providers': identityProviders,
    '0014-account-profile': accountProfile,
    '0015-outbox-channels': outboxChannels,
    '0016-onboarding': onboarding,
    '0017-invitations': invitations,
    '0018-vendor-accounts': vendorAccounts,
    '0019-management-api': managementApi,
    '0020-sign-in-log': signInLog,
    '0021-tenant-requests': tenantRequests,
    '0024-device-grant': deviceGrant,
    '0025-portal-sessions': portalSessions,
    '0026-application-owners': applicationOwners,
    '0027-portal-session-sign-in': portalSessionSignIn,
  };
}

export interface MigrationReport {
  applied: string[];
  total: number;
}

export async function migrate(database: Database): Promise<MigrationReport> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(database) };
  const migrator = new Migrator({ db: database.db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${reason}`.replace('  ', ' '));
  }
  const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  return { applied, total: Object.keys(migrationsFor(database)).length };
}

/**
 * Applies the migrations up to and including `name`, and no further: the schema of an
 * earlier release, on which upgrade tests put the data that a later migration carries over.
 */
export async function migrateTo(database: Database, name: string): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(database) };
  const { error } = await new Migrator({ db: database.db, provider }).migrateTo(name);
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
