/**
 * Who may sign in to an application, and which of their groups it is told about.
 *
 * - *Enable sign-in* off: nobody signs in.
 * - *User assignment required* on: only users assigned directly, or direct members
 *   of a group assigned to the application. Membership through a nested group does
 *   not count (the product rule: a member of a group inside an assigned group is
 *   not assigned).
 * - The `groups` claim lists the user's direct groups that are assigned to the
 *   application, as `<namespace>:<group>`; other groups stay private to the namespace.
 */
import type { Application } from './directory.js';
import { qualifiedGroupName, type Group } from './groups.js';
import type { GroupId } from './ids.js';

/** What the directory knows about one user and one application: all the rules need. */
export interface AccessFacts {
  /** The user is assigned to the application directly. */
  userAssigned: boolean;
  /** Groups the user is a *direct* member of, in the application's namespace. */
  directGroups: ReadonlyArray<Pick<Group, 'id' | 'name'>>;
  /** Groups assigned to the application. */
  assignedGroupIds: readonly GroupId[];
}

export type AccessRefusal = 'sign_in_disabled' | 'not_assigned';
export type AccessDecision = { ok: true } | { ok: false; reason: AccessRefusal };

/** Whether assignments matter at all for this application (if not, facts need not be read). */
export function needsAssignment(app: Pick<Application, 'signInEnabled' | 'assignmentRequired'>): boolean {
  return app.signInEnabled && app.assignmentRequired;
}

export function canSignIn(app: Pick<Application, 'signInEnabled' | 'assignmentRequired'>, facts: AccessFacts | null): AccessDecision {
  if (!app.signInEnabled) return { ok: false, reason: 'sign_in_disabled' };
  if (!app.assignmentRequired) return { ok: true };
  if (facts === null) return { ok: false, reason: 'not_assigned' };
  if (facts.userAssigned) return { ok: true };
  const assigned = new Set(facts.assignedGroupIds);
  return facts.directGroups.some((g) => assigned.has(g.id)) ? { ok: true } : { ok: false, reason: 'not_assigned' };
}

/** The `groups` claim: the user's direct groups assigned to the application, sorted. */
export function groupsClaim(namespaceName: string, facts: AccessFacts): string[] {
  const assigned = new Set(facts.assignedGroupIds);
  return facts.directGroups
    .filter((g) => assigned.has(g.id))
    .map((g) => qualifiedGroupName(namespaceName, g.name))
    .sort();
}
