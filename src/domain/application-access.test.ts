/** The access rules of an application's switches, and the groups claim. */
import { describe, expect, it } from 'vitest';
import { canSignIn, groupsClaim, needsAssignment, type AccessFacts } from './application-access.js';
import { asGroupId } from './ids.js';

const readers = { id: asGroupId('grp_readers'), name: 'readers' };
const writers = { id: asGroupId('grp_writers'), name: 'writers' };
const nobody: AccessFacts = { userAssigned: false, directGroups: [], assignedGroupIds: [] };
const open = { signInEnabled: true, assignmentRequired: false };
const restricted = { signInEnabled: true, assignmentRequired: true };

describe('canSignIn', () => {
  it('lets everyone in when sign-in is enabled and assignment is not required', () => {
    expect(canSignIn(open, null)).toEqual({ ok: true });
    expect(needsAssignment(open)).toBe(false);
  });

  it('refuses everyone, even assigned users, when sign-in is disabled', () => {
    expect(canSignIn({ signInEnabled: false, assignmentRequired: true }, { ...nobody, userAssigned: true })).toEqual({
      ok: false,
      reason: 'sign_in_disabled',
    });
    expect(canSignIn({ signInEnabled: false, assignmentRequired: false }, null)).toEqual({ ok: false, reason: 'sign_in_disabled' });
  });

  it('lets a directly assigned user in when assignment is required', () => {
    expect(needsAssignment(restricted)).toBe(true);
    expect(canSignIn(restricted, { ...nobody, userAssigned: true })).toEqual({ ok: true });
  });

  it('lets a direct member of an assigned group in', () => {
    expect(canSignIn(restricted, { userAssigned: false, directGroups: [readers], assignedGroupIds: [readers.id] })).toEqual({ ok: true });
  });

  it('refuses a user who is neither assigned nor a direct member of an assigned group', () => {
    expect(canSignIn(restricted, { userAssigned: false, directGroups: [writers], assignedGroupIds: [readers.id] })).toEqual({
      ok: false,
      reason: 'not_assigned',
    });
    expect(canSignIn(restricted, null)).toEqual({ ok: false, reason: 'not_assigned' });
  });

  it('does not count membership through a nested group (only direct groups are facts)', () => {
    // writers is nested inside readers, readers is assigned; the user is only in writers.
    expect(canSignIn(restricted, { userAssigned: false, directGroups: [writers], assignedGroupIds: [readers.id] })).toEqual({
      ok: false,
      reason: 'not_assigned',
    });
  });
});

describe('groupsClaim', () => {
  it('lists only the direct groups assigned to the application, qualified with the namespace and sorted', () => {
    const facts: AccessFacts = {
      userAssigned: true,
      directGroups: [writers, readers],
      assignedGroupIds: [writers.id, readers.id, asGroupId('grp_other')],
    };
    expect(groupsClaim('docs', facts)).toEqual(['docs:readers', 'docs:writers']);
    expect(groupsClaim('docs', { ...facts, assignedGroupIds: [readers.id] })).toEqual(['docs:readers']);
    expect(groupsClaim('docs', { ...facts, assignedGroupIds: [] })).toEqual([]);
  });
});
