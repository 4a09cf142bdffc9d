/**
 * Row types of every table, as Kysely sees them. Times are milliseconds since the
 * epoch (BIGINT); booleans are 0/1 integers; JSON is stored as text. The same
 * representation on SQLite and PostgreSQL keeps one query layer for both.
 */
import type { StoredFactorKind } from '../contracts/factors.js';
import type { Generated } from 'kysely';

export interface UsersTable {
  id: string;
  email: string;
  username: string | null;
  given_name: string;
  family_name: string;
  account_type: string;
  status: string;
  platform_role: string | null;
  password_hash: string | null;
  password_changed_at: number | null;
  failed_sign_ins: number;
  locked_at: number | null;
  mobile: string | null;
  agency: string | null;
  department: string | null;
  business_operation: string | null;
  reporting_officer_email: string | null;
  company_address: string | null;
  created_at: number;
  updated_at: number;
  status_changed_at: number;
  last_sign_in_at: number | null;
}

/** One row per identifier (an e-mail or a username): the primary key keeps each to one account. */
export interface UserIdentifiersTable {
  identifier: string;
  user_id: string;
  kind: 'email' | 'username' | 'mobile';
}

export interface UserFactorsTable {
  id: string;
  user_id: string;
  /** Which factor this row is (contracts/factors.ts); the TechPass Authenticator's devices have their own table. */
  kind: StoredFactorKind;
  label: string;
  secret_sealed: string | null;
  public_key: string | null;
  data: string;
  created_at: number;
  last_used_at: number | null;
  last_used_step: number | null;
  credential_id: string | null;
  sign_count: number;
}

export interface NamespacesTable {
  id: string;
  name: string;
  display_name: string;
  description: string;
  directory_id: string;
  created_at: number;
}

export interface PortalSessionsTable {
  id: string;
  user_id: string;
  csrf: string;
  id_token: string;
  created_at: number;
  expires_at: number;
  idle_expires_at: number;
  /** When the sign-in behind it proved who the person is (ms), and with which methods (JSON amr): 0027. */
  signed_in_at: number | null;
  amr: string | null;
}

export interface NamespaceAdminsTable {
  namespace_id: string;
  user_id: string;
  created_at: number;
}

export interface ApplicationsTable {
  namespace_id: string;
  id: string;
  name: string;
  homepage_url: string | null;
  logout_url: string | null;
  redirect_uris: string;
  is_public: number;
  sign_in_enabled: number;
  assignment_required: number;
  implicit_grant: number;
  backchannel_logout_uri: string | null;
  terms_version: number;
  created_at: number;
  updated_at: number;
  /** 0019: people signing in through it may get management API tokens. */
  management_api: Generated<number>;
  /** 0024: may use the device authorization grant (public clients only). */
  device_grant: Generated<number>;
}

export interface ApplicationSecretsTable {
  namespace_id: string;
  id: string;
  application_id: string;
  digest: string;
  hint: string;
  created_at: number;
  expires_at: number;
  /** 0019 */
  name: Generated<string>;
  last_used_at: number | null;
}

export interface ApplicationCertificatesTable {
  namespace_id: string;
  id: string;
  application_id: string;
  pem: string;
  thumbprint_sha1: string;
  thumbprint_sha256: string;
  /** The public key as JSON (JWK), without kid/alg/use. */
  public_jwk: string;
  not_before: number;
  not_after: number;
  created_at: number;
}

export interface GroupsTable {
  namespace_id: string;
  id: string;
  name: string;
  description: string;
  created_at: number;
}

export interface GroupUserMembersTable {
  namespace_id: string;
  group_id: string;
  user_id: string;
  created_at: number;
}

export interface GroupGroupMembersTable {
  namespace_id: string;
  group_id: string;
  member_group_id: string;
  created_at: number;
}

export interface ApplicationUserAssignmentsTable {
  namespace_id: string;
  application_id: string;
  user_id: string;
  created_at: number;
}

/** The people responsible for an application (0026). */
export interface ApplicationOwnersTable {
  namespace_id: string;
  application_id: string;
  user_id: string;
  created_at: number;
}

export interface ApplicationGroupAssignmentsTable {
  namespace_id: string;
  application_id: string;
  group_id: string;
  created_at: number;
}

export interface AuditEventsTable {
  seq: Generated<number>;
  id: string;
  occurred_at: number;
  actor: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  namespace_id: string | null;
  ip: string | null;
  data: string;
  prev_hash: string;
  hash: string;
}

