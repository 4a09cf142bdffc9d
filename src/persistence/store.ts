/**
 * The persistence layer's one public entry point. There is no exported raw
 * database handle: namespace-owned data is reached only through `forNamespace`,
 * with a NamespaceId that the caller had to obtain from a namespace lookup.
 */
import { sql, type Kysely } from 'kysely';
import { transactionOf } from './precompiled.js';
import type { Schema } from './schema.js';
import type { FlowRepository } from '../domain/flows/flow.js';
import type {
  AccountSessions,
  AccountStatuses,
  BackchannelLogoutQueue,
  PasswordResetRequests,
  AuditLog,
  ClientDirectory,
  DeploymentSettings,
  FederatedIdentityRepository,
  IdentityProviderDirectory,
  IdentityProviderRepository,
  NamespaceRepository,
  NamespaceScope,
  OnboardingLinks,
  PlatformPolicyAcceptances,
  SpentProofs,
  PortalSessions,
  OwnSessions,
  PasskeyRepository,
  PasswordResets,
  PushRepository,
  RateLimiter,
  RememberedAccounts,
  SigningKeyRepository,
  UserRepository,
} from '../domain/repositories.js';
import type { NamespaceId } from '../domain/ids.js';
import type { ActivationCodes } from '../domain/vendors.js';
import type { Clock } from '../platform/clock.js';
import type { MasterKey } from '../platform/secrets.js';
import type { Database, Engine } from './database.js';
import { migrate, type MigrationReport } from './migrator.js';
import type { Notices } from './notices.js';
import { directoryCache, type CachedClientDirectory } from './directory-cache.js';
import { applicationRepository, clientDirectory, directoryFingerprint } from './repositories/applications.js';
import { applicationOwnerRepository } from './repositories/application-owners.js';
import { assignmentRepository } from './repositories/assignments.js';
import { groupRepository } from './repositories/groups.js';
import { auditLog } from './repositories/audit.js';
import { signInLogRepository } from './repositories/sign-in-log.js';
import type { SignInLog } from '../domain/sign-in-log.js';
import { jobLeases, type JobLeases } from './repositories/job-leases.js';
import { mailOutbox, type MailOutbox } from './repositories/mail-outbox.js';
import { invitationRepository } from './repositories/invitations.js';
import type { InvitationRepository } from '../domain/invitations.js';
import { namespaceRepository } from './repositories/namespaces.js';
import { namespaceAdminRepository } from './repositories/namespace-admins.js';
import { oidcModelStore, type OidcModelStore } from './repositories/oidc-models.js';
import { signingKeyRepository } from './repositories/signing-keys.js';
import { DEFAULT_LOCAL_ID_DOMAIN } from '../domain/users.js';
import { userRepository } from './repositories/users.js';
import { userDirectory } from './repositories/user-directory.js';
import type { UserDirectory } from '../domain/user-directory.js';
import { flowRepository, passwordResets, rateLimiter, rememberedAccounts } from './repositories/sign-in-state.js';
import { termsAcceptances } from './repositories/terms.js';
import { accountStatuses, pushRepository } from './repositories/push.js';
import { passkeyRepository } from './repositories/passkeys.js';
import { accountSessions, backchannelLogoutQueue } from './repositories/account-sessions.js';
import { portalSessions } from './repositories/portal-sessions.js';
import { ownSessions } from './repositories/own-sessions.js';
import { passwordResetRequests } from './repositories/password-reset-requests.js';
import { deploymentSettings } from './repositories/deployment-settings.js';
import { federatedIdentityRepository, identityProviderRepository } from './repositories/identity-providers.js';
import { cachedProviderDirectory, uncachedProviderDirectory } from './identity-provider-directory.js';
import { activationCodes, vendorRepository } from './repositories/vendors.js';
import { onboardingLinks, platformPolicyAcceptances, spentProofs } from './repositories/onboarding.js';
import { tenantRequestRepository } from './repositories/tenant-requests.js';
import type { TenantRequestRepository } from '../domain/tenant-requests.js';

