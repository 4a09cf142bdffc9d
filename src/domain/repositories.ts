/**
 * What the product needs from storage, as contracts the persistence layer fulfils.
 * Read these like oidc-provider's example adapter: every method, every field.
 * Expected failures are values (`{ ok: false, … }`), never exceptions.
 */
import type { StoredFactorKind } from '../contracts/factors.js';
import type { AuditEvent, AuditEventInput, AuditQuery, ChainCheck } from './audit.js';
import type { SignInLog } from './sign-in-log.js';
import type { AccessFacts } from './application-access.js';
import type { ApplicationCertificate, NewCertificate } from './certificates.js';
import type { Application, ApplicationChanges, ApplicationSecret, Namespace } from './directory.js';
import type { DirectoryMember, Group, GroupNesting } from './groups.js';
import type { ApplicationId, GroupId, IdentityProviderId, NamespaceId, UserId } from './ids.js';
import type { FederatedIdentity } from './federated-identities.js';
import type { ClientCredentials, DiscoveredMetadata, IdentityProvider, ProviderSettings, UpstreamProvider } from './identity-providers.js';
import type { KeyStatus, SigningAlg, SigningKey, RotationPlan } from './signing-keys.js';
import type { NewUser, User, UserStatus } from './users.js';
import type { AuthenticatorDevice, PushChallenge, PushOutcome } from './push.js';
import type { FlowRepository } from './flows/flow.js';
import type { ActivationCodes, VendorRepository } from './vendors.js';
import type { AcceptedPolicies, OnboardingLink, PolicyVersions } from './onboarding.js';
import type { InvitationRepository } from './invitations.js';
import type { UserDirectory } from './user-directory.js';

export type Created<T> = { ok: true; value: T } | { ok: false; conflict: string };

export interface UserRepository {
  /**
   * Creates an account; `conflict` names the identifier already taken (`email`, `username`
   * or `mobile`). Every identifier is unique across the kinds (a username never equals
   * another account's e-mail), enforced by the database, so two creations at once cannot
   * both take one.
   */
  create(user: NewUser, secrets: { passwordHash: string | null }): Promise<Created<User>>;
  findById(id: UserId): Promise<User | null>;
  /** Finds by TechPass ID: the e-mail or the local username, case-insensitively. */
  findByLogin(login: string): Promise<User | null>;
  /** Finds by mobile number, in E.164 (`normaliseMobile`). */
  findByMobile(mobile: string): Promise<User | null>;
  passwordHash(id: UserId): Promise<string | null>;
  /** Enrols a TOTP factor whose seed is sealed under the master key. */
  addTotpFactor(id: UserId, label: string, seedBase32: string): Promise<string>;
  listFactors(id: UserId): Promise<Array<{ id: string; kind: StoredFactorKind; label: string; createdAt: number }>>;
  /** The account's TOTP factors with their seeds opened (for verification only). */
  totpFactors(id: UserId): Promise<Array<{ id: string; seed: string; lastUsedStep: number | null }>>;
  /** Records the step of a code just accepted; false if that step (or a later one) was already used. */
  recordTotpUse(factorId: string, step: number): Promise<boolean>;
  /**
   * Takes one attempt at a credential (password, TOTP code, push number) before it is
   * checked: counts it as a failure and answers the new count, or null when the account is
   * locked or has no attempt left below `threshold`. Of requests racing, at most
   * `threshold` get one. A right credential gives its attempt back (`releaseAttempt`).
   */
  reserveAttempt(id: UserId, threshold: number): Promise<number | null>;
  /** Gives back an attempt whose credential was right (never below zero, never on a locked account). */
  releaseAttempt(id: UserId): Promise<void>;
  /** Locks the account; answers whether this call locked it (false if it already was). */
  lock(id: UserId): Promise<boolean>;
  /** Records the sign-in time and clears the failure count, unless the account is locked. */
  recordSignIn(id: UserId): Promise<void>;
  /** Removes the account's factors of these kinds (`totp`, `passkey`); answers how many. */
  removeFactors(id: UserId, kinds: StoredFactorKind[]): Promise<number>;
  /** Sets a new password hash; a new password also unlocks the account. */
  setPassword(id: UserId, passwordHash: string): Promise<void>;
  /**
   * What an integrated identity provider says of the person: the agency (read-only in
   * TechPass: the provider is its source) and, while the account is pending, the names.
   */
  updateFromProvider(id: UserId, facts: { agency?: string; givenName?: string; familyName?: string }): Promise<void>;
}