/** One sign-in attempt's outcome (migration 0020, domain/sign-in-log.ts). */
export interface SignInLogTable {
  id: string;
  occurred_at: number;
  user_id: string | null;
  login: string | null;
  client_id: string | null;
  namespace_id: string | null;
  ip: string | null;
  user_agent: string | null;
  /** JSON array of amr values. */
  factors: string;
  result: string;
  reason: string | null;
  correlation_id: string | null;
  flow_id: string | null;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  status: string;
  sealed_jwk: string;
  created_at: number;
  activated_at: number | null;
  retired_at: number | null;
  publish_until: number | null;
}

export interface OidcModelsTable {
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  uid: string | null;
  user_code: string | null;
  expires_at: number | null;
  consumed_at: number | null;
  /** The account of a Session or Grant row (null for every other model). */
  account_id: string | null;
}

export interface BackchannelLogoutsTable {
  id: string;
  client_id: string;
  account_id: string;
  sid: string;
  created_at: number;
  next_attempt_at: number;
  attempts: number;
  sent_at: number | null;
  last_error: string | null;
}

export interface PasswordResetRequestsTable {
  id: string;
  /** The TechPass ID as typed (normalised); it may name no account. */
  login: string;
  ip: string | null;
  created_at: number;
}

export interface JobLeasesTable {
  name: string;
  owner: string | null;
  lease_until: number;
  last_run_at: number | null;
}

/** Registration links sent by invitation (0017). */
export interface InvitationsTable {
  id: string;
  email: string;
  digest: string;
  invited_by: string;
  created_at: number;
  expires_at: number;
  completed_at: number | null;
  replaced_at: number | null;
  expiry_notified_at: number | null;
  user_id: string | null;
  draft: string | null;
}

/** A service's request to become a tenant (0021). */
export interface TenantRequestsTable {
  id: string;
  name: string;
  display_name: string;
  description: string;
  justification: string;
  status: string;
  requested_by: string;
  requested_at: number;
  decided_by: string | null;
  decided_at: number | null;
  reason: string | null;
  namespace_id: string | null;
}

export interface MailOutboxTable {
  id: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  created_at: number;
  sent_at: number | null;
  attempts: number;
  last_error: string | null;
  /** `mail` or `sms` (0015). */
  channel: Generated<string>;
  next_attempt_at: Generated<number>;
  claimed_until: number | null;
}

export interface FlowsTable {
  id: string;
  kind: string;
  state: string;
  interaction_uid: string | null;
  user_id: string | null;
  requested_aal: number;
  methods_done: string;
  context: string;
  csrf: string;
  expires_at: number;
  version: number;
  created_at: number;
  updated_at: number;
}

export interface RememberedAccountsTable {
  ref: string;
  user_id: string;
  authenticated_at: number;
  amr: string;
  acr: string;
  session_expires_at: number | null;
  created_at: number;
}

export interface TermsAcceptancesTable {
  namespace_id: string;
  application_id: string;
  user_id: string;
  version: number;
  accepted_at: number;
}

