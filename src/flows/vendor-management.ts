/**
 * Issue 18's routes of the management API: a namespace's vendors (list, create) and
 * invitations. Authorize (domain/authorization-users.ts, with the account type rules of
 * domain/account-status.ts), then call the flows the CLI calls (vendors.ts,
 * invitations.ts), with the caller as the actor: the vendor's e-mail and SMS code and
 * the invitation's e-mail go through the outbox in the same transaction.
 */
import { ErrorCodes } from '../contracts/errors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import { auditActor, type Caller } from '../domain/authorization.js';
import { mayCreateVendor, mayInvite, mayListVendors } from '../domain/authorization-users.js';
import type { AdministrationDeps } from './administration.js';
import { inviteUser, type InvitationDeps, type InvitationSent } from './invitations.js';
import { authorizedNamespace, refused } from './namespace-management.js';
import { createVendor, listVendors, type NewVendorInput, type VendorDeps, type VendorSummary } from './vendors.js';

export async function listNamespaceVendors(
  admin: AdministrationDeps,
  vendors: VendorDeps,
  caller: Caller,
  namespace: string,
): Promise<Result<VendorSummary[]>> {
  const found = await authorizedNamespace(admin, caller, namespace, mayListVendors);
  return found.ok ? ok(await listVendors(vendors, found.value.id)) : found;
}

export async function createNamespaceVendor(
  admin: AdministrationDeps,
  vendors: VendorDeps,
  caller: Caller,
  input: { namespace: string; vendor: NewVendorInput },
): Promise<Result<VendorSummary>> {
  const found = await authorizedNamespace(admin, caller, input.namespace, mayCreateVendor);
  if (!found.ok) return found;
  const created = await createVendor(vendors, found.value, auditActor(caller), input.vendor);
  return created.ok ? ok(created.value.vendor) : created;
}

/** Invites `email` on behalf of the caller (an active public officer: invitations.ts checks). */
export async function inviteAsCaller(deps: InvitationDeps, caller: Caller, input: { email: string }): Promise<Result<InvitationSent>> {
  const decision = mayInvite(caller);
  if (!decision.allow) return refused(decision);
  const inviter = await deps.users.findById(caller.userId);
  if (!inviter) return fail(ErrorCodes.userNotFound, 'your account was not found');
  const sent = await inviteUser(deps, { email: input.email, inviter: inviter.email, via: `api:${caller.via}` });
  // The inviter is the caller, not a field of the request.
  return !sent.ok && sent.field === 'by' ? fail(sent.error, sent.message) : sent;
}
