import { describe, expect, it } from 'vitest';
import * as rules from './authorization-groups.js';
import type { Caller } from './authorization.js';
import type { NamespaceId, UserId } from './ids.js';

const alpha = { id: 'ns_alpha' as NamespaceId, name: 'alpha' };
const beta = { id: 'ns_beta' as NamespaceId, name: 'beta' };
const caller = (platformAdmin: boolean, adminOf: NamespaceId[]): Caller => ({
  userId: 'usr_1' as UserId,
  email: 'a@b.sg',
  platformAdmin,
  adminOf: new Set(adminOf),
  via: 'access_token',
});

describe('authorization of groups, members, assignments and certificates', () => {
  const all = Object.entries(rules);

  it('has one rule per action, each allowing the namespace’s admins and platform admins only', () => {
    expect(all.map(([name]) => name).sort()).toEqual(
      [
        'mayAddCertificate',
        'mayAddGroupMember',
        'mayAssign',
        'mayCreateGroup',
        'mayDeleteGroup',
        'mayListAssignments',
        'mayListCertificates',
        'mayListGroupMembers',
        'mayListGroups',
        'mayReadGroup',
        'mayRemoveCertificate',
        'mayRemoveGroupMember',
        'mayUnassign',
        'mayUpdateGroup',
      ].sort(),
    );
    for (const [name, decide] of all) {
      expect(decide(caller(false, [alpha.id]), alpha), name).toEqual({ allow: true });
      expect(decide(caller(true, []), beta), name).toEqual({ allow: true });
      expect(decide(caller(false, [alpha.id]), beta), name).toMatchObject({ allow: false, reason: 'not_this_namespace' });
      expect(decide(caller(false, []), alpha), name).toMatchObject({ allow: false, reason: 'not_an_admin' });
    }
  });
});
