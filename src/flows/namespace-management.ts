/**
 * Namespaces and their admins through the management API. Each function takes the
 * caller, finds the target, asks domain/authorization.ts, then reads or writes through
 * the namespace's scope in one transaction, auditing every change with its before and
 * after. An update carries a precondition (the HTTP layer's If-Match), checked against
 * the object as the transaction reads it, so two admins cannot overwrite each other.
 */
import { ErrorCodes } from '../contracts/errors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import {
  auditActor,
  auditContext,
  mayAddNamespaceAdmin,
  mayDeleteNamespace,
  mayListNamespaceAdmins,
  mayListNamespaces,
  mayReadNamespace,
  mayRemoveNamespaceAdmin,
  mayUpdateNamespace,
  visibleNamespaces,
  type Caller,
  type Decision,
  type NamespaceTarget,
} from '../domain/authorization.js';
import type { Namespace } from '../domain/directory.js';
import { asUserId } from '../domain/ids.js';
import { matches, pageOf, type Page } from '../domain/pagination.js';
import type { NamespaceAdmin } from '../domain/repositories.js';
import type { AdministrationDeps } from './administration.js';

/**
 * Whether the object as it is now is the version the caller last read (If-Match);
 * `undefined` means no condition, `'missing'` that an update came without one (refused
 * once the caller is known to be allowed, so a refusal never tells more than 403).
 */
export type Precondition<T> = ((current: T) => boolean) | 'missing' | undefined;

/** Whether `precondition` holds for `current`. */
export const holds = <T>(precondition: Precondition<T>, current: T) => typeof precondition !== 'function' || precondition(current);

export const refused = (decision: Extract<Decision, { allow: false }>) =>
  fail(decision.reason === 'fresh_sign_in_required' ? ErrorCodes.freshSignInRequired : ErrorCodes.accessForbidden, decision.message);

const PRECONDITION_FAILED = 'the object changed since you read it (If-Match does not match its ETag); read it again and retry';
export const preconditionFailed = () => fail(ErrorCodes.preconditionFailed, PRECONDITION_FAILED);
export const preconditionRequired = () =>
  fail(ErrorCodes.preconditionRequired, 'send the ETag of the version you read in If-Match (GET the object first)');

/** Finds a namespace by name and asks `decide` whether the caller may act on it. */
export async function authorizedNamespace(
  deps: AdministrationDeps,
  caller: Caller,
  name: string,
  decide: (caller: Caller, namespace: NamespaceTarget) => Decision,
): Promise<Result<Namespace>> {
  const namespace = await deps.namespaces.findByName(name);
  // A caller who administers nothing learns nothing about which names exist.
  if (!namespace) {
    const decision = decide(caller, { id: '' as Namespace['id'], name });
    return decision.allow ? fail(ErrorCodes.namespaceNotFound, `no namespace named ${name}`, 'namespace') : refused(decision);
  }
  const decision = decide(caller, namespace);
  return decision.allow ? ok(namespace) : refused(decision);
}

export async function listNamespaces(
  deps: AdministrationDeps,
  caller: Caller,
  options: { cursor?: string | undefined; limit?: number | undefined; q?: string | undefined },
): Promise<Result<Page<Namespace>>> {
  const decision = mayListNamespaces(caller);
  if (!decision.allow) return refused(decision);
  const visible = visibleNamespaces(caller);
  const all = await deps.namespaces.list();
  const mine = (visible === 'all' ? all : all.filter((n) => visible.has(n.id))).filter((n) => matches(options.q, n.name, n.displayName));
  return ok(pageOf(mine, (n) => n.name, options));
}

export const showNamespace = (deps: AdministrationDeps, caller: Caller, name: string) => authorizedNamespace(deps, caller, name, mayReadNamespace);

export async function updateNamespace(
  deps: AdministrationDeps,
  caller: Caller,
  input: {
    namespace: string;
    changes: { displayName?: string | undefined; description?: string | undefined };
    precondition: Precondition<Namespace>;
  },
): Promise<Result<Namespace>> {
  const found = await authorizedNamespace(deps, caller, input.namespace, mayUpdateNamespace);
  if (!found.ok) return found;
  if (input.precondition === 'missing') return preconditionRequired();
  const changes: { displayName?: string; description?: string } = {};
  if (input.changes.displayName !== undefined) {
    const displayName = input.changes.displayName.trim();
    if (!displayName || displayName.length > 100)
      return fail(ErrorCodes.inputInvalid, 'displayName is required (at most 100 characters)', 'displayName');
    changes.displayName = displayName;
  }
  if (input.changes.description !== undefined) {
    if (input.changes.description.length > 1000) return fail(ErrorCodes.inputInvalid, 'description is at most 1000 characters', 'description');
    changes.description = input.changes.description;
  }
  if (Object.keys(changes).length === 0) return fail(ErrorCodes.inputInvalid, 'nothing to change: give displayName or description');
  return deps.transaction(async (tx) => {
    const before = await tx.namespaces.findById(found.value.id);
    if (!before) return fail(ErrorCodes.namespaceNotFound, `no namespace named ${input.namespace}`, 'namespace');
    if (!holds(input.precondition, before)) return preconditionFailed();
    const after = (await tx.namespaces.update(before.id, changes))!;
    await tx.audit.append({
      actor: auditActor(caller),
      action: 'namespace.updated',
      targetType: 'namespace',
      targetId: before.id,
      namespaceId: before.id,
      data: {
        ...auditContext(caller),
        before: { displayName: before.displayName, description: before.description },
        after: { displayName: after.displayName, description: after.description },
      },
    });
    return ok(after);
  });
}