/** The repositories, as seen inside one transaction. */
export interface Repositories {
  readonly users: UserRepository;
  /** Accounts as administrators manage them: search, profile, unlock, single factors. */
  readonly userDirectory: UserDirectory;
  readonly namespaces: NamespaceRepository;
  readonly clients: ClientDirectory;
  readonly audit: AuditLog;
  readonly signInLog: SignInLog;
  readonly signingKeys: SigningKeyRepository;
  readonly oidcModels: OidcModelStore;
  readonly leases: JobLeases;
  readonly outbox: MailOutbox;
  /** Registration links sent by invitation. */
  readonly invitations: InvitationRepository;
  readonly flows: FlowRepository;
  readonly rememberedAccounts: RememberedAccounts;
  readonly passwordResets: PasswordResets;
  readonly passwordResetRequests: PasswordResetRequests;
  readonly rateLimits: RateLimiter;
  readonly push: PushRepository;
  readonly passkeys: PasskeyRepository;
  readonly accountStatuses: AccountStatuses;
  readonly accountSessions: AccountSessions;
  readonly backchannelLogouts: BackchannelLogoutQueue;
  readonly deployment: DeploymentSettings;
  /** Integrated identity providers (platform-level), their secrets sealed under the master key. */
  readonly identityProviders: IdentityProviderRepository;
  readonly federatedIdentities: FederatedIdentityRepository;
  /** The providers as sign-in reads them; inside a transaction, straight from it. */
  readonly upstreamProviders: IdentityProviderDirectory;
  /** Vendor accounts' one-time activation codes (HMAC under the master key). */
  readonly activationCodes: ActivationCodes;
  readonly onboardingLinks: OnboardingLinks;
  readonly platformPolicies: PlatformPolicyAcceptances;
  readonly spentProofs: SpentProofs;
  readonly portalSessions: PortalSessions;
  /** A person's own TechPass sessions (GET/DELETE /me/sessions). */
  readonly ownSessions: OwnSessions;
  /** Services' requests to become tenants (domain/tenant-requests.ts). */
  readonly tenantRequests: TenantRequestRepository;
  forNamespace(id: NamespaceId): NamespaceScope;
}

