/**
 * A namespace's groups and their direct members through the management API: list
 * (filter by name), show, create, rename or describe, delete; list, add and remove
 * members (people, or groups nested inside). Like namespace-management.ts: authorize
 * (domain/authorization-groups.ts), then one transaction through the namespace's scope,
 * audited with before and after.
 *
 * Deleting a group removes its memberships (its members, and its place inside other
 * groups) and its assignments to applications: the audit event lists them all. Group
 * membership and assignments are read live at every sign-in and refresh (no cache),
 * so every node sees a change at once.
 */
import { ErrorCodes } from '../contracts/errors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import { auditActor, auditContext, type Caller, type Decision, type NamespaceTarget } from '../domain/authorization.js';
import {
  mayAddGroupMember,
  mayCreateGroup,
  mayDeleteGroup,
  mayListGroupMembers,
  mayListGroups,
  mayReadGroup,
  mayRemoveGroupMember,
  mayUpdateGroup,
} from '../domain/authorization-groups.js';
import type { Namespace } from '../domain/directory.js';
import {
  MAX_GROUPS_PER_NAMESPACE,
  parseGroupName,
  qualifiedGroupName,
  wouldCreateCycle,
  type DirectoryMember,
  type Group,
} from '../domain/groups.js';
import { asGroupId, asUserId } from '../domain/ids.js';
import { pageOf, type Page } from '../domain/pagination.js';
import type { NamespaceScope } from '../domain/repositories.js';
import type { User } from '../domain/users.js';
import type { AdministrationDeps } from './administration.js';
import { authorizedNamespace, holds, preconditionFailed, preconditionRequired, type Precondition } from './namespace-management.js';

export const MAX_GROUP_DESCRIPTION = 500;

/** A person named by e-mail (or local username) or by user id; or a group of the namespace by name. */
export type MemberRef = { email: string } | { userId: string } | { group: string };

/** The one member a request names: exactly one of `email`, `userId` or `group`. */
export function memberRefOf(input: { email?: string | undefined; userId?: string | undefined; group?: string | undefined }): Result<MemberRef> {
  const given = (['email', 'userId', 'group'] as const).filter((k) => input[k] !== undefined);
  if (given.length !== 1) {
    return fail(ErrorCodes.inputInvalid, 'give exactly one of email, userId (a person) or group (a group of this namespace)', given[1] ?? 'email');
  }
  if (input.email !== undefined) return ok({ email: input.email });
  if (input.userId !== undefined) return ok({ userId: input.userId });
  return ok({ group: input.group! });
}

const groupNotFound = (namespace: Namespace, name: string, field: string) =>
  fail(ErrorCodes.groupNotFound, `namespace ${namespace.name} has no group ${qualifiedGroupName(namespace.name, name)}`, field);

/** Finds a group of the namespace by its name (`readers` or `ns:readers`), or by its id. */
export async function findGroup(scope: NamespaceScope, namespace: Namespace, input: string, field: string): Promise<Result<Group>> {
  const byId = input.startsWith('grp_') ? await scope.groups.get(asGroupId(input)) : null;
  if (byId) return ok(byId);
  const name = parseGroupName(namespace.name, input);
  if (!name.ok) return fail(ErrorCodes.inputInvalid, `${field} ${name.problem}`, field);
  const group = await scope.groups.findByName(name.name);
  return group ? ok(group) : groupNotFound(namespace, name.name, field);
}

/** Finds the person a request names: `email` (or local username) or `userId`. */
export async function findPerson(deps: AdministrationDeps, ref: { email: string } | { userId: string }): Promise<Result<User>> {
  if ('email' in ref) {
    const user = await deps.users.findByLogin(ref.email.trim());
    return user ? ok(user) : fail(ErrorCodes.userNotFound, `no account with the e-mail ${ref.email}`, 'email');
  }
  const user = await deps.users.findById(asUserId(ref.userId));
  return user ? ok(user) : fail(ErrorCodes.userNotFound, `no account with the id ${ref.userId}`, 'userId');
}