/** The accounts a browser remembers for the account picker, by opaque reference. */
export interface RememberedAccounts {
  remember(userId: UserId, signIn: { amr: string[]; acr: string; sessionExpiresAt: number }): Promise<string>;
  find(
    refs: string[],
  ): Promise<Array<{ ref: string; userId: UserId; amr: string[]; acr: string; authenticatedAt: number; sessionExpiresAt: number | null }>>;
  forget(ref: string): Promise<void>;
  /** Records a stronger sign-in (a step-up) on a remembered account: its session is live again until `sessionExpiresAt`. */
  upgrade(ref: string, signIn: { amr: string[]; acr: string; sessionExpiresAt: number }): Promise<void>;
  /** Ends the live sessions behind `refs` (they stay remembered, but need a sign-in again). */
  endSessions(refs: string[]): Promise<void>;
  endSessionsOfUser(userId: UserId): Promise<void>;
}

export interface PasswordResets {
  create(userId: UserId, digest: string, expiresAt: number): Promise<string>;
  /** Marks the reset used if it is live; answers its user, or null if unknown, used or expired. */
  consume(id: string, digest: string): Promise<UserId | null>;
  /** Looks without consuming (to render the form). */
  peek(id: string, digest: string): Promise<UserId | null>;
}

/** "Forgot your password?" requests, queued as typed and answered by a job (see flows/passwords.ts). */
export interface PasswordResetRequests {
  /** Queues a request for a TechPass ID as typed; it may name no account. */
  add(login: string, ip: string | null): Promise<void>;
  /** Takes up to `limit` queued requests, oldest first; each is taken once, however many takes meet. */
  take(limit: number): Promise<Array<{ id: string; login: string; ip: string | null }>>;
}

/**
 * What every process on one database must agree on. A server records the public URL
 * (its issuer) at each start; CLI commands read it to make links that point at it.
 */
export interface DeploymentSettings {
  /** The public URL the last server to start runs with, or null if no server has started. */
  publicUrl(): Promise<string | null>;
  /** Records `url` as the public URL; answers the one recorded before (null if none). */
  recordPublicUrl(url: string): Promise<string | null>;
}

export interface RateLimiter {
  /** Counts a hit on `key` in a fixed window; answers the count in the current window. */
  hit(key: string, windowMs: number): Promise<number>;
  count(key: string, windowMs: number): Promise<number>;
}

/**
 * Where outgoing mail and SMS are written first, in the transaction of the change that
 * causes them (delivered later by a job, or read in the local outbox).
 */
export interface MailQueue {
  enqueue(message: { to: string; subject: string; text: string; html?: string }): Promise<string>;
  /** An SMS (domain/messages.ts `sms()` checks the number is E.164). */
  enqueueSms(message: { to: string; text: string }): Promise<string>;
}

export interface TermsAcceptances {
  acceptedVersion(applicationId: ApplicationId, userId: UserId): Promise<number | null>;
  accept(applicationId: ApplicationId, userId: UserId, version: number): Promise<void>;
}

/** Onboarding links of pending accounts (flows/onboarding.ts). Every change that must happen once is conditional. */
export interface OnboardingLinks {
  /** Stores a link (only the digest of its secret); the account's earlier links that were not used stop working (revoked). */
  create(link: { userId: UserId; digest: string; clientId: string | null; createdBy: string; expiresAt: number }): Promise<string>;
  find(id: string): Promise<OnboardingLink | null>;
  /** Binds a live link to one browser (the digest of a value in its cookie) unless it is bound already; answers whether it did. */
  claim(id: string, claimDigest: string): Promise<boolean>;
  /** Marks a live link used (the onboarding finished); false if it was used, revoked or expired meanwhile. */
  consume(id: string): Promise<boolean>;
}

