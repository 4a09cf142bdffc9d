/**
 * Who is assigned to an application (what "user assignment required" checks), through
 * the management API: list, assign a person or a group, unassign. Authorized by
 * domain/authorization-groups.ts, written in one transaction through the namespace's
 * scope, audited with before and after. Assignments are read live at every sign-in
 * and refresh (no cache): a removal holds on every node at once.
 */
import { ErrorCodes } from '../contracts/errors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import { auditActor, auditContext, type Caller, type Decision, type NamespaceTarget } from '../domain/authorization.js';
import { mayAssign, mayListAssignments, mayUnassign } from '../domain/authorization-groups.js';
import type { Application, Namespace } from '../domain/directory.js';
import { qualifiedGroupName, type DirectoryMember } from '../domain/groups.js';
import { asApplicationId } from '../domain/ids.js';
import type { AdministrationDeps } from './administration.js';
import { findGroup, findPerson, memberRecord, type MemberRef } from './group-management.js';
import { authorizedNamespace } from './namespace-management.js';

/** Finds an application of a namespace the caller may act on (`decide`). */
export async function authorizedApplicationOf(
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

export async function listAssignments(
  deps: AdministrationDeps,
  caller: Caller,
  input: { namespace: string; clientId: string },
): Promise<Result<{ namespace: Namespace; assignees: DirectoryMember[] }>> {
  const found = await authorizedApplicationOf(deps, caller, input, mayListAssignments);
  if (!found.ok) return found;
  const { namespace, application } = found.value;
  return ok({ namespace, assignees: await deps.forNamespace(namespace.id).assignments.list(application.id) });
}

/** Assigns a person or a group of the namespace; `added` is false when it was assigned already. */
export async function assign(
  deps: AdministrationDeps,
  caller: Caller,
  input: { namespace: string; clientId: string; assignee: MemberRef },
): Promise<Result<{ namespace: Namespace; assignee: DirectoryMember; added: boolean }>> {
  const found = await authorizedApplicationOf(deps, caller, input, mayAssign);
  if (!found.ok) return found;
  const { namespace, application } = found.value;
  const now = deps.clock.now();
  let assignee: DirectoryMember;
  if ('group' in input.assignee) {
    const group = await findGroup(deps.forNamespace(namespace.id), namespace, input.assignee.group, 'group');
    if (!group.ok) return group;
    assignee = { type: 'group', id: group.value.id, name: group.value.name, since: now };
  } else {
    const user = await findPerson(deps, input.assignee);
    if (!user.ok) return user;
    const u = user.value;
    assignee = { type: 'user', id: u.id, email: u.email, givenName: u.givenName, familyName: u.familyName, since: now };
  }
  return deps.transaction(async (tx) => {
    const assignments = tx.forNamespace(namespace.id).assignments;
    const linked =
      assignee.type === 'user'
        ? await assignments.assignUser(application.id, assignee.id)
        : await assignments.assignGroup(application.id, assignee.id);
    if (!linked.ok)
      return fail(ErrorCodes.inputInvalid, `the ${linked.missing} is no longer there`, linked.missing === 'user' ? 'userId' : linked.missing);
    const current = (await assignments.list(application.id)).find((a) => a.type === assignee.type && a.id === assignee.id) ?? assignee;
    if (linked.added) {
      await tx.audit.append({
        actor: auditActor(caller),
        action: 'application.assigned',
        targetType: 'application',
        targetId: application.id,
        namespaceId: namespace.id,
        data: { ...auditContext(caller), before: null, after: memberRecord(namespace, current) },
      });
    }
    return ok({ namespace, assignee: current, added: linked.added });
  });
}

/** Removes an assignment: a person's (`users`, by user id or e-mail) or a group's (`groups`, by name or id). */
export async function unassign(
  deps: AdministrationDeps,
  caller: Caller,
  input: { namespace: string; clientId: string; kind: 'users' | 'groups'; id: string },
): Promise<Result<{ namespace: Namespace; assignee: DirectoryMember }>> {
  const found = await authorizedApplicationOf(deps, caller, input, mayUnassign);
  if (!found.ok) return found;
  const { namespace, application } = found.value;
  const notAssigned = () => fail(ErrorCodes.assignmentNotFound, `${input.id} is not assigned to ${application.name}`, 'id');
  return deps.transaction(async (tx) => {
    const assignments = tx.forNamespace(namespace.id).assignments;
    const current = await assignments.list(application.id);
    const wanted = input.id.trim().toLowerCase();
    const assignee =
      input.kind === 'users'
        ? current.find((a) => a.type === 'user' && (a.id === input.id || a.email.toLowerCase() === wanted))
        : current.find(
            (a) => a.type === 'group' && (a.id === input.id || a.name === wanted || qualifiedGroupName(namespace.name, a.name) === wanted),
          );
    if (!assignee) return notAssigned();
    const removed =
      assignee.type === 'user'
        ? await assignments.unassignUser(application.id, assignee.id)
        : await assignments.unassignGroup(application.id, assignee.id);
    if (!removed) return notAssigned();
    await tx.audit.append({
      actor: auditActor(caller),
      action: 'application.unassigned',
      targetType: 'application',
      targetId: application.id,
      namespaceId: namespace.id,
      data: { ...auditContext(caller), before: memberRecord(namespace, assignee), after: null },
    });
    return ok({ namespace, assignee });
  });
}
