/**
 * Registering integrated identity providers: add, update, enable or disable, remove.
 * The CLI calls these today and the portal API will call the same functions. Like
 * administration.ts, each validates first (nothing changes on bad input), checks the
 * provider's discovery document (strategies/upstream-oidc/discovery.ts), then writes
 * and audits in one transaction. The domain check against the other providers runs
 * again inside that transaction, which the caller serialises with every other
 * provider change, so two admins cannot give one domain to two providers.
 *
 * Decisions:
 *   - an update checks discovery again, whatever changed (the stored metadata is
 *     refreshed, and a provider whose document broke is noticed at once); enable,
 *     disable and remove do not fetch anything;
 *   - the name is the provider's stable handle (scripts use it) and does not change;
 *   - changing the issuer or the subject claim removes the provider's links (an
 *     upstream subject means nothing under another issuer, and a link made with one
 *     claim never matches the value of another): each person links again, by
 *     verified e-mail, at their next sign-in; removing a provider removes its links.
 *     Both are audited with the number of links removed;
 *   - the audit records what changed, never a secret or private key.
 */
import { ErrorCodes } from '../contracts/errors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import {
  checkProviderSettings,
  DEFAULT_CLAIMS,
  DEFAULT_SCOPES,
  describeDomainConflict,
  findDomainConflict,
  normaliseDomains,
  type ClaimMapping,
  type ClientAuthMethod,
  type ClientCredentials,
  type DiscoveredMetadata,
  type IdentityProvider,
  type NewClientCredentials,
  type ProviderSettings,
} from '../domain/identity-providers.js';
import type { AuditLog, FederatedIdentityRepository, IdentityProviderRepository } from '../domain/repositories.js';
import type { Clock } from '../platform/clock.js';
import { prepareCredentials } from './identity-provider-credentials.js';

export interface IdentityProviderAdminRepositories {
  identityProviders: IdentityProviderRepository;
  federatedIdentities: FederatedIdentityRepository;
  audit: AuditLog;
}

export interface IdentityProviderAdminDeps extends IdentityProviderAdminRepositories {
  clock: Clock;
  /** Fetches and checks the issuer's discovery document (checkDiscovery under the outbound rules). */
  discover(issuer: string, clientAuth: { method: ClientAuthMethod; alg?: string }): Promise<Result<DiscoveredMetadata>>;
  /** One transaction, serialised with every other change to identity providers. */
  transaction<T>(fn: (tx: IdentityProviderAdminRepositories) => Promise<T>): Promise<T>;
}

export interface ProviderInput {
  name: string;
  displayName: string;
  issuer: string;
  clientId: string;
  credentials: NewClientCredentials;
  domains: string[];
  scopes?: string[];
  /** Over the defaults (DEFAULT_CLAIMS), key by key. */
  claims?: Partial<ClaimMapping>;
  endSession?: boolean;
}

/**
 * What a caller through the management API adds (identity-provider-management.ts):
 * the audit's context (role, via), and for update and remove the If-Match check,
 * made against the provider as read inside the change's transaction.
 */
export interface ChangeOptions {
  context?: Record<string, unknown>;
  precondition?: (current: IdentityProvider) => boolean;
}

const preconditionFailed = () =>
  fail(ErrorCodes.preconditionFailed, 'the object changed since you read it (If-Match does not match its ETag); read it again and retry');

/** The audit's before/after of a provider: its settings and how it authenticates, never a secret or private key. */
export function auditProvider(p: IdentityProvider) {
  const { id: _id, metadata: _metadata, clientAuth, ...settings } = p;
  return {
    ...settings,
    clientAuth: clientAuth.method,
    ...(clientAuth.method === 'private_key_jwt' ? { certificate: clientAuth.certificate.x5tS256 } : {}),
  };
}

/** What an update may change; absent fields stay as they are. `claims` replaces only the keys given. */
export type ProviderChanges = Partial<Omit<ProviderInput, 'name'>>;

/** A provider as changed, and what the administrator should know (nothing is wrong, but something will not work as they may expect). */
export interface ProviderOutcome {
  provider: IdentityProvider;
  warnings: string[];
}

const notFound = (name: string) => fail(ErrorCodes.identityProviderNotFound, `no identity provider named ${name}`, 'name');