export interface PasswordResetsTable {
  id: string;
  digest: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface RateLimitsTable {
  key: string;
  window_start: number;
  count: number;
}

export interface AuthenticatorDevicesTable {
  id: string;
  user_id: string;
  name: string;
  /** The public key as JSON (JWK: kty, crv, x, y). */
  public_key_jwk: string;
  created_at: number;
  last_used_at: number | null;
  /** The Web Push subscription as JSON (endpoint, keys), when the device subscribed. */
  web_push: string | null;
}

export interface AuthenticatorEnrolmentsTable {
  id: string;
  digest: string;
  user_id: string;
  created_by: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface PushChallengesTable {
  id: string;
  user_id: string;
  number: number;
  status: string;
  outcome: string | null;
  flow_id: string | null;
  application_name: string;
  ip: string | null;
  user_agent: string | null;
  created_at: number;
  expires_at: number;
  answered_at: number | null;
  device_id: string | null;
  consumed_at: number | null;
}

export interface PushPausesTable {
  user_id: string;
  paused_until: number;
  created_at: number;
}

/** Facts every process on the database agrees on, by name (e.g. `public_url`). */
export interface DeploymentSettingsTable {
  name: string;
  value: string;
  updated_at: number;
}

/** A nonce a device used for a signed request, kept until the request would be stale. */
export interface DeviceRequestNoncesTable {
  device_id: string;
  nonce: string;
  expires_at: number;
}

/** An integrated identity provider; JSON columns hold arrays and objects as text (migration 0013). */
export interface IdentityProvidersTable {
  id: string;
  name: string;
  display_name: string;
  issuer: string;
  client_id: string;
  auth_method: 'client_secret' | 'private_key_jwt';
  /** The client secret or the private key (PEM), sealed under the master key. */
  credentials_sealed: string;
  /** ProviderCertificate as JSON, for private_key_jwt. */
  certificate: string | null;
  credentials_set_at: number;
  scopes: string;
  domains: string;
  claims: string;
  end_session: number;
  enabled: number;
  metadata: string;
  discovered_at: number;
  revision: string;
  created_at: number;
  updated_at: number;
}

/** An upstream identity (issuer, subject) linked to an account. */
export interface FederatedIdentitiesTable {
  provider_id: string;
  issuer: string;
  subject: string;
  user_id: string;
  created_at: number;
  last_used_at: number | null;
}

/** A vendor account's namespace (migration 0018): the tenant whose admin created it. */
export interface NamespaceVendorsTable {
  namespace_id: string;
  user_id: string;
  created_by: string;
  created_at: number;
}

/** A vendor account's one-time activation code: an HMAC of it, never the code (migration 0018). */
export interface VendorActivationCodesTable {
  user_id: string;
  digest: string;
  expires_at: number;
  used_at: number | null;
  created_at: number;
}

/** A single-use onboarding link of a pending account (migration 0016). */
export interface OnboardingLinksTable {
  id: string;
  user_id: string;
  digest: string;
  client_id: string | null;
  created_by: string;
  created_at: number;
  expires_at: number;
  claim_digest: string | null;
  claimed_at: number | null;
  used_at: number | null;
  revoked_at: number | null;
}

/** The version of a platform policy (`privacy`, `terms`) a user accepted last. */
export interface PlatformPolicyAcceptancesTable {
  user_id: string;
  policy: string;
  version: number;
  accepted_at: number;
}

/** A proof-of-work answer already accepted, until its challenge expires. */
export interface SpentProofsTable {
  key: string;
  expires_at: number;
}

export interface Schema {
  flows: FlowsTable;
  remembered_accounts: RememberedAccountsTable;
  terms_acceptances: TermsAcceptancesTable;
  password_resets: PasswordResetsTable;
  invitations: InvitationsTable;
  rate_limits: RateLimitsTable;
  users: UsersTable;
  user_identifiers: UserIdentifiersTable;
  user_factors: UserFactorsTable;
  namespaces: NamespacesTable;
  namespace_admins: NamespaceAdminsTable;
  applications: ApplicationsTable;
  application_secrets: ApplicationSecretsTable;
  application_certificates: ApplicationCertificatesTable;
  groups: GroupsTable;
  group_user_members: GroupUserMembersTable;
  group_group_members: GroupGroupMembersTable;
  application_user_assignments: ApplicationUserAssignmentsTable;
  application_owners: ApplicationOwnersTable;
  application_group_assignments: ApplicationGroupAssignmentsTable;
  audit_events: AuditEventsTable;
  sign_in_log: SignInLogTable;
  signing_keys: SigningKeysTable;
  oidc_models: OidcModelsTable;
  backchannel_logouts: BackchannelLogoutsTable;
  password_reset_requests: PasswordResetRequestsTable;
  job_leases: JobLeasesTable;
  mail_outbox: MailOutboxTable;
  authenticator_devices: AuthenticatorDevicesTable;
  authenticator_enrolments: AuthenticatorEnrolmentsTable;
  push_challenges: PushChallengesTable;
  push_pauses: PushPausesTable;
  deployment_settings: DeploymentSettingsTable;
  device_request_nonces: DeviceRequestNoncesTable;
  identity_providers: IdentityProvidersTable;
  federated_identities: FederatedIdentitiesTable;
  namespace_vendors: NamespaceVendorsTable;
  vendor_activation_codes: VendorActivationCodesTable;
  onboarding_links: OnboardingLinksTable;
  platform_policy_acceptances: PlatformPolicyAcceptancesTable;
  spent_proofs: SpentProofsTable;
  portal_sessions: PortalSessionsTable;
  tenant_requests: TenantRequestsTable;
}

/** Tables whose rows belong to one namespace: reached only through a NamespaceScope. */
export const NAMESPACED_TABLES = [
  'namespace_admins',
  'applications',
  'application_secrets',
  'application_certificates',
  'groups',
  'group_user_members',
  'group_group_members',
  'application_user_assignments',
  'application_group_assignments',
  'application_owners',
  'terms_acceptances',
  'namespace_vendors',
] as const satisfies ReadonlyArray<keyof Schema>;