/** A member as the audit records it. */
export const memberRecord = (namespace: Namespace, m: DirectoryMember) =>
  m.type === 'user' ? { type: 'user', id: m.id, email: m.email } : { type: 'group', id: m.id, name: qualifiedGroupName(namespace.name, m.name) };

async function authorizedGroup(
  deps: AdministrationDeps,
  caller: Caller,
  input: { namespace: string; group: string },
  decide: (caller: Caller, namespace: NamespaceTarget) => Decision,
): Promise<Result<{ namespace: Namespace; group: Group }>> {
  const namespace = await authorizedNamespace(deps, caller, input.namespace, decide);
  if (!namespace.ok) return namespace;
  const group = await findGroup(deps.forNamespace(namespace.value.id), namespace.value, input.group, 'group');
  return group.ok ? ok({ namespace: namespace.value, group: group.value }) : group;
}

function checkDescription(description: string | undefined): Result<string | undefined> {
  if (description === undefined) return ok(undefined);
  const trimmed = description.trim();
  if (trimmed.length > MAX_GROUP_DESCRIPTION) {
    return fail(ErrorCodes.inputInvalid, `description must be at most ${MAX_GROUP_DESCRIPTION} characters`, 'description');
  }
  return ok(trimmed);
}

const auditGroup = (namespace: Namespace, g: Group) => ({ name: qualifiedGroupName(namespace.name, g.name), description: g.description });

export async function listGroups(
  deps: AdministrationDeps,
  caller: Caller,
  input: { namespace: string; q?: string | undefined; cursor?: string | undefined; limit?: number | undefined },
): Promise<Result<{ namespace: Namespace; page: Page<Group> }>> {
  const namespace = await authorizedNamespace(deps, caller, input.namespace, mayListGroups);
  if (!namespace.ok) return namespace;
  const q = input.q?.trim().toLowerCase();
  const all = await deps.forNamespace(namespace.value.id).groups.list();
  const matching = q ? all.filter((g) => g.name.includes(q) || g.description.toLowerCase().includes(q)) : all;
  return ok({ namespace: namespace.value, page: pageOf(matching, (g) => g.name, input) });
}

export const showGroup = (deps: AdministrationDeps, caller: Caller, input: { namespace: string; group: string }) =>
  authorizedGroup(deps, caller, input, mayReadGroup);

export async function createGroupAs(
  deps: AdministrationDeps,
  caller: Caller,
  input: { namespace: string; name: string; description?: string | undefined },
): Promise<Result<{ namespace: Namespace; group: Group }>> {
  const found = await authorizedNamespace(deps, caller, input.namespace, mayCreateGroup);
  if (!found.ok) return found;
  const namespace = found.value;
  const name = parseGroupName(namespace.name, input.name);
  if (!name.ok) return fail(ErrorCodes.inputInvalid, `name ${name.problem}`, 'name');
  const description = checkDescription(input.description ?? '');
  if (!description.ok) return description;
  return deps.transaction(async (tx) => {
    const created = await tx
      .forNamespace(namespace.id)
      .groups.create({ name: name.name, description: description.value ?? '' }, MAX_GROUPS_PER_NAMESPACE);
    if (!created.ok) {
      return created.conflict === 'limit'
        ? fail(
            ErrorCodes.groupLimitReached,
            `namespace ${namespace.name} already has ${MAX_GROUPS_PER_NAMESPACE} groups, the most it may hold`,
            'name',
          )
        : fail(ErrorCodes.groupExists, `namespace ${namespace.name} already has a group ${qualifiedGroupName(namespace.name, name.name)}`, 'name');
    }
    await tx.audit.append({
      actor: auditActor(caller),
      action: 'group.created',
      targetType: 'group',
      targetId: created.value.id,
      namespaceId: namespace.id,
      data: {
        ...auditContext(caller),
        name: qualifiedGroupName(namespace.name, name.name),
        before: null,
        after: auditGroup(namespace, created.value),
      },
    });
    return ok({ namespace, group: created.value });
  });
}