function settingsOf(input: Omit<ProviderInput, 'credentials'>): ProviderSettings {
  const domains = normaliseDomains(input.domains);
  return {
    name: input.name.trim(),
    displayName: input.displayName.trim(),
    issuer: input.issuer.trim(),
    clientId: input.clientId.trim(),
    scopes: [...new Set(input.scopes ?? DEFAULT_SCOPES)],
    // A bad list is kept as given, for checkProviderSettings to name the bad pattern.
    domains: domains.ok ? domains.value : input.domains,
    claims: { ...DEFAULT_CLAIMS, ...input.claims },
    endSession: input.endSession ?? false,
  };
}

function warningsFor(settings: ProviderSettings, metadata: DiscoveredMetadata): string[] {
  return settings.endSession && !metadata.end_session_endpoint
    ? ['end-session is on, but the provider publishes no end_session_endpoint: signing out of TechPass will not sign out there']
    : [];
}

/** Validation before any network call or write: settings, credentials, the name, the domains. */
async function prepare(
  deps: IdentityProviderAdminDeps,
  settings: ProviderSettings,
  credentials: NewClientCredentials | undefined,
  self: IdentityProvider | null,
): Promise<Result<{ credentials: ClientCredentials | undefined; warnings: string[] }>> {
  const problem = checkProviderSettings(settings);
  if (problem) return fail(ErrorCodes.inputInvalid, problem.message, problem.field);
  const prepared = credentials ? prepareCredentials(credentials, deps.clock.now()) : ok({ credentials: undefined, warnings: [] });
  if (!prepared.ok) return prepared;
  if (!self && (await deps.identityProviders.findByName(settings.name))) {
    return fail(ErrorCodes.identityProviderExists, `an identity provider named ${settings.name} already exists`, 'name');
  }
  const conflict = await domainConflict(deps.identityProviders, settings.domains, self);
  if (conflict) return conflict;
  return prepared;
}

async function domainConflict(providers: IdentityProviderRepository, domains: string[], self: IdentityProvider | null) {
  const others = (await providers.list()).filter((p) => p.id !== self?.id);
  const conflict = findDomainConflict(domains, others);
  return conflict ? fail(ErrorCodes.identityProviderDomainTaken, describeDomainConflict(conflict), 'domains') : null;
}

const clientAuthOf = (credentials: ClientCredentials | undefined, current: IdentityProvider | null) => {
  if (credentials)
    return credentials.method === 'private_key_jwt'
      ? { method: credentials.method, alg: credentials.certificate.alg }
      : { method: credentials.method };
  const auth = current!.clientAuth;
  return auth.method === 'private_key_jwt' ? { method: auth.method, alg: auth.certificate.alg } : { method: auth.method };
};

/** The audit's view of a provider's settings: everything but secrets (the certificate by thumbprint). */
function auditView(settings: Partial<ProviderSettings>, credentials?: ClientCredentials) {
  return {
    ...settings,
    ...(credentials
      ? { clientAuth: credentials.method, ...(credentials.method === 'private_key_jwt' ? { certificate: credentials.certificate.x5tS256 } : {}) }
      : {}),
  };
}

export async function addIdentityProvider(
  deps: IdentityProviderAdminDeps,
  actor: string,
  input: ProviderInput,
  options: ChangeOptions = {},
): Promise<Result<ProviderOutcome>> {
  const settings = settingsOf(input);
  const prepared = await prepare(deps, settings, input.credentials, null);
  if (!prepared.ok) return prepared;
  const credentials = prepared.value.credentials!;
  const metadata = await deps.discover(settings.issuer, clientAuthOf(credentials, null));
  if (!metadata.ok) return metadata;
  return deps.transaction(async (tx) => {
    const conflict = await domainConflict(tx.identityProviders, settings.domains, null);
    if (conflict) return conflict;
    const created = await tx.identityProviders.create({ settings, credentials, metadata: metadata.value, enabled: true });
    if (!created.ok) return fail(ErrorCodes.identityProviderExists, `an identity provider named ${settings.name} already exists`, 'name');
    await tx.audit.append({
      actor,
      action: 'identity_provider.added',
      targetType: 'identity_provider',
      targetId: created.value.id,
      data: { ...options.context, ...auditView(settings, credentials), before: null, after: auditProvider(created.value) },
    });
    return ok({ provider: created.value, warnings: [...prepared.value.warnings, ...warningsFor(settings, metadata.value)] });
  });
}

