/**
 * Tenant requests through the management API (domain/tenant-requests.ts for the rules,
 * domain/authorization-tenants.ts for who may do what). Each change is one transaction
 * with its audit event and its e-mails (written to the outbox in that transaction, so a
 * mail goes out exactly when the change commits):
 *
 * - a person requests a tenant: the name must be a free namespace name, and no other
 *   request for it may be pending; the platform admins are told by e-mail;
 * - a platform admin approves it: the request is marked approved (only if still
 *   pending), the namespace is created, the requester becomes its first admin, and is
 *   told; if the name was taken meanwhile nothing changes (409, the request stays
 *   pending for a rejection);
 * - a platform admin rejects it with a reason, which the requester is mailed;
 * - the requester withdraws it while it is pending.
 */
import { ErrorCodes } from '../contracts/errors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import { auditActor, auditContext, type Caller, type Decision } from '../domain/authorization.js';
import {
  mayApproveTenantRequest,
  mayListTenantRequests,
  mayReadTenantRequest,
  mayRejectTenantRequest,
  mayRequestTenant,
  mayWithdrawTenantRequest,
  visibleTenantRequests,
} from '../domain/authorization-tenants.js';
import type { Namespace } from '../domain/directory.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, MAX_PAGE_SIZE, type Page } from '../domain/pagination.js';
import type { AuditLog, MailQueue, NamespaceRepository, NamespaceScope, Transactional, UserRepository } from '../domain/repositories.js';
import type { NamespaceId } from '../domain/ids.js';
import { tenantApprovedMail, tenantRejectedMail, tenantRequestedMail } from '../domain/tenant-request-mails.js';
import {
  checkRejectionReason,
  checkTenantRequest,
  notPendingMessage,
  type TenantRequest,
  type TenantRequestRepository,
  type TenantRequestStatus,
} from '../domain/tenant-requests.js';
import { techpassId, type User } from '../domain/users.js';
import { refused } from './namespace-management.js';

export interface TenantRequestRepositories {
  users: UserRepository;
  namespaces: NamespaceRepository;
  audit: AuditLog;
  outbox: MailQueue;
  tenantRequests: TenantRequestRepository;
  forNamespace(id: NamespaceId): NamespaceScope;
}

export type TenantRequestDeps = TenantRequestRepositories & Transactional<TenantRequestRepositories>;

/** Thrown inside a transaction to undo what it wrote and answer `result` instead. */
class Undo extends Error {
  constructor(readonly result: Result<never>) {
    super(result.ok ? 'undo' : result.message);
  }
}

async function undoable<T>(run: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Undo) return error.result;
    throw error;
  }
}

const notFound = (id: string) => fail(ErrorCodes.tenantRequestNotFound, `no tenant request ${id}`, 'id');
const namespaceTaken = (name: string) =>
  fail(ErrorCodes.namespaceExists, `a namespace named ${name} already exists; a tenant request must name a free one`, 'name');

const person = (user: Pick<User, 'email' | 'username' | 'givenName' | 'familyName'>) => ({
  email: user.email,
  givenName: user.givenName,
  familyName: user.familyName,
  techpassId: techpassId(user),
});

/** What the audit records of a request (everything it says; it holds no secret). */
const audited = (r: TenantRequest) => ({
  name: r.name,
  displayName: r.displayName,
  description: r.description,
  justification: r.justification,
  status: r.status,
  requestedBy: r.requestedBy,
  reason: r.reason,
  namespaceId: r.namespaceId,
});