/** Deletes a namespace that owns nothing (no application, no group); its admins go with it. */
export async function deleteNamespace(
  deps: AdministrationDeps,
  caller: Caller,
  input: { namespace: string; precondition: Precondition<Namespace> },
): Promise<Result<Namespace>> {
  const found = await authorizedNamespace(deps, caller, input.namespace, mayDeleteNamespace);
  if (!found.ok) return found;
  return deps.transaction(async (tx) => {
    const before = await tx.namespaces.findById(found.value.id);
    if (!before) return fail(ErrorCodes.namespaceNotFound, `no namespace named ${input.namespace}`, 'namespace');
    if (!holds(input.precondition, before)) return preconditionFailed();
    const scope = tx.forNamespace(before.id);
    const [applications, groups] = await Promise.all([scope.applications.list(), scope.groups.list()]);
    if (applications.length || groups.length) {
      return fail(
        ErrorCodes.namespaceNotEmpty,
        `namespace ${before.name} still has ${applications.length} application(s) and ${groups.length} group(s); delete them first`,
      );
    }
    const admins = await scope.admins.list();
    await tx.namespaces.remove(before.id);
    await tx.audit.append({
      actor: auditActor(caller),
      action: 'namespace.deleted',
      targetType: 'namespace',
      targetId: before.id,
      namespaceId: before.id,
      data: {
        ...auditContext(caller),
        before: { name: before.name, displayName: before.displayName, description: before.description, admins: admins.map((a) => a.userId) },
        after: null,
      },
    });
    return ok(before);
  });
}

export async function listNamespaceAdmins(deps: AdministrationDeps, caller: Caller, name: string): Promise<Result<NamespaceAdmin[]>> {
  const found = await authorizedNamespace(deps, caller, name, mayListNamespaceAdmins);
  if (!found.ok) return found;
  return ok(await deps.forNamespace(found.value.id).admins.list());
}

/** Makes the account with this e-mail an admin of the namespace (it must exist); answers the admins now. */
export async function addNamespaceAdmin(
  deps: AdministrationDeps,
  caller: Caller,
  input: { namespace: string; email: string },
): Promise<Result<{ admins: NamespaceAdmin[]; added: boolean }>> {
  const found = await authorizedNamespace(deps, caller, input.namespace, mayAddNamespaceAdmin);
  if (!found.ok) return found;
  const user = await deps.users.findByLogin(input.email.trim());
  if (!user) return fail(ErrorCodes.userNotFound, `no account with the e-mail ${input.email}`, 'email');
  return deps.transaction(async (tx) => {
    const admins = tx.forNamespace(found.value.id).admins;
    const before = await admins.list();
    const added = await admins.add(user.id);
    const after = await admins.list();
    if (added) {
      await tx.audit.append({
        actor: auditActor(caller),
        action: 'namespace.admin_added',
        targetType: 'namespace',
        targetId: found.value.id,
        namespaceId: found.value.id,
        data: { ...auditContext(caller), userId: user.id, email: user.email, before: before.map((a) => a.userId), after: after.map((a) => a.userId) },
      });
    }
    return ok({ admins: after, added });
  });
}

/** Removes an admin, unless it is the last one; answers the admins now. */
export async function removeNamespaceAdmin(
  deps: AdministrationDeps,
  caller: Caller,
  input: { namespace: string; userId: string },
): Promise<Result<NamespaceAdmin[]>> {
  const found = await authorizedNamespace(deps, caller, input.namespace, mayRemoveNamespaceAdmin);
  if (!found.ok) return found;
  return deps.transaction(async (tx) => {
    const admins = tx.forNamespace(found.value.id).admins;
    const before = await admins.list();
    const removed = await admins.remove(asUserId(input.userId));
    if (removed === 'not_admin') return fail(ErrorCodes.namespaceAdminNotFound, `${input.userId} is not an admin of ${input.namespace}`, 'userId');
    if (removed === 'last_admin') {
      return fail(ErrorCodes.namespaceLastAdmin, `${input.userId} is the last admin of ${input.namespace}; add another admin first`, 'userId');
    }
    const after = await admins.list();
    await tx.audit.append({
      actor: auditActor(caller),
      action: 'namespace.admin_removed',
      targetType: 'namespace',
      targetId: found.value.id,
      namespaceId: found.value.id,
      data: { ...auditContext(caller), userId: input.userId, before: before.map((a) => a.userId), after: after.map((a) => a.userId) },
    });
    return ok(after);
  });
}
