import { describe, expect, it } from 'vitest';
import {
  mayDeleteNamespace,
  mayListNamespaces,
  mayReadApplication,
  mayReadSelf,
  mayUpdateApplication,
  roleOf,
  visibleNamespaces,
  type Caller,
} from './authorization.js';
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
const user = caller(false, []);
const alphaAdmin = caller(false, [alpha.id]);
const platform = caller(true, []);

describe('authorization', () => {
  it('derives the role', () => {
    expect([roleOf(user), roleOf(alphaAdmin), roleOf(platform)]).toEqual(['user', 'tenant_admin', 'platform_admin']);
  });

  it('lets a tenant admin act on their namespaces only, with a reason for each refusal', () => {
    expect(mayReadApplication(alphaAdmin, alpha)).toEqual({ allow: true });
    expect(mayReadApplication(alphaAdmin, beta)).toMatchObject({ allow: false, reason: 'not_this_namespace' });
    expect(mayReadApplication(user, alpha)).toMatchObject({ allow: false, reason: 'not_an_admin' });
    expect(mayReadApplication(platform, beta)).toEqual({ allow: true });
  });

  it('keeps deleting namespaces and granting management API access to platform admins', () => {
    expect(mayDeleteNamespace(alphaAdmin, alpha)).toMatchObject({ allow: false, reason: 'platform_admin_only' });
    expect(mayDeleteNamespace(platform, alpha)).toEqual({ allow: true });
    expect(mayUpdateApplication(alphaAdmin, alpha, { managementApi: true })).toMatchObject({ allow: false, reason: 'platform_admin_only' });
    expect(mayUpdateApplication(alphaAdmin, alpha, {})).toEqual({ allow: true });
    expect(mayUpdateApplication(platform, alpha, { managementApi: false })).toEqual({ allow: true });
  });

  it('lists namespaces for admins only, each seeing theirs', () => {
    expect(mayListNamespaces(user).allow).toBe(false);
    expect(visibleNamespaces(platform)).toBe('all');
    expect([...(visibleNamespaces(alphaAdmin) as Set<NamespaceId>)]).toEqual([alpha.id]);
    expect(mayReadSelf(user)).toEqual({ allow: true });
  });
});