export async function requestTenant(
  deps: TenantRequestDeps,
  caller: Caller,
  input: { name: string; displayName: string; description?: string | undefined; justification: string },
): Promise<Result<TenantRequest>> {
  const decision = mayRequestTenant(caller);
  if (!decision.allow) return refused(decision);
  if (caller.via === 'operator') {
    return fail(ErrorCodes.accessForbidden, 'the operator has no account to become the tenant admin; a person requests a tenant (with --server)');
  }
  const checked = checkTenantRequest(input);
  if (!checked.ok) return fail(ErrorCodes.inputInvalid, checked.message, checked.field);
  const request = checked.value;
  if (await deps.namespaces.findByName(request.name)) return namespaceTaken(request.name);
  const requester = await deps.users.findById(caller.userId);
  if (!requester) return fail(ErrorCodes.apiTokenInvalid, 'the account behind this access token no longer exists');
  return deps.transaction(async (tx) => {
    const created = await tx.tenantRequests.create({ ...request, requestedBy: caller.userId });
    if (!created.ok) {
      return fail(ErrorCodes.tenantRequestExists, `a request for the namespace ${request.name} is already pending`, 'name');
    }
    await tx.audit.append({
      actor: auditActor(caller),
      action: 'tenant_request.created',
      targetType: 'tenant_request',
      targetId: created.value.id,
      data: { ...auditContext(caller), before: null, after: audited(created.value) },
    });
    for (const admin of await tx.tenantRequests.platformAdminEmails()) {
      await tx.outbox.enqueue(tenantRequestedMail(admin, created.value, person(requester)));
    }
    return ok(created.value);
  });
}