/** Which version of each platform policy (Privacy Policy, Terms of Use) each user accepted last. */
export interface PlatformPolicyAcceptances {
  accepted(userId: UserId): Promise<AcceptedPolicies>;
  accept(userId: UserId, versions: PolicyVersions): Promise<void>;
}

/** Proof-of-work answers already accepted: each is spent once, until it expires. */
export interface SpentProofs {
  /** Records `key` as spent until `expiresAt`; false if it was spent already (a replay). */
  spend(key: string, expiresAt: number): Promise<boolean>;
}

export interface NamespaceRepository {
  create(input: { name: string; displayName: string; description: string }): Promise<Created<Namespace>>;
  findByName(name: string): Promise<Namespace | null>;
  findById(id: NamespaceId): Promise<Namespace | null>;
  list(): Promise<Namespace[]>;
  /** Sets the display name and/or description; answers the namespace as it now is, null if unknown. */
  update(id: NamespaceId, changes: { displayName?: string; description?: string }): Promise<Namespace | null>;
  /** Deletes the namespace (its admins go by cascade); false if unknown. The caller checks it is empty. */
  remove(id: NamespaceId): Promise<boolean>;
  /**
   * The namespaces `userId` administers. The one read of namespace_admins across
   * namespaces: it is how a caller's role is learned, before any scope exists.
   */
  administeredBy(userId: UserId): Promise<NamespaceId[]>;
}

/** A namespace admin, as listed. */
export interface NamespaceAdmin {
  userId: UserId;
  email: string;
  givenName: string;
  familyName: string;
  since: number;
}

/** The admins of one namespace; obtained only through `forNamespace`. */
export interface NamespaceAdminRepository {
  list(): Promise<NamespaceAdmin[]>;
  /** Adds `userId`; false if already an admin. */
  add(userId: UserId): Promise<boolean>;
  /**
   * Removes `userId`, unless it is the last admin. Serialised per namespace (the
   * namespace row is locked on PostgreSQL), so two removals at once cannot leave none.
   */
  remove(userId: UserId): Promise<'removed' | 'not_admin' | 'last_admin'>;
}

export interface NewApplication {
  /** A fixed client id (the platform's own applications); otherwise a new `app_…` id. */
  id?: ApplicationId;
  name: string;
  redirectUris: string[];
  isPublic: boolean;
  homepageUrl?: string | null;
  logoutUrl?: string | null;
}

/** Applications of one namespace; obtained only through `forNamespace`. */
export interface ApplicationRepository {
  create(input: NewApplication): Promise<Created<Application>>;
  get(id: ApplicationId): Promise<Application | null>;
  list(): Promise<Application[]>;
  /** Applies `changes` (only the fields present) and answers the application as it now is; null if unknown. */
  update(id: ApplicationId, changes: ApplicationChanges): Promise<Application | null>;
  addSecret(id: ApplicationId, secret: { digest: string; hint: string; expiresAt: number; name?: string }): Promise<ApplicationSecret>;
  /** Deletes a secret (revocation); false when the secret is not this application's. */
  removeSecret(id: ApplicationId, secretId: string): Promise<boolean>;
  /** Records that the secret just authenticated the application. */
  recordSecretUse(id: ApplicationId, secretId: string, at: number): Promise<void>;
  /** Deletes the application with its secrets, certificates and assignments; false if unknown. */
  remove(id: ApplicationId): Promise<boolean>;
  listSecrets(id: ApplicationId): Promise<ApplicationSecret[]>;
  /** Moves a secret's expiry (to now, to revoke it); false when the secret is not this application's. */
  setSecretExpiry(id: ApplicationId, secretId: string, expiresAt: number): Promise<boolean>;
  /** Stores a certificate; `conflict: 'certificate'` when the application already has this one. */
  addCertificate(id: ApplicationId, certificate: NewCertificate): Promise<Created<ApplicationCertificate>>;
  listCertificates(id: ApplicationId): Promise<ApplicationCertificate[]>;
  /** Deletes a certificate (it authenticates nothing from now on); false when it is not this application's. */
  removeCertificate(id: ApplicationId, certificateId: string): Promise<boolean>;
}

