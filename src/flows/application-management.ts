/**
 * Applications of a namespace and their client secrets, through the management API:
 * list, show, update every property (the rules of create: domain/directory.ts), delete,
 * and the secrets' list (never a value), add (the value shown once) and revoke.
 * Like namespace-management.ts: authorize, then one transaction through the
 * namespace's scope, audited with before and after (secrets never: a secret's id,
 * name and hint only).
 *
 * A revoked secret is deleted: this node's client cache hears of it at once (the
 * repository's onChange), other nodes within KEY_REFRESH_SECONDS (directory-cache.ts).
 * A deleted application's refresh tokens stop working with it: the provider finds no
 * client for them. Its JWT access tokens are self-contained and live until they
 * expire (ACCESS_TOKEN_TTL), like any access token.
 */
import { ErrorCodes } from '../contracts/errors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import {
  auditActor,
  auditContext,
  mayAddSecret,
  mayCreateApplication,
  mayDeleteApplication,
  mayListSecrets,
  mayReadApplication,
  mayRevokeSecret,
  mayUpdateApplication,
  type Caller,
  type Decision,
  type NamespaceTarget,
} from '../domain/authorization.js';
import {
  checkApplicationChanges,
  MAX_SECRET_LIFETIME_DAYS,
  SECRET_LIFETIME_MS,
  type Application,
  type ApplicationChanges,
  type ApplicationSecret,
  type Namespace,
} from '../domain/directory.js';
import { asApplicationId } from '../domain/ids.js';
import { matches, pageOf, type Page } from '../domain/pagination.js';
import type { ApplicationOwner, NamespaceScope } from '../domain/repositories.js';
import { newSecret } from '../platform/ids.js';
import { digestSecret } from '../platform/secrets.js';
import { createApplication, type AdministrationDeps, type NewApplicationInput } from './administration.js';
import { authorizedNamespace, holds, preconditionFailed, preconditionRequired, type Precondition } from './namespace-management.js';

const DAY_MS = 24 * 3600 * 1000;

/** An application with the people responsible for it. */
export type OwnedApplication = Application & { owners: ApplicationOwner[] };

/** The change an update asks for: the application's properties, and its owners (e-mails) replaced as a list. */
export type ApplicationUpdate = ApplicationChanges & { owners?: string[] | undefined };

const MAX_OWNERS = 20;

const withOwners = async (scope: NamespaceScope, app: Application): Promise<OwnedApplication> => ({
  ...app,
  owners: await scope.owners.list(app.id),
});

/** What the audit keeps of an application: everything but timestamps. */
const auditView = (app: Application | OwnedApplication) => {
  const { createdAt: _c, updatedAt: _u, ...rest } = app;
  return rest;
};

async function authorizedApplication(
  deps: AdministrationDeps,
  caller: Caller,
  input: { namespace: string; clientId: string },
  decide: (caller: Caller, namespace: NamespaceTarget) => Decision,
): Promise<Result<{ namespace: Namespace; application: Application }>> {
  const namespace = await authorizedNamespace(deps, caller, input.namespace, decide);
  if (!namespace.ok) return namespace;
  const application = await deps.forNamespace(namespace.value.id).applications.get(asApplicationId(input.clientId));
  if (!application) {
    return fail(ErrorCodes.applicationNotFound, `namespace ${input.namespace} has no application with client id ${input.clientId}`, 'clientId');
  }
  return ok({ namespace: namespace.value, application });
}

export async function listApplications(
  deps: AdministrationDeps,
  caller: Caller,
  input: { namespace: string; cursor?: string | undefined; limit?: number | undefined; q?: string | undefined },
): Promise<Result<Page<OwnedApplication>>> {
  const namespace = await authorizedNamespace(deps, caller, input.namespace, mayReadApplication);
  if (!namespace.ok) return namespace;
  const scope = deps.forNamespace(namespace.value.id);
  const all = (await scope.applications.list()).filter((a) => matches(input.q, a.name, a.id));
  // By name, then client id: names are unique per namespace, the id makes the key total anyway.
  const page = pageOf(all, (a) => `${a.name}\u0000${a.id}`, input);
  return ok({ ...page, items: await Promise.all(page.items.map((a) => withOwners(scope, a))) });
}