/** Renames and/or describes a group (If-Match required). Members and assignments follow it: they hold its id. */
export async function updateGroup(
  deps: AdministrationDeps,
  caller: Caller,
  input: {
    namespace: string;
    group: string;
    changes: { name?: string | undefined; description?: string | undefined };
    precondition: Precondition<Group>;
  },
): Promise<Result<{ namespace: Namespace; group: Group }>> {
  const found = await authorizedGroup(deps, caller, input, mayUpdateGroup);
  if (!found.ok) return found;
  if (input.precondition === 'missing') return preconditionRequired();
  const { namespace, group } = found.value;
  const changes: { name?: string; description?: string } = {};
  if (input.changes.name !== undefined) {
    const name = parseGroupName(namespace.name, input.changes.name);
    if (!name.ok) return fail(ErrorCodes.inputInvalid, `name ${name.problem}`, 'name');
    changes.name = name.name;
  }
  const description = checkDescription(input.changes.description);
  if (!description.ok) return description;
  if (description.value !== undefined) changes.description = description.value;
  if (Object.keys(changes).length === 0) return fail(ErrorCodes.inputInvalid, 'nothing to change: give name or description');
  return deps.transaction(async (tx) => {
    const groups = tx.forNamespace(namespace.id).groups;
    const before = await groups.get(group.id);
    if (!before) return groupNotFound(namespace, group.name, 'group');
    if (!holds(input.precondition, before)) return preconditionFailed();
    if (changes.name !== undefined && changes.name !== before.name && (await groups.findByName(changes.name))) {
      return fail(
        ErrorCodes.groupExists,
        `namespace ${namespace.name} already has a group ${qualifiedGroupName(namespace.name, changes.name)}`,
        'name',
      );
    }
    const updated = await groups.update(before.id, changes);
    if (!updated) return groupNotFound(namespace, group.name, 'group');
    if (!updated.ok) {
      return fail(
        ErrorCodes.groupExists,
        `namespace ${namespace.name} already has a group ${qualifiedGroupName(namespace.name, changes.name!)}`,
        'name',
      );
    }
    await tx.audit.append({
      actor: auditActor(caller),
      action: 'group.updated',
      targetType: 'group',
      targetId: before.id,
      namespaceId: namespace.id,
      data: { ...auditContext(caller), before: auditGroup(namespace, before), after: auditGroup(namespace, updated.value) },
    });
    return ok({ namespace, group: updated.value });
  });
}

/** Deletes a group with its memberships (both ways) and its assignments; the audit lists what went. */
export async function deleteGroup(
  deps: AdministrationDeps,
  caller: Caller,
  input: { namespace: string; group: string; precondition: Precondition<Group> },
): Promise<Result<{ namespace: Namespace; group: Group }>> {
  const found = await authorizedGroup(deps, caller, input, mayDeleteGroup);
  if (!found.ok) return found;
  const { namespace, group } = found.value;
  return deps.transaction(async (tx) => {
    const scope = tx.forNamespace(namespace.id);
    const before = await scope.groups.get(group.id);
    if (!before) return groupNotFound(namespace, group.name, 'group');
    if (!holds(input.precondition, before)) return preconditionFailed();
    const [members, memberOf, assignedTo] = await Promise.all([
      scope.groups.members(before.id),
      scope.groups.parentsOf(before.id),
      scope.assignments.applicationsOfGroup(before.id),
    ]);
    await scope.groups.remove(before.id);
    await tx.audit.append({
      actor: auditActor(caller),
      action: 'group.deleted',
      targetType: 'group',
      targetId: before.id,
      namespaceId: namespace.id,
      data: {
        ...auditContext(caller),
        before: {
          ...auditGroup(namespace, before),
          members: members.map((m) => memberRecord(namespace, m)),
          memberOf: memberOf.map((g) => qualifiedGroupName(namespace.name, g.name)),
          assignedTo,
        },
        after: null,
      },
    });
    return ok({ namespace, group: before });
  });
}

export async function listGroupMembers(
  deps: AdministrationDeps,
  caller: Caller,
  input: { namespace: string; group: string },
): Promise<Result<{ namespace: Namespace; members: DirectoryMember[] }>> {
  const found = await authorizedGroup(deps, caller, input, mayListGroupMembers);
  if (!found.ok) return found;
  const { namespace, group } = found.value;
  return ok({ namespace, members: await deps.forNamespace(namespace.id).groups.members(group.id) });
}