/** A link between two directory objects was made, was already there, or names an object this namespace lacks. */
export type Linked = { ok: true; added: boolean } | { ok: false; missing: 'application' | 'group' | 'user' | 'member' };

/** Groups of one namespace, their members and nestings; obtained only through `forNamespace`. */
export interface GroupRepository {
  /**
   * Creates a group unless the namespace already holds `limit` groups. Counting and
   * inserting are serialised per namespace, so concurrent creations cannot pass the limit.
   */
  create(
    input: { name: string; description: string },
    limit: number,
  ): Promise<{ ok: true; value: Group } | { ok: false; conflict: 'name' | 'limit' }>;
  get(id: GroupId): Promise<Group | null>;
  findByName(name: string): Promise<Group | null>;
  list(): Promise<Group[]>;
  addUser(groupId: GroupId, userId: UserId): Promise<Linked>;
  /** Makes `memberGroupId` a member of `groupId` (the caller has checked for cycles). */
  addGroup(groupId: GroupId, memberGroupId: GroupId): Promise<Linked>;
  nestings(): Promise<GroupNesting[]>;
  /** Groups `userId` belongs to directly (not through nesting). */
  directGroupsOf(userId: UserId): Promise<Group[]>;
  /** Renames and/or describes a group; `conflict: 'name'` when another group has the name, null if unknown. */
  update(id: GroupId, changes: { name?: string; description?: string }): Promise<{ ok: true; value: Group } | { ok: false; conflict: 'name' } | null>;
  /** Deletes a group: its memberships (either way), nestings and assignments go with it. False if unknown. */
  remove(id: GroupId): Promise<boolean>;
  /** The direct members of a group: people (by e-mail) and nested groups (by name). */
  members(groupId: GroupId): Promise<DirectoryMember[]>;
  /** The groups `memberGroupId` is directly nested in. */
  parentsOf(memberGroupId: GroupId): Promise<Group[]>;
  /** Removes a person from a group; false when they were not a direct member. */
  removeUser(groupId: GroupId, userId: UserId): Promise<boolean>;
  /** Takes a nested group out of a group; false when it was not nested there. */
  removeGroup(groupId: GroupId, memberGroupId: GroupId): Promise<boolean>;
}

/** Which users and groups are assigned to which applications of one namespace. */
export interface AssignmentRepository {
  assignUser(applicationId: ApplicationId, userId: UserId): Promise<Linked>;
  assignGroup(applicationId: ApplicationId, groupId: GroupId): Promise<Linked>;
  /** Who is assigned to an application: people first (by e-mail), then groups (by name). */
  list(applicationId: ApplicationId): Promise<DirectoryMember[]>;
  /** The applications a group is assigned to. */
  applicationsOfGroup(groupId: GroupId): Promise<ApplicationId[]>;
  /** Removes a person's assignment; false when they were not assigned directly. */
  unassignUser(applicationId: ApplicationId, userId: UserId): Promise<boolean>;
  /** Removes a group's assignment; false when it was not assigned. */
  unassignGroup(applicationId: ApplicationId, groupId: GroupId): Promise<boolean>;
  /** Everything the access rules and the `groups` claim need about one user and one application. */
  accessFacts(applicationId: ApplicationId, userId: UserId): Promise<AccessFacts>;
}

/** A person responsible for an application. */
export interface ApplicationOwner {
  userId: UserId;
  email: string;
}

/** The owners of a namespace's applications; obtained only through `forNamespace`. */
export interface ApplicationOwnerRepository {
  /** The owners of one application, by e-mail. */
  list(applicationId: ApplicationId): Promise<ApplicationOwner[]>;
  /** Replaces the owners of one application (the application must exist in the namespace). */
  replace(applicationId: ApplicationId, userIds: UserId[]): Promise<void>;
}

export interface NamespaceScope {
  readonly namespaceId: NamespaceId;
  readonly applications: ApplicationRepository;
  readonly groups: GroupRepository;
  readonly assignments: AssignmentRepository;
  readonly terms: TermsAcceptances;
  /** Vendor accounts created in this namespace (domain/vendors.ts). */
  readonly vendors: VendorRepository;
  readonly admins: NamespaceAdminRepository;
  readonly owners: ApplicationOwnerRepository;
}