/** Creates an application (the rules and the audit of administration.ts' createApplication), as an admin of its namespace. */
export async function createApplicationAs(
  deps: AdministrationDeps,
  caller: Caller,
  input: NewApplicationInput,
): Promise<Result<{ application: Application; clientSecret: string | null; secretExpiresAt: number | null }>> {
  const namespace = await authorizedNamespace(deps, caller, input.namespace, mayCreateApplication);
  if (!namespace.ok) return namespace;
  return createApplication(deps, auditActor(caller), input, auditContext(caller));
}

export async function showApplication(deps: AdministrationDeps, caller: Caller, input: { namespace: string; clientId: string }) {
  const found = await authorizedApplication(deps, caller, input, mayReadApplication);
  return found.ok ? ok(await withOwners(deps.forNamespace(found.value.namespace.id), found.value.application)) : found;
}

/** Resolves the owners' e-mails to people; an unknown one refuses the whole change (field `owners`). */
async function ownersByEmail(deps: AdministrationDeps, emails: string[]): Promise<Result<ApplicationOwner[]>> {
  if (emails.length > MAX_OWNERS) return fail(ErrorCodes.inputInvalid, `owners: at most ${MAX_OWNERS} people`, 'owners');
  const owners: ApplicationOwner[] = [];
  for (const email of emails) {
    const user = email.trim() ? await deps.users.findByLogin(email.trim()) : null;
    if (!user) return fail(ErrorCodes.inputInvalid, `owners: no TechPass user ${JSON.stringify(email)}`, 'owners');
    if (!owners.some((o) => o.userId === user.id)) owners.push({ userId: user.id, email: user.email });
  }
  return ok(owners);
}

export async function changeApplication(
  deps: AdministrationDeps,
  caller: Caller,
  input: { namespace: string; clientId: string; changes: ApplicationUpdate; precondition: Precondition<OwnedApplication> },
): Promise<Result<OwnedApplication>> {
  const { owners: ownerEmails, ...rest } = input.changes;
  const changes = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as ApplicationChanges;
  const found = await authorizedApplication(deps, caller, input, (c, n) => mayUpdateApplication(c, n, changes));
  if (!found.ok) return found;
  if (input.precondition === 'missing') return preconditionRequired();
  if (Object.keys(changes).length === 0 && ownerEmails === undefined) {
    return fail(ErrorCodes.inputInvalid, 'nothing to change: give at least one property');
  }
  const { namespace, application } = found.value;
  const problem = checkApplicationChanges(application, changes);
  if (problem) return fail(ErrorCodes.inputInvalid, `${problem.field} ${problem.message}`, problem.field);
  const owners = ownerEmails === undefined ? undefined : await ownersByEmail(deps, ownerEmails);
  if (owners && !owners.ok) return owners;
  return deps.transaction(async (tx) => {
    const scope = tx.forNamespace(namespace.id);
    const current = await scope.applications.get(application.id);
    if (!current)
      return fail(ErrorCodes.applicationNotFound, `namespace ${namespace.name} has no application with client id ${application.id}`, 'clientId');
    const before = await withOwners(scope, current);
    if (!holds(input.precondition, before)) return preconditionFailed();
    // Checked again against the row this transaction read (the terms version only goes up).
    const again = checkApplicationChanges(before, changes);
    if (again) return fail(ErrorCodes.inputInvalid, `${again.field} ${again.message}`, again.field);
    if (changes.name !== undefined && changes.name.trim() !== before.name) {
      const taken = (await scope.applications.list()).some((a) => a.id !== before.id && a.name === changes.name!.trim());
      if (taken) return fail(ErrorCodes.applicationExists, `namespace ${namespace.name} already has an application named ${changes.name}`, 'name');
    }
    if (owners) await scope.owners.replace(before.id, owners.value.map((o) => o.userId));
    const updated = Object.keys(changes).length ? (await scope.applications.update(before.id, changes))! : current;
    const after = await withOwners(scope, updated);
    await tx.audit.append({
      actor: auditActor(caller),
      action: 'application.updated',
      targetType: 'application',
      targetId: before.id,
      namespaceId: namespace.id,
      data: { ...auditContext(caller), before: auditView(before), after: auditView(after) },
    });
    return ok(after);
  });
}

