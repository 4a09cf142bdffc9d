/**
 * Who may do what with tenant requests (domain/tenant-requests.ts), in the shape of
 * authorization.ts: one function per action, taking the caller and the target.
 *
 * - anyone signed in (a person) may request a tenant, and list, see and withdraw their
 *   own requests;
 * - a platform admin sees every request and approves or rejects them. A platform admin
 *   does not withdraw someone else's request: they reject it, with a reason.
 */
import { ALLOW, deny, platformOnly, type Caller, type Decision } from './authorization.js';
import type { UserId } from './ids.js';
import type { TenantRequest } from './tenant-requests.js';

/** Every signed-in person may ask; the operator at the database is no person (the flow refuses it: no account to make admin). */
export const mayRequestTenant = (_caller: Caller): Decision => ALLOW;

/** Every signed-in caller may list: a platform admin sees every request, anyone else their own (`visibleTenantRequests`). */
export const mayListTenantRequests = (_caller: Caller): Decision => ALLOW;

/** Whose requests a listing shows the caller: every one (`all`) or the caller's own. */
export function visibleTenantRequests(caller: Caller): 'all' | UserId {
  return caller.platformAdmin ? 'all' : caller.userId;
}

const isRequester = (caller: Caller, request: Pick<TenantRequest, 'requestedBy'>) => caller.userId === request.requestedBy;

export function mayReadTenantRequest(caller: Caller, request: Pick<TenantRequest, 'requestedBy'>): Decision {
  if (caller.platformAdmin || isRequester(caller, request)) return ALLOW;
  return deny('platform_admin_only', 'only a platform admin or the person who sent a tenant request may see it');
}

export const mayApproveTenantRequest = (caller: Caller, _request: Pick<TenantRequest, 'requestedBy'>): Decision =>
  platformOnly(caller, 'approve a tenant request');
export const mayRejectTenantRequest = (caller: Caller, _request: Pick<TenantRequest, 'requestedBy'>): Decision =>
  platformOnly(caller, 'reject a tenant request');

export function mayWithdrawTenantRequest(caller: Caller, request: Pick<TenantRequest, 'requestedBy'>): Decision {
  if (isRequester(caller, request)) return ALLOW;
  const hint = caller.platformAdmin ? '; reject it instead, with a reason' : '';
  return deny('not_an_admin', `only the person who sent a tenant request may withdraw it${hint}`);
}