/** An application as the OIDC provider needs it: with its secrets (digests) and certificates. */
export interface ClientRecord {
  application: Application;
  secrets: ApplicationSecret[];
  certificates: ApplicationCertificate[];
}

/** Finds an application by its client id across namespaces: the OIDC provider's one entry point. */
export interface ClientDirectory {
  findClient(clientId: string): Promise<ClientRecord | null>;
  /** The application alone (no credentials): what access policy and claims need. */
  findApplication(clientId: string): Promise<Application | null>;
}

export interface AuditLog {
  append(event: AuditEventInput): Promise<AuditEvent>;
  list(options?: { afterSeq?: number; limit?: number; targetId?: string }): Promise<AuditEvent[]>;
  /** The events a query asks for, newest first (oldest first with `afterSeq`); the filters are the SQL's, on indexed columns. */
  query(query: AuditQuery): Promise<AuditEvent[]>;
  verify(): Promise<ChainCheck>;
}

export interface SigningKeyRepository {
  all(): Promise<SigningKey[]>;
  insert(key: { kid: string; alg: SigningAlg; status: KeyStatus; privateJwk: Record<string, unknown> }): Promise<void>;
  /** Applies a rotation in one transaction; new next keys are supplied by the caller. */
  applyRotation(plan: RotationPlan, newKeys: Array<{ kid: string; alg: SigningAlg; privateJwk: Record<string, unknown> }>): Promise<void>;
  /** A cheap fingerprint that changes whenever the key set changes (for cache invalidation across nodes). */
  version(): Promise<string>;
}

export type { ApplicationId };

/** A provider as an administrator registers it: settings, credentials (sealed by the repository) and the discovery checked. */
export interface NewIdentityProvider {
  settings: ProviderSettings;
  credentials: ClientCredentials;
  metadata: DiscoveredMetadata;
  enabled: boolean;
}

/** What an update replaces: the settings given, the credentials when given, the discovery document as just checked. */
export interface IdentityProviderChanges {
  settings?: Partial<ProviderSettings>;
  credentials?: ClientCredentials;
  metadata?: DiscoveredMetadata;
}

/**
 * Integrated identity providers (platform-level, not namespace-owned). The client
 * secret or private key is sealed under the master key at rest (context: the
 * provider's id), opened only by `upstream()`. Every write changes `revision()`,
 * which is how each node's directory notices (identity-provider-directory.ts).
 */
export interface IdentityProviderRepository {
  /** Every provider, enabled or not, by name. */
  list(): Promise<IdentityProvider[]>;
  findByName(name: string): Promise<IdentityProvider | null>;
  findById(id: IdentityProviderId): Promise<IdentityProvider | null>;
  /** Every provider with its credentials opened: for the sign-in directory only. */
  upstream(): Promise<UpstreamProvider[]>;
  /** `conflict: 'name'` when the name is taken (the database decides between two adds at once). */
  create(input: NewIdentityProvider): Promise<Created<IdentityProvider>>;
  /** Applies the changes given; answers the provider as it now is, or null if unknown. */
  update(id: IdentityProviderId, changes: IdentityProviderChanges): Promise<IdentityProvider | null>;
  /** Turns sign-in through the provider on or off; null if unknown. */
  setEnabled(id: IdentityProviderId, enabled: boolean): Promise<IdentityProvider | null>;
  /** Deletes the provider and (by cascade) its federated identities; false if unknown. */
  remove(id: IdentityProviderId): Promise<boolean>;
  /** Changes with every write to any provider, on any node. */
  revision(): Promise<string>;
}

/**
 * Links between upstream identities and accounts. Unique on (issuer, subject): an
 * upstream identity links to one account; and on (provider, user): an account links
 * once per provider. Both are enforced by the database, so two first sign-ins racing
 * cannot both link.
 */
