/**
 * Groups: a namespace's collections of users and of other groups. At most 50
 * per namespace. A group is stored under its short name and shown to
 * applications as `<namespace>:<group>`. Groups may contain groups, but never
 * themselves, directly or through others: nesting is a tree-like order, not a cycle.
 */
import type { GroupId, NamespaceId, UserId } from './ids.js';

export interface Group {
  id: GroupId;
  namespaceId: NamespaceId;
  /** The short name, unique in the namespace (the part after `<namespace>:`). */
  name: string;
  description: string;
  createdAt: number;
}

/** One group inside another: `memberGroupId` is a member of `groupId`. */
export interface GroupNesting {
  groupId: GroupId;
  memberGroupId: GroupId;
}

/** A direct member of a group, or an assignee of an application: a person or a group (by its short name). */
export type DirectoryMember =
  | { type: 'user'; id: UserId; email: string; givenName: string; familyName: string; since: number }
  | { type: 'group'; id: GroupId; name: string; since: number };

export const MAX_GROUPS_PER_NAMESPACE = 50;

const GROUP_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** The name applications see: `<namespace>:<group>`. */
export function qualifiedGroupName(namespaceName: string, groupName: string): string {
  return `${namespaceName}:${groupName}`;
}

/**
 * Reads a group name as typed by an admin: either the short name (`readers`) or the
 * qualified one of this namespace (`docs:readers`). Answers the short name or a problem.
 */
export function parseGroupName(namespaceName: string, input: string): { ok: true; name: string } | { ok: false; problem: string } {
  let name = input.trim().toLowerCase();
  const colon = name.indexOf(':');
  if (colon !== -1) {
    if (name.slice(0, colon) !== namespaceName) {
      return { ok: false, problem: `must belong to namespace ${namespaceName} (${namespaceName}:<group>, or just <group>)` };
    }
    name = name.slice(colon + 1);
  }
  if (!GROUP_NAME.test(name)) {
    return { ok: false, problem: 'must be 1–63 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit' };
  }
  return { ok: true, name };
}

/**
 * Whether making `member` a member of `group` would close a cycle: true when they are
 * the same group, or when `group` is already inside `member` (directly or nested).
 */
export function wouldCreateCycle(nestings: readonly GroupNesting[], group: GroupId, member: GroupId): boolean {
  if (group === member) return true;
  const members = new Map<GroupId, GroupId[]>();
  for (const { groupId, memberGroupId } of nestings) {
    members.set(groupId, [...(members.get(groupId) ?? []), memberGroupId]);
  }
  const seen = new Set<GroupId>();
  const pending: GroupId[] = [member];
  while (pending.length > 0) {
    const current = pending.pop()!;
    if (current === group) return true;
    if (seen.has(current)) continue;
    seen.add(current);
    pending.push(...(members.get(current) ?? []));
  }
  return false;
}
