/**
 * Managing a namespace's groups: creating them (at most 50 per namespace) and
 * adding members, people or other groups. Nesting never closes a cycle. Each
 * operation validates first, then writes and audits in one transaction.
 */
import { ErrorCodes } from '../contracts/errors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import { MAX_GROUPS_PER_NAMESPACE, parseGroupName, qualifiedGroupName, wouldCreateCycle, type Group } from '../domain/groups.js';
import type { Namespace } from '../domain/directory.js';
import type { GroupId, UserId } from '../domain/ids.js';
import type { AdministrationDeps } from './administration.js';

async function findNamespace(deps: AdministrationDeps, name: string): Promise<Result<Namespace>> {
  const namespace = await deps.namespaces.findByName(name);
  return namespace ? ok(namespace) : fail(ErrorCodes.namespaceNotFound, `no namespace named ${name}`, 'namespace');
}

async function findGroup(deps: AdministrationDeps, namespace: Namespace, input: string, field: string): Promise<Result<Group>> {
  const name = parseGroupName(namespace.name, input);
  if (!name.ok) return fail(ErrorCodes.inputInvalid, `${field} ${name.problem}`, field);
  const group = await deps.forNamespace(namespace.id).groups.findByName(name.name);
  return group
    ? ok(group)
    : fail(ErrorCodes.groupNotFound, `namespace ${namespace.name} has no group ${qualifiedGroupName(namespace.name, name.name)}`, field);
}

export async function createGroup(
  deps: AdministrationDeps,
  actor: string,
  input: { namespace: string; name: string; description?: string },
): Promise<Result<{ group: Group; qualifiedName: string }>> {
  const found = await findNamespace(deps, input.namespace);
  if (!found.ok) return found;
  const namespace = found.value;
  const name = parseGroupName(namespace.name, input.name);
  if (!name.ok) return fail(ErrorCodes.inputInvalid, `name ${name.problem}`, 'name');
  const description = (input.description ?? '').trim();
  if (description.length > 500) return fail(ErrorCodes.inputInvalid, 'description must be at most 500 characters', 'description');
  const qualifiedName = qualifiedGroupName(namespace.name, name.name);
  return deps.transaction(async (tx) => {
    const created = await tx.forNamespace(namespace.id).groups.create({ name: name.name, description }, MAX_GROUPS_PER_NAMESPACE);
    if (!created.ok) {
      return created.conflict === 'limit'
        ? fail(
            ErrorCodes.groupLimitReached,
            `namespace ${namespace.name} already has ${MAX_GROUPS_PER_NAMESPACE} groups, the most it may hold`,
            'name',
          )
        : fail(ErrorCodes.groupExists, `namespace ${namespace.name} already has a group ${qualifiedName}`, 'name');
    }
    await tx.audit.append({
      actor,
      action: 'group.created',
      targetType: 'group',
      targetId: created.value.id,
      namespaceId: namespace.id,
      data: { name: qualifiedName },
    });
    return ok({ group: created.value, qualifiedName });
  });
}

export type GroupMember = { user: string } | { memberGroup: string };
export type AddedMember = { type: 'user'; id: UserId; name: string } | { type: 'group'; id: GroupId; name: string };

export async function addGroupMember(
  deps: AdministrationDeps,
  actor: string,
  input: { namespace: string; group: string; member: GroupMember },
): Promise<Result<{ group: Group; qualifiedName: string; member: AddedMember; added: boolean }>> {
  const found = await findNamespace(deps, input.namespace);
  if (!found.ok) return found;
  const namespace = found.value;
  const group = await findGroup(deps, namespace, input.group, 'group');
  if (!group.ok) return group;
  let member: AddedMember;
  if ('user' in input.member) {
    const user = await deps.users.findByLogin(input.member.user);
    if (!user) return fail(ErrorCodes.userNotFound, `no account with TechPass ID ${input.member.user}`, 'user');
    member = { type: 'user', id: user.id, name: user.username ?? user.email };
  } else {
    const inner = await findGroup(deps, namespace, input.member.memberGroup, 'memberGroup');
    if (!inner.ok) return inner;
    member = { type: 'group', id: inner.value.id, name: qualifiedGroupName(namespace.name, inner.value.name) };
  }
  const qualifiedName = qualifiedGroupName(namespace.name, group.value.name);
  return deps.transaction(async (tx) => {
    const groups = tx.forNamespace(namespace.id).groups;
    if (member.type === 'group' && wouldCreateCycle(await groups.nestings(), group.value.id, member.id)) {
      return fail(
        ErrorCodes.groupCycle,
        `${member.name} cannot join ${qualifiedName}: ${qualifiedName} is already inside it (or is the same group)`,
        'memberGroup',
      );
    }
    const linked = member.type === 'user' ? await groups.addUser(group.value.id, member.id) : await groups.addGroup(group.value.id, member.id);
    if (!linked.ok) return fail(ErrorCodes.inputInvalid, `the ${linked.missing} is no longer there`, linked.missing);
    if (linked.added) {
      await tx.audit.append({
        actor,
        action: 'group.member_added',
        targetType: 'group',
        targetId: group.value.id,
        namespaceId: namespace.id,
        data: { group: qualifiedName, memberType: member.type, memberId: member.id, member: member.name },
      });
    }
    return ok({ group: group.value, qualifiedName, member, added: linked.added });
  });
}