export interface FederatedIdentityRepository {
  find(issuer: string, subject: string): Promise<FederatedIdentity | null>;
  /** The account's links, oldest first. */
  ofUser(userId: UserId): Promise<FederatedIdentity[]>;
  /** Links; `conflict: 'subject'` when the upstream identity is linked already, `'user'` when the account has a link to this provider. */
  link(link: { providerId: IdentityProviderId; issuer: string; subject: string; userId: UserId }): Promise<Created<FederatedIdentity>>;
  /** Records a sign-in through the link (last used now). */
  touch(issuer: string, subject: string): Promise<void>;
  /** Removes every link made through the provider; answers how many (an issuer change, a removal). */
  unlinkProvider(providerId: IdentityProviderId): Promise<number>;
}

/**
 * The sign-in flow's view of the providers, cached per node: a change made anywhere
 * (this node, another node, the CLI) is seen within KEY_REFRESH_SECONDS (at once for
 * this node's own writes, and on SQLite for any process's).
 */
export interface IdentityProviderDirectory {
  /** Home-realm discovery: the enabled provider serving the address's domain, or null. */
  forEmail(email: string): Promise<UpstreamProvider | null>;
  /** The enabled provider of that name, or null (also null once it is disabled or removed). */
  byName(name: string): Promise<UpstreamProvider | null>;
  byId(id: IdentityProviderId): Promise<UpstreamProvider | null>;
  /** The provider, enabled or not, whose domains cover the address: tells "your organisation's sign-in is turned off" from "not federated". */
  claimedBy(email: string): Promise<IdentityProvider | null>;
}

/**
 * The TechPass Authenticator's storage: devices, one-time enrolment links and push
 * challenges. Every change that must happen once (a link used, a challenge
 * answered, an approval used by a sign-in) is a conditional update that answers
 * whether this caller won, so two requests racing cannot both succeed.
 */
export interface PushRepository {
  /** Stores a link (only the digest of its secret) and answers its id. */
  createEnrolmentLink(link: { userId: UserId; digest: string; createdBy: string; expiresAt: number }): Promise<string>;
  /** Marks the link used if it is live and the digest matches; answers its user, or null if unknown, used or expired. */
  consumeEnrolmentLink(id: string, digest: string): Promise<UserId | null>;
  addDevice(userId: UserId, device: { name: string; publicKeyJwk: AuthenticatorDevice['publicKeyJwk'] }): Promise<AuthenticatorDevice>;
  findDevice(id: string): Promise<AuthenticatorDevice | null>;
  devicesOf(userId: UserId): Promise<AuthenticatorDevice[]>;
  /** Sets (or, with null, removes) the device's Web Push subscription. */
  setWebPush(deviceId: string, subscription: AuthenticatorDevice['webPush']): Promise<void>;
  /** Removes one authenticator (the person removed the account from that phone). */
  removeDevice(deviceId: string): Promise<boolean>;
  /** Removes every authenticator of the account (and so its pending prompts); answers how many. */
  removeDevices(userId: UserId): Promise<number>;
  /** Whether a one-time enrolment link was used (a device was enrolled with it). */
  enrolmentLinkUsed(id: string): Promise<boolean>;
  touchDevice(id: string): Promise<void>;
  /**
   * Creates a challenge unless the account already has `limit` pending, unexpired
   * ones. Counting and inserting are serialised per account.
   */
  createChallenge(
    challenge: Omit<PushChallenge, 'id' | 'status' | 'outcome' | 'answeredAt' | 'deviceId' | 'consumedAt' | 'createdAt'>,
    limit: number,
  ): Promise<{ ok: true; value: PushChallenge } | { ok: false; conflict: 'too_many_outstanding' }>;
  findChallenge(id: string): Promise<PushChallenge | null>;
  /** The account's pending challenges that have not expired, newest first. */
  pendingChallenges(userId: UserId): Promise<PushChallenge[]>;
  /** Closes a pending, unexpired challenge with the device's answer; false if it was closed or expired meanwhile. */
  settleChallenge(id: string, answer: { status: 'approved' | 'denied' | 'reported'; outcome: PushOutcome; deviceId: string }): Promise<boolean>;
  /** Marks a pending challenge whose time is up as expired. */
  markExpired(id: string): Promise<void>;
  /**
   * Expires every pending challenge of the account (on a pause or a fraud report), as
   * closed by TechPass now (not ignored by the person); answers how many.
   */
  expirePending(userId: UserId): Promise<number>;
  /**
   * The account's failed prompts since `since`: wrong numbers and denials answered
   * since then, and prompts nobody answered whose time ran out since then (ignored).
   */
  failuresSince(userId: UserId, since: number): Promise<number>;
  pausedUntil(userId: UserId): Promise<number | null>;
  pause(userId: UserId, until: number): Promise<void>;
  /** Records that a sign-in used an approved challenge; false if it was not approved or was already used. */
  consumeApproval(id: string): Promise<boolean>;
  /**
   * Records that the device used `nonce` for a signed request, remembered until
   * `expiresAt`; false if the device already used it (a replay). One statement with
   * a unique key: two nodes receiving the same request at once, exactly one wins.
   * The device's expired nonces are forgotten on the way.
   */
  claimRequestNonce(deviceId: string, nonce: string, expiresAt: number): Promise<boolean>;
}

