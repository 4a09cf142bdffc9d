import { describe, expect, it } from 'vitest';
import type { Caller } from './authorization.js';
import {
  mayApproveTenantRequest,
  mayReadTenantRequest,
  mayRejectTenantRequest,
  mayWithdrawTenantRequest,
  visibleTenantRequests,
} from './authorization-tenants.js';
import type { NamespaceId, UserId } from './ids.js';
import { checkRejectionReason, checkTenantRequest } from './tenant-requests.js';

const caller = (userId: string, platformAdmin: boolean, adminOf: string[] = []): Caller => ({
  userId: userId as UserId,
  email: `${userId}@agency.gov.sg`,
  platformAdmin,
  adminOf: new Set(adminOf as NamespaceId[]),
  via: 'access_token',
});
const rita = caller('rita', false);
const sam = caller('sam', false, ['ns_other']);
const root = caller('root', true);
const ritas = { requestedBy: 'rita' as UserId };

describe('tenant requests', () => {
  it('checks the request as the namespace rules say, trimming what it keeps', () => {
    const good = { name: 'payments', displayName: ' Payments ', description: ' Pays ', justification: ' needs SSO ' };
    expect(checkTenantRequest(good)).toEqual({
      ok: true,
      value: { name: 'payments', displayName: 'Payments', description: 'Pays', justification: 'needs SSO' },
    });
    expect(checkTenantRequest({ ...good, description: undefined })).toMatchObject({ ok: true, value: { description: '' } });
    const refused = (input: Partial<typeof good>) => {
      const result = checkTenantRequest({ ...good, ...input });
      return result.ok ? null : result.field;
    };
    expect(refused({ name: 'Payments' })).toBe('name');
    expect(refused({ name: 'pa' })).toBe('name');
    expect(refused({ name: '9lives' })).toBe('name');
    expect(refused({ displayName: ' ' })).toBe('displayName');
    expect(refused({ displayName: 'x'.repeat(101) })).toBe('displayName');
    expect(refused({ description: 'x'.repeat(1001) })).toBe('description');
    expect(refused({ justification: '' })).toBe('justification');
    expect(checkRejectionReason('  because  ')).toEqual({ ok: true, value: 'because' });
    expect(checkRejectionReason(' ').ok).toBe(false);
  });

  it('lets the requester and platform admins read; only platform admins decide; only the requester withdraws', () => {
    expect([rita, sam, root].map((c) => mayReadTenantRequest(c, ritas).allow)).toEqual([true, false, true]);
    expect([rita, sam, root].map((c) => mayApproveTenantRequest(c, ritas).allow)).toEqual([false, false, true]);
    expect([rita, sam, root].map((c) => mayRejectTenantRequest(c, ritas).allow)).toEqual([false, false, true]);
    expect([rita, sam, root].map((c) => mayWithdrawTenantRequest(c, ritas).allow)).toEqual([true, false, false]);
    expect(mayWithdrawTenantRequest(root, ritas)).toMatchObject({ message: expect.stringContaining('reject it instead') });
    expect([visibleTenantRequests(rita), visibleTenantRequests(root)]).toEqual(['rita', 'all']);
  });
});