export async function updateIdentityProvider(
  deps: IdentityProviderAdminDeps,
  actor: string,
  name: string,
  changes: ProviderChanges,
  options: ChangeOptions = {},
): Promise<Result<ProviderOutcome & { unlinked: number }>> {
  const given = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as ProviderChanges;
  if (Object.keys(given).length === 0) return fail(ErrorCodes.inputInvalid, 'nothing to change: give at least one setting', 'changes');
  const current = await deps.identityProviders.findByName(name);
  if (!current) return notFound(name);
  if (options.precondition && !options.precondition(current)) return preconditionFailed();
  const { credentials: newCredentials, claims, ...rest } = given;
  const settings = settingsOf({ ...current, ...rest, claims: { ...current.claims, ...claims } });
  const prepared = await prepare(deps, settings, newCredentials, current);
  if (!prepared.ok) return prepared;
  const credentials = prepared.value.credentials;
  const metadata = await deps.discover(settings.issuer, clientAuthOf(credentials, current));
  if (!metadata.ok) return metadata;
  const changed = (Object.keys(settings) as Array<keyof ProviderSettings>).filter(
    (key) => JSON.stringify(settings[key]) !== JSON.stringify(current[key]),
  );
  const settingsChanged = Object.fromEntries(changed.map((key) => [key, settings[key]])) as Partial<ProviderSettings>;
  return deps.transaction(async (tx) => {
    const fresh = await tx.identityProviders.findById(current.id);
    if (!fresh) return notFound(name);
    if (options.precondition && !options.precondition(fresh)) return preconditionFailed();
    const conflict = await domainConflict(tx.identityProviders, settings.domains, current);
    if (conflict) return conflict;
    const relink = settings.issuer !== current.issuer || settings.claims.subject !== current.claims.subject;
    const unlinked = relink ? await tx.federatedIdentities.unlinkProvider(current.id) : 0;
    const updated = await tx.identityProviders.update(current.id, {
      settings: settingsChanged,
      ...(credentials ? { credentials } : {}),
      metadata: metadata.value,
    });
    if (!updated) return notFound(name);
    await tx.audit.append({
      actor,
      action: 'identity_provider.updated',
      targetType: 'identity_provider',
      targetId: current.id,
      data: {
        ...options.context,
        name: current.name,
        changes: auditView(settingsChanged, credentials),
        credentialsReplaced: Boolean(credentials),
        unlinked,
        before: auditProvider(fresh),
        after: auditProvider(updated),
      },
    });
    return ok({ provider: updated, warnings: [...prepared.value.warnings, ...warningsFor(settings, metadata.value)], unlinked });
  });
}

/** Turns sign-in through the provider on or off; `changed` is false when it already was. */
export async function setIdentityProviderEnabled(
  deps: IdentityProviderAdminDeps,
  actor: string,
  name: string,
  enabled: boolean,
  options: ChangeOptions = {},
): Promise<Result<{ provider: IdentityProvider; changed: boolean }>> {
  const current = await deps.identityProviders.findByName(name);
  if (!current) return notFound(name);
  if (current.enabled === enabled) return ok({ provider: current, changed: false });
  return deps.transaction(async (tx) => {
    const provider = await tx.identityProviders.setEnabled(current.id, enabled);
    if (!provider) return notFound(name);
    await tx.audit.append({
      actor,
      action: enabled ? 'identity_provider.enabled' : 'identity_provider.disabled',
      targetType: 'identity_provider',
      targetId: current.id,
      data: { ...options.context, name, before: { enabled: current.enabled }, after: { enabled } },
    });
    return ok({ provider, changed: true });
  });
}

/** Removes the provider and every link made through it (their accounts stay). */
export async function removeIdentityProvider(
  deps: IdentityProviderAdminDeps,
  actor: string,
  name: string,
  options: ChangeOptions = {},
): Promise<Result<{ provider: IdentityProvider; unlinked: number }>> {
  const current = await deps.identityProviders.findByName(name);
  if (!current) return notFound(name);
  return deps.transaction(async (tx) => {
    const fresh = await tx.identityProviders.findById(current.id);
    if (!fresh) return notFound(name);
    if (options.precondition && !options.precondition(fresh)) return preconditionFailed();
    const unlinked = await tx.federatedIdentities.unlinkProvider(current.id);
    if (!(await tx.identityProviders.remove(current.id))) return notFound(name);
    await tx.audit.append({
      actor,
      action: 'identity_provider.removed',
      targetType: 'identity_provider',
      targetId: current.id,
      data: {
        ...options.context,
        name,
        issuer: current.issuer,
        domains: current.domains,
        unlinked,
        before: auditProvider(fresh),
        after: null,
      },
    });
    return ok({ provider: current, unlinked });
  });
}