/** Deletes an application, irreversibly: its secrets, certificates and assignments go with it. */
export async function deleteApplication(
  deps: AdministrationDeps,
  caller: Caller,
  input: { namespace: string; clientId: string; precondition: Precondition<OwnedApplication> },
): Promise<Result<OwnedApplication>> {
  const found = await authorizedApplication(deps, caller, input, mayDeleteApplication);
  if (!found.ok) return found;
  const { namespace, application } = found.value;
  return deps.transaction(async (tx) => {
    const scope = tx.forNamespace(namespace.id);
    const current = await scope.applications.get(application.id);
    if (!current)
      return fail(ErrorCodes.applicationNotFound, `namespace ${namespace.name} has no application with client id ${application.id}`, 'clientId');
    const before = await withOwners(scope, current);
    if (!holds(input.precondition, before)) return preconditionFailed();
    await scope.applications.remove(before.id);
    await tx.audit.append({
      actor: auditActor(caller),
      action: 'application.deleted',
      targetType: 'application',
      targetId: before.id,
      namespaceId: namespace.id,
      data: { ...auditContext(caller), before: auditView(before), after: null },
    });
    return ok(before);
  });
}

export async function listSecrets(
  deps: AdministrationDeps,
  caller: Caller,
  input: { namespace: string; clientId: string },
): Promise<Result<ApplicationSecret[]>> {
  const found = await authorizedApplication(deps, caller, input, mayListSecrets);
  if (!found.ok) return found;
  return ok(await deps.forNamespace(found.value.namespace.id).applications.listSecrets(found.value.application.id));
}

export async function addSecret(
  deps: AdministrationDeps,
  caller: Caller,
  input: { namespace: string; clientId: string; name: string; expiresInDays?: number | undefined },
): Promise<Result<{ secret: ApplicationSecret; value: string }>> {
  const found = await authorizedApplication(deps, caller, input, mayAddSecret);
  if (!found.ok) return found;
  const { namespace, application } = found.value;
  const name = input.name.trim();
  if (!name || name.length > 100) return fail(ErrorCodes.inputInvalid, 'name is required (at most 100 characters)', 'name');
  const days = input.expiresInDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > MAX_SECRET_LIFETIME_DAYS)) {
    return fail(ErrorCodes.inputInvalid, `expiresInDays must be a whole number of days from 1 to ${MAX_SECRET_LIFETIME_DAYS}`, 'expiresInDays');
  }
  if (application.isPublic) {
    return fail(
      ErrorCodes.inputInvalid,
      `${application.name} is a public client: it authenticates with PKCE only and cannot hold a secret`,
      'clientId',
    );
  }
  const value = newSecret();
  const expiresAt = deps.clock.now() + (days === undefined ? SECRET_LIFETIME_MS : days * DAY_MS);
  return deps.transaction(async (tx) => {
    const secret = await tx
      .forNamespace(namespace.id)
      .applications.addSecret(application.id, { digest: digestSecret(value), hint: value.slice(-4), expiresAt, name });
    await tx.audit.append({
      actor: auditActor(caller),
      action: 'application.secret_added',
      targetType: 'application',
      targetId: application.id,
      namespaceId: namespace.id,
      data: { ...auditContext(caller), before: null, after: { secretId: secret.id, name, hint: secret.hint, expiresAt } },
    });
    return ok({ secret, value });
  });
}

/** Revokes a secret: it authenticates nothing from now on (every node within KEY_REFRESH_SECONDS). */
export async function revokeSecret(
  deps: AdministrationDeps,
  caller: Caller,
  input: { namespace: string; clientId: string; secretId: string },
): Promise<Result<ApplicationSecret>> {
  const found = await authorizedApplication(deps, caller, input, mayRevokeSecret);
  if (!found.ok) return found;
  const { namespace, application } = found.value;
  return deps.transaction(async (tx) => {
    const applications = tx.forNamespace(namespace.id).applications;
    const before = (await applications.listSecrets(application.id)).find((s) => s.id === input.secretId);
    if (!before || !(await applications.removeSecret(application.id, input.secretId))) {
      return fail(ErrorCodes.secretNotFound, `${application.name} has no secret ${input.secretId}`, 'secretId');
    }
    await tx.audit.append({
      actor: auditActor(caller),
      action: 'application.secret_revoked',
      targetType: 'application',
      targetId: application.id,
      namespaceId: namespace.id,
      data: {
        ...auditContext(caller),
        before: { secretId: before.id, name: before.name, hint: before.hint, expiresAt: before.expiresAt },
        after: null,
      },
    });
    return ok(before);
  });
}