/** A registered passkey: the WebAuthn credential and its public key (COSE, base64url); never a secret. */
export interface Passkey {
  id: string;
  userId: UserId;
  label: string;
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  createdAt: number;
  lastUsedAt: number | null;
}

export interface PasskeyRepository {
  /** Registers a passkey; `conflict` when its credential id is already registered (to any account). */
  add(
    userId: UserId,
    passkey: { label: string; credentialId: string; publicKey: string; counter: number; transports: string[]; data: Record<string, unknown> },
  ): Promise<Created<Passkey>>;
  ofUser(userId: UserId): Promise<Passkey[]>;
  findByCredential(credentialId: string): Promise<Passkey | null>;
  /**
   * Records a verified use: the new signature counter, only if the stored one is
   * still `seen` (two assertions racing cannot both pass). Answers whether it did.
   */
  recordUse(id: string, seen: number, counter: number): Promise<boolean>;
}

/** Account status changes that must not overwrite a concurrent one: `from` is checked in the update. */
export interface AccountStatuses {
  changeStatus(id: UserId, from: readonly UserStatus[], to: UserStatus): Promise<boolean>;
}

/**
 * Everything that keeps an account signed in. `endAll` is called, in the same transaction,
 * by every change of an account's credentials or standing: a password reset or change, an
 * MFA reset, a lost factor removed, a fraud report, a lock, a status that forbids signing in.
 */
export interface AccountSessions {
  /**
   * Ends the account picker's live sessions in every browser, deletes the provider's
   * sessions and every grant of the account with its tokens (refresh tokens are refused,
   * access tokens inactive at UserInfo and introspection, `prompt=none` gets
   * login_required), and queues a back-channel logout for each application each ended
   * session signed in to. Answers how many of each. `keep.portalSession` spares the
   * portal session the person is using to make the change themselves.
   */
  endAll(userId: UserId, keep?: { portalSession?: string }): Promise<{ sessions: number; grants: number; logouts: number; portalSessions: number }>;
}

/** One of an account's TechPass sessions (a provider session), as its person may see it. */
export interface OwnSession {
  /** The session's stable uid (never its cookie value). */
  id: string;
  signedInAt: number;
  /** When the browser last came back to TechPass with it (null: not recorded). */
  lastSeenAt: number | null;
  expiresAt: number | null;
  /** The applications it signed in to, each with the `sid` its ID tokens carry. */
  applications: Array<{ clientId: string; sid: string }>;
  ip: string | null;
  userAgent: string | null;
}

/** What ending one session did (audited). */
export interface OwnSessionEnded {
  grants: number;
  logouts: number;
  portalSessions: number;
  rememberedSession: boolean;
}

/** A person's own TechPass sessions: listed, ended one at a time, and their browsers recorded (oidc/session-browsers.ts). */
export interface OwnSessions {
  /** The account's live provider sessions, newest sign-in first. */
  list(userId: UserId): Promise<OwnSession[]>;
  /**
   * Ends the session `id` of the account: the provider session, its grants with their
   * tokens, the remembered account's live session in that browser, the portal sessions
   * whose ID token names one of its sids; queues its back-channel logouts. Null when the
   * account has no such session (another account's session is never touched).
   */
  end(userId: UserId, id: string): Promise<OwnSessionEnded | null>;
  /** Records the browser a session was used from (at sign-in and each later /authorize). */
  seen(visit: { sessionUid: string; userId: UserId; ip: string | null; userAgent: string | null; rememberedRef: string | null }): Promise<void>;
  /** Deletes up to `limit` records of sessions that have ended (a job's work; listing ignores them meanwhile). */
  forgetEnded(limit: number): Promise<number>;
}