export async function listTenantRequests(
  deps: TenantRequestDeps,
  caller: Caller,
  options: { status?: TenantRequestStatus | undefined; cursor?: string | undefined; limit?: number | undefined },
): Promise<Result<Page<TenantRequest>>> {
  const decision = mayListTenantRequests(caller);
  if (!decision.allow) return refused(decision);
  const visible = visibleTenantRequests(caller);
  let after: { requestedAt: number; id: string } | undefined;
  if (options.cursor !== undefined) {
    const match = /^(\d+):(.+)$/.exec(decodeCursor(options.cursor));
    if (!match) return fail(ErrorCodes.inputInvalid, 'cursor is not one this list gave', 'cursor');
    after = { requestedAt: Number(match[1]), id: match[2]! };
  }
  const limit = Math.min(Math.max(options.limit ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
  const rows = await deps.tenantRequests.list({
    status: options.status,
    requestedBy: visible === 'all' ? undefined : visible,
    after,
    limit: limit + 1,
  });
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return ok({ items, nextCursor: rows.length > limit && last ? encodeCursor(`${last.requestedAt}:${last.id}`) : null });
}

/** Finds a request and asks `decide` whether the caller may act on it. */
async function authorizedRequest(
  repository: TenantRequestRepository,
  caller: Caller,
  id: string,
  decide: (caller: Caller, request: TenantRequest) => Decision,
): Promise<Result<TenantRequest>> {
  const request = await repository.find(id);
  if (!request) return notFound(id);
  const decision = decide(caller, request);
  return decision.allow ? ok(request) : refused(decision);
}

export const showTenantRequest = (deps: TenantRequestDeps, caller: Caller, id: string) =>
  authorizedRequest(deps.tenantRequests, caller, id, mayReadTenantRequest);

/** Approves a pending request: the namespace, its first admin, the decision, the audit and the mail, in one transaction. */
export async function approveTenantRequest(
  deps: TenantRequestDeps,
  caller: Caller,
  id: string,
): Promise<Result<{ request: TenantRequest; namespace: Namespace }>> {
  const found = await authorizedRequest(deps.tenantRequests, caller, id, mayApproveTenantRequest);
  if (!found.ok) return found;
  if (found.value.status !== 'pending') return fail(ErrorCodes.tenantRequestNotPending, notPendingMessage(found.value));
  return undoable(() =>
    deps.transaction(async (tx) => {
      const before = await tx.tenantRequests.find(id);
      if (!before) return notFound(id);
      const created = await tx.namespaces.create({ name: before.name, displayName: before.displayName, description: before.description });
      if (!created.ok) return namespaceTaken(before.name);
      const namespace = created.value;
      // Conditional on still pending: a second approval racing this one finds it decided, and its namespace is undone.
      if (!(await tx.tenantRequests.decide(id, { status: 'approved', decidedBy: auditActor(caller), namespaceId: namespace.id }))) {
        throw new Undo(fail(ErrorCodes.tenantRequestNotPending, notPendingMessage((await tx.tenantRequests.find(id)) ?? before)));
      }
      await tx.forNamespace(namespace.id).admins.add(before.requestedBy);
      const after = (await tx.tenantRequests.find(id))!;
      const context = auditContext(caller);
      await tx.audit.append({
        actor: auditActor(caller),
        action: 'namespace.created',
        targetType: 'namespace',
        targetId: namespace.id,
        namespaceId: namespace.id,
        data: { ...context, name: namespace.name, tenantRequest: id },
      });
      await tx.audit.append({
        actor: auditActor(caller),
        action: 'namespace.admin_added',
        targetType: 'namespace',
        targetId: namespace.id,
        namespaceId: namespace.id,
        data: { ...context, userId: before.requestedBy, email: before.requesterEmail, before: [], after: [before.requestedBy] },
      });
      await tx.audit.append({
        actor: auditActor(caller),
        action: 'tenant_request.approved',
        targetType: 'tenant_request',
        targetId: id,
        namespaceId: namespace.id,
        data: { ...context, before: audited(before), after: audited(after) },
      });
      const requester = await tx.users.findById(before.requestedBy);
      if (requester) await tx.outbox.enqueue(tenantApprovedMail(after, person(requester)));
      return ok({ request: after, namespace });
    }),
  );
}

export async function rejectTenantRequest(
  deps: TenantRequestDeps,
  caller: Caller,
  input: { id: string; reason: string },
): Promise<Result<TenantRequest>> {
  const found = await authorizedRequest(deps.tenantRequests, caller, input.id, mayRejectTenantRequest);
  if (!found.ok) return found;
  const reason = checkRejectionReason(input.reason);
  if (!reason.ok) return fail(ErrorCodes.inputInvalid, reason.message, 'reason');
  return decideAlone(deps, caller, found.value, { status: 'rejected', reason: reason.value }, async (tx, after) => {
    const requester = await tx.users.findById(after.requestedBy);
    if (requester) await tx.outbox.enqueue(tenantRejectedMail(after, person(requester), reason.value));
  });
}

export async function withdrawTenantRequest(deps: TenantRequestDeps, caller: Caller, id: string): Promise<Result<TenantRequest>> {
  const found = await authorizedRequest(deps.tenantRequests, caller, id, mayWithdrawTenantRequest);
  if (!found.ok) return found;
  return decideAlone(deps, caller, found.value, { status: 'withdrawn' }, async () => {});
}

/** A decision that creates nothing (rejected, withdrawn): the conditional update, its audit, and `then` (its mail). */
async function decideAlone(
  deps: TenantRequestDeps,
  caller: Caller,
  request: TenantRequest,
  decision: { status: 'rejected' | 'withdrawn'; reason?: string },
  then: (tx: TenantRequestRepositories, after: TenantRequest) => Promise<void>,
): Promise<Result<TenantRequest>> {
  if (request.status !== 'pending') return fail(ErrorCodes.tenantRequestNotPending, notPendingMessage(request));
  return deps.transaction(async (tx) => {
    if (!(await tx.tenantRequests.decide(request.id, { ...decision, decidedBy: auditActor(caller) }))) {
      return fail(ErrorCodes.tenantRequestNotPending, notPendingMessage((await tx.tenantRequests.find(request.id)) ?? request));
    }
    const after = (await tx.tenantRequests.find(request.id))!;
    await tx.audit.append({
      actor: auditActor(caller),
      action: `tenant_request.${decision.status}`,
      targetType: 'tenant_request',
      targetId: request.id,
      data: { ...auditContext(caller), before: audited(request), after: audited(after) },
    });
    await then(tx, after);
    return ok(after);
  });
}
