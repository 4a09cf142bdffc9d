/**
 * Tenant requests (issue 19): a service asks to become a tenant, and a platform admin
 * approves it (the namespace is created, the requester becomes its first admin) or
 * rejects it with a reason; the requester may withdraw it while it is pending.
 *
 * The name asked for becomes the namespace's name, so it follows the namespace rules
 * (checkNamespaceName) and must be free when asked and again when approved. Only a
 * pending request changes: approved, rejected and withdrawn are final.
 */
import { checkNamespaceName } from './directory.js';
import type { NamespaceId, UserId } from './ids.js';

export const TENANT_REQUEST_STATUSES = ['pending', 'approved', 'rejected', 'withdrawn'] as const;
export type TenantRequestStatus = (typeof TENANT_REQUEST_STATUSES)[number];

export interface TenantRequest {
  id: string;
  /** The namespace name asked for. */
  name: string;
  displayName: string;
  description: string;
  justification: string;
  status: TenantRequestStatus;
  requestedBy: UserId;
  /** The requester's e-mail as it is now (read with the request). */
  requesterEmail: string;
  requestedAt: number;
  /** Who approved, rejected or withdrew it, and when; null while pending. */
  decidedBy: string | null;
  decidedAt: number | null;
  /** Why it was rejected (rejections only). */
  reason: string | null;
  /** The namespace its approval created (null until approved, or once that namespace is deleted). */
  namespaceId: NamespaceId | null;
}

export interface NewTenantRequest {
  name: string;
  displayName: string;
  description: string;
  justification: string;
}

export const LIMITS = { displayName: 100, description: 1000, justification: 2000, reason: 1000 } as const;

/** The request as it will be stored (trimmed), or the field at fault. */
export function checkTenantRequest(input: {
  name: string;
  displayName: string;
  description?: string | undefined;
  justification: string;
}): { ok: true; value: NewTenantRequest } | { ok: false; field: keyof NewTenantRequest; message: string } {
  const name = input.name.trim();
  const nameProblem = checkNamespaceName(name);
  if (nameProblem) return { ok: false, field: 'name', message: `name ${nameProblem}` };
  const displayName = input.displayName.trim();
  if (!displayName || displayName.length > LIMITS.displayName) {
    return { ok: false, field: 'displayName', message: `displayName is required (at most ${LIMITS.displayName} characters)` };
  }
  const description = (input.description ?? '').trim();
  if (description.length > LIMITS.description) {
    return { ok: false, field: 'description', message: `description is at most ${LIMITS.description} characters` };
  }
  const justification = input.justification.trim();
  if (!justification || justification.length > LIMITS.justification) {
    return {
      ok: false,
      field: 'justification',
      message: `justification is required: say what the service is and why it needs TechPass (at most ${LIMITS.justification} characters)`,
    };
  }
  return { ok: true, value: { name, displayName, description, justification } };
}

/** A rejection's reason, trimmed, or why it is refused. */
export function checkRejectionReason(reason: string): { ok: true; value: string } | { ok: false; message: string } {
  const value = reason.trim();
  if (!value || value.length > LIMITS.reason) return { ok: false, message: `reason is required (at most ${LIMITS.reason} characters)` };
  return { ok: true, value };
}

/** Why a request that is no longer pending cannot be decided or withdrawn. */
export function notPendingMessage(request: Pick<TenantRequest, 'id' | 'status'>): string {
  return `tenant request ${request.id} is ${request.status}, not pending: it can no longer be approved, rejected or withdrawn`;
}

export interface TenantRequestQuery {
  status?: TenantRequestStatus | undefined;
  /** Only this person's requests. */
  requestedBy?: UserId | undefined;
  /** Keyset: requests strictly after this (requestedAt, id). */
  after?: { requestedAt: number; id: string } | undefined;
  limit: number;
}

/** The decision stored on a pending request (a conditional update: false if it was no longer pending). */
export interface TenantRequestDecision {
  status: Exclude<TenantRequestStatus, 'pending'>;
  decidedBy: string;
  reason?: string;
  namespaceId?: NamespaceId;
}

export interface TenantRequestRepository {
  /** Stores a pending request; `conflict` when a pending request for the same name exists. */
  create(input: NewTenantRequest & { requestedBy: UserId }): Promise<{ ok: true; value: TenantRequest } | { ok: false; conflict: 'name' }>;
  find(id: string): Promise<TenantRequest | null>;
  /** Oldest first (requestedAt, then id). */
  list(query: TenantRequestQuery): Promise<TenantRequest[]>;
  /** Records the decision if the request is still pending; false otherwise (nothing changes). */
  decide(id: string, decision: TenantRequestDecision): Promise<boolean>;
  /** The e-mails of the active platform admins (told of each new request). */
  platformAdminEmails(): Promise<string[]>;
}