/** Adds a person or a nested group (never closing a cycle); `added` is false when it was a member already. */
export async function addMember(
  deps: AdministrationDeps,
  caller: Caller,
  input: { namespace: string; group: string; member: MemberRef },
): Promise<Result<{ namespace: Namespace; member: DirectoryMember; added: boolean }>> {
  const found = await authorizedGroup(deps, caller, input, mayAddGroupMember);
  if (!found.ok) return found;
  const { namespace, group } = found.value;
  const scope = deps.forNamespace(namespace.id);
  const now = deps.clock.now();
  let member: DirectoryMember;
  if ('group' in input.member) {
    const inner = await findGroup(scope, namespace, input.member.group, 'group');
    if (!inner.ok) return inner;
    member = { type: 'group', id: inner.value.id, name: inner.value.name, since: now };
  } else {
    const user = await findPerson(deps, input.member);
    if (!user.ok) return user;
    const u = user.value;
    member = { type: 'user', id: u.id, email: u.email, givenName: u.givenName, familyName: u.familyName, since: now };
  }
  const groupName = qualifiedGroupName(namespace.name, group.name);
  return deps.transaction(async (tx) => {
    const groups = tx.forNamespace(namespace.id).groups;
    if (member.type === 'group' && wouldCreateCycle(await groups.nestings(), group.id, member.id)) {
      const inner = qualifiedGroupName(namespace.name, member.name);
      return fail(ErrorCodes.groupCycle, `${inner} cannot join ${groupName}: ${groupName} is already inside it (or is the same group)`, 'group');
    }
    const linked = member.type === 'user' ? await groups.addUser(group.id, member.id) : await groups.addGroup(group.id, member.id);
    if (!linked.ok)
      return fail(ErrorCodes.inputInvalid, `the ${linked.missing} is no longer there`, linked.missing === 'member' ? 'group' : linked.missing);
    const current = (await groups.members(group.id)).find((m) => m.type === member.type && m.id === member.id) ?? member;
    if (linked.added) {
      await tx.audit.append({
        actor: auditActor(caller),
        action: 'group.member_added',
        targetType: 'group',
        targetId: group.id,
        namespaceId: namespace.id,
        data: { ...auditContext(caller), group: groupName, before: null, after: memberRecord(namespace, current) },
      });
    }
    return ok({ namespace, member: current, added: linked.added });
  });
}

/** Removes a direct member: a person (`users`, by user id or e-mail) or a nested group (`groups`, by name or id). */
export async function removeMember(
  deps: AdministrationDeps,
  caller: Caller,
  input: { namespace: string; group: string; kind: 'users' | 'groups'; id: string },
): Promise<Result<{ namespace: Namespace; member: DirectoryMember }>> {
  const found = await authorizedGroup(deps, caller, input, mayRemoveGroupMember);
  if (!found.ok) return found;
  const { namespace, group } = found.value;
  const groupName = qualifiedGroupName(namespace.name, group.name);
  const notMember = () => fail(ErrorCodes.groupMemberNotFound, `${input.id} is not a direct member of ${groupName}`, 'id');
  return deps.transaction(async (tx) => {
    const groups = tx.forNamespace(namespace.id).groups;
    const members = await groups.members(group.id);
    const wanted = input.id.trim().toLowerCase();
    const member =
      input.kind === 'users'
        ? members.find((m) => m.type === 'user' && (m.id === input.id || m.email.toLowerCase() === wanted))
        : members.find(
            (m) => m.type === 'group' && (m.id === input.id || m.name === wanted || qualifiedGroupName(namespace.name, m.name) === wanted),
          );
    if (!member) return notMember();
    const removed = member.type === 'user' ? await groups.removeUser(group.id, member.id) : await groups.removeGroup(group.id, member.id);
    if (!removed) return notMember();
    await tx.audit.append({
      actor: auditActor(caller),
      action: 'group.member_removed',
      targetType: 'group',
      targetId: group.id,
      namespaceId: namespace.id,
      data: { ...auditContext(caller), group: groupName, before: memberRecord(namespace, member), after: null },
    });
    return ok({ namespace, member });
  });
}