export interface Store extends Repositories {
  readonly engine: Engine;
  /** Notices between nodes (PostgreSQL's LISTEN/NOTIFY); absent on single-node SQLite. */
  readonly notices?: Notices;
  /**
   * SQLite only: a counter that moves whenever another process (a second node on the same
   * file, a CLI command) commits; reading it costs no query (PRAGMA data_version).
   */
  readonly externalChanges?: () => number;
  /** Outside transactions, client records and namespaces come from a per-node cache (directory-cache.ts). */
  readonly clients: CachedClientDirectory;
  /** Outside transactions, identity providers come from a per-node cache (identity-provider-directory.ts). */
  readonly upstreamProviders: IdentityProviderDirectory;
  /** Runs `fn` in one transaction: everything it writes commits together or not at all. */
  transaction<T>(fn: (repositories: Repositories) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` while holding a cluster-wide lock named `name` (an advisory lock on
   * PostgreSQL; on SQLite the single embedded node needs none), so start-up work
   * such as creating the first signing keys happens once when nodes start together.
   */
  withLock<T>(name: string, fn: () => Promise<T>): Promise<T>;
  migrate(): Promise<MigrationReport>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** How often this node looks for directory and identity provider changes made by other nodes (default 5 s). */
  directoryRefreshMs?: number;
  /** The domain of local TechPass IDs: `findByLogin('name@<it>')` finds the username `name` (default techpass.local). */
  localIdDomain?: string;
}

export function createStore(database: Database, clock: Clock, masterKey: MasterKey, options: StoreOptions = {}): Store {
  const { engine } = database;
  const directoryChanged = () => cache.changed();
  const providersChanged = () => providerCache.changed();
  const repositories = (db: Kysely<Schema>) => ({
    users: userRepository(db, clock, masterKey, options.localIdDomain ?? DEFAULT_LOCAL_ID_DOMAIN),
    userDirectory: userDirectory(db, clock),
    namespaces: namespaceRepository(db, clock),
    clients: clientDirectory(db),
    audit: auditLog(db, engine, clock),
    signInLog: signInLogRepository(db, clock),
    signingKeys: signingKeyRepository(db, clock, masterKey),
    oidcModels: oidcModelStore(db, engine, clock),
    leases: jobLeases(db, clock),
    outbox: mailOutbox(db, clock),
    invitations: invitationRepository(db, clock),
    flows: flowRepository(db),
    rememberedAccounts: rememberedAccounts(db, clock),
    passwordResets: passwordResets(db, clock),
    passwordResetRequests: passwordResetRequests(db, clock),
    rateLimits: rateLimiter(db, clock),
    push: pushRepository(db, clock),
    passkeys: passkeyRepository(db, clock),
    accountStatuses: accountStatuses(db, clock),
    accountSessions: accountSessions(db, clock),
    backchannelLogouts: backchannelLogoutQueue(db, clock),
    deployment: deploymentSettings(db, clock),
    identityProviders: identityProviderRepository(db, clock, masterKey, providersChanged),
    federatedIdentities: federatedIdentityRepository(db, clock),
    upstreamProviders: uncachedProviderDirectory(identityProviderRepository(db, clock, masterKey)),
    activationCodes: activationCodes(db, clock, masterKey),
    onboardingLinks: onboardingLinks(db, clock),
    platformPolicies: platformPolicyAcceptances(db, clock),
    spentProofs: spentProofs(db, clock),
    portalSessions: portalSessions(db),
    ownSessions: ownSessions(db, clock),
    tenantRequests: tenantRequestRepository(db, clock),
    forNamespace: (namespaceId: NamespaceId): NamespaceScope => ({
      namespaceId,
      applications: applicationRepository(db, clock, namespaceId, directoryChanged),
      groups: groupRepository(db, clock, namespaceId, engine),
      assignments: assignmentRepository(db, clock, namespaceId),
      terms: termsAcceptances(db, clock, namespaceId),
      vendors: vendorRepository(db, clock, namespaceId),
      admins: namespaceAdminRepository(db, clock, namespaceId, engine),
      owners: applicationOwnerRepository(db, clock, namespaceId),
    }),
  });
  const db = database.db;
  const uncached = repositories(db);
  const cache = directoryCache(
    { ...uncached, fingerprint: () => directoryFingerprint(db), ...(database.externalChanges ? { externalChanges: database.externalChanges } : {}) },
    { refreshMs: options.directoryRefreshMs ?? 5000 },
  );
  const providerCache = cachedProviderDirectory(
    { providers: uncached.identityProviders, ...(database.externalChanges ? { externalChanges: database.externalChanges } : {}) },
    { refreshMs: options.directoryRefreshMs ?? 5000 },
  );
  return {
    engine,
    ...(database.notices ? { notices: database.notices } : {}),
    ...(database.externalChanges ? { externalChanges: database.externalChanges } : {}),
    ...uncached,
    clients: cache.clients,
    upstreamProviders: providerCache.directory,
    namespaces: { ...uncached.namespaces, findById: cache.findNamespace },
    transaction: (fn) => transactionOf(db, (tx) => fn(repositories(tx))),
    withLock: async (name, fn) => {
      if (engine !== 'postgres') return fn();
      return db.connection().execute(async (connection) => {
        await sql`select pg_advisory_lock(hashtext(${name}))`.execute(connection);
        try {
          return await fn();
        } finally {
          await sql`select pg_advisory_unlock(hashtext(${name}))`.execute(connection);
        }
      });
    },
    migrate: () => migrate(database),
    ping: () => database.ping(),
    close: () => database.close(),
  };
}

export { openDatabase, isConnectionError } from './database.js';
export type { Notices } from './notices.js';
export type { Database, DatabaseTarget, Engine } from './database.js';