/** A portal session as stored: the cookie token's digest, never the token. */
export interface PortalSessionRecord {
  id: string;
  userId: UserId;
  csrf: string;
  idToken: string;
  /** The uid of the TechPass session it signed in with, when known. */
  sessionUid?: string | null;
  createdAt: number;
  expiresAt: number;
  idleExpiresAt: number;
  /** When the sign-in behind the session proved who the person is (its auth_time, ms); null for sessions older than migration 0027. */
  signedInAt: number | null;
  /** The methods that sign-in used (its amr). */
  amr: string[];
}

/** The portal's backend-for-frontend sessions (flows/portal-session.ts). */
export interface PortalSessions {
  create(session: PortalSessionRecord): Promise<void>;
  /** The session with this digest, if it has not expired (absolute or idle) at `now`. */
  findLive(id: string, now: number): Promise<PortalSessionRecord | null>;
  /** Moves the idle expiry forward (never past the absolute one). */
  touch(id: string, idleExpiresAt: number): Promise<void>;
  /** Ends one session; answers whether it existed. */
  remove(id: string): Promise<boolean>;
  /** Deletes sessions expired at `now`; answers how many. */
  removeExpired(now: number): Promise<number>;
}

/** Back-channel logout tokens owed to applications, sent by a job with retries. */
export interface BackchannelLogoutQueue {
  due(limit: number): Promise<Array<{ id: string; clientId: string; accountId: string; sid: string; attempts: number }>>;
  /** Done: sent, or nothing to send (`note` says why, e.g. the application registered no URI). */
  markSent(id: string, note?: string): Promise<void>;
  /** Failed: tried again at `retryAt`, or given up when it is null. */
  markFailed(id: string, error: string, retryAt: number | null): Promise<void>;
  /** Deletes the logouts closed (sent or given up) before `before`; answers how many. */
  forgetClosedBefore(before: number): Promise<number>;
}

/**
 * The repositories by the names every flow and strategy knows them. Each asks only
 * for the few it uses (`Pick<Repositories, 'users' | 'push'>`, as Hydra's registries
 * declare what a package needs); the store offers them all.
 */
export interface Repositories {
  users: UserRepository;
  /** Accounts as administrators manage them (domain/user-directory.ts). */
  userDirectory: UserDirectory;
  push: PushRepository;
  passkeys: PasskeyRepository;
  accountStatuses: AccountStatuses;
  accountSessions: AccountSessions;
  rateLimits: RateLimiter;
  audit: AuditLog;
  /** Every sign-in attempt's outcome (domain/sign-in-log.ts). */
  signInLog: SignInLog;
  outbox: MailQueue;
  /** Registration links sent by invitation (domain/invitations.ts). */
  invitations: InvitationRepository;
  flows: FlowRepository;
  rememberedAccounts: RememberedAccounts;
  identityProviders: IdentityProviderRepository;
  federatedIdentities: FederatedIdentityRepository;
  /** Integrated providers as sign-in uses them (cached per node outside transactions). */
  upstreamProviders: IdentityProviderDirectory;
  /** Vendor accounts' one-time activation codes (domain/vendors.ts). */
  activationCodes: ActivationCodes;
  onboardingLinks: OnboardingLinks;
  platformPolicies: PlatformPolicyAcceptances;
  spentProofs: SpentProofs;
  portalSessions: PortalSessions;
  /** A namespace's objects, reachable only through its scope. */
  forNamespace(id: NamespaceId): NamespaceScope;
}

/** Runs `fn` in one transaction over the repositories `R`: everything it writes commits together or not at all. */
export interface Transactional<R> {
  transaction<T>(fn: (tx: R) => Promise<T>): Promise<T>;
}
