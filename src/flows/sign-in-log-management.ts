/**
 * The sign-in log through the management API (issue 19): a person reads their own
 * sign-ins; platform admins query every line, tenant admins the lines of their
 * namespaces' applications; by user (id or e-mail), application, result and time,
 * newest first with a keyset cursor on (time, id). Read only.
 */
import { ErrorCodes } from '../contracts/errors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import type { Caller } from '../domain/authorization.js';
import { mayReadNamespaceSignIns, mayReadOwnSignIns, mayReadSignIns } from '../domain/authorization-observation.js';
import type { NamespaceId } from '../domain/ids.js';
import { decodeCursor, encodeCursor, type Page } from '../domain/pagination.js';
import type { SignInQuery, SignInRecord, SignInResult } from '../domain/sign-in-log.js';
import { checkWindow, namespacesToRead, pageLimit, type ObservationDeps, type TimeWindow } from './audit-management.js';
import { refused } from './namespace-management.js';

export interface SignInFilter extends TimeWindow {
  /** A user id, or an e-mail address / TechPass ID (contains `@`). */
  user?: string | undefined;
  /** The application's client id. */
  application?: string | undefined;
  result?: SignInResult | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

function beforeOf(cursor: string | undefined): Result<SignInQuery['before']> {
  if (cursor === undefined) return ok(undefined);
  const match = /^(\d+):(.+)$/.exec(decodeCursor(cursor));
  if (!match) return fail(ErrorCodes.inputInvalid, 'cursor is not one this API gave', 'cursor');
  return ok({ occurredAt: Number(match[1]), id: match[2]! });
}

/** The lines `filter` asks for among `namespaceIds` (undefined: every namespace, and lines of no namespace). */
async function page(
  deps: ObservationDeps,
  filter: SignInFilter,
  scope: { namespaceIds?: readonly NamespaceId[] | undefined; userId?: string },
): Promise<Result<Page<SignInRecord>>> {
  const window = checkWindow(filter);
  if (!window.ok) return window;
  const before = beforeOf(filter.cursor);
  if (!before.ok) return before;
  let userId = scope.userId ?? filter.user;
  if (scope.userId === undefined && filter.user?.includes('@')) {
    // Unknown e-mail: no lines (a tenant admin learns nothing of which accounts exist).
    userId = (await deps.users.findByLogin(filter.user.trim().toLowerCase()))?.id ?? `unknown:${filter.user}`;
  }
  const limit = pageLimit(filter.limit);
  const rows = await deps.signInLog.query({
    ...(userId !== undefined ? { userId } : {}),
    ...(filter.application !== undefined ? { clientId: filter.application } : {}),
    ...(filter.result !== undefined ? { result: filter.result } : {}),
    ...(scope.namespaceIds !== undefined ? { namespaceIds: scope.namespaceIds } : {}),
    ...(filter.from !== undefined ? { from: filter.from } : {}),
    ...(filter.to !== undefined ? { to: filter.to } : {}),
    ...(before.value ? { before: before.value } : {}),
    limit: limit + 1,
  });
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return ok({ items, nextCursor: rows.length > limit && last ? encodeCursor(`${last.occurredAt}:${last.id}`) : null });
}

/** Sign-ins across namespaces: a platform admin's every line, a tenant admin's namespaces' lines. */
export async function listSignIns(
  deps: ObservationDeps,
  caller: Caller,
  filter: SignInFilter & { namespace?: string | undefined },
): Promise<Result<Page<SignInRecord>>> {
  const namespaceIds = await namespacesToRead(deps, caller, filter.namespace, mayReadSignIns, mayReadNamespaceSignIns);
  if (!namespaceIds.ok) return namespaceIds;
  return page(deps, filter, { namespaceIds: namespaceIds.value });
}

/** The sign-ins to one namespace's applications. */
export async function listNamespaceSignIns(
  deps: ObservationDeps,
  caller: Caller,
  namespace: string,
  filter: SignInFilter,
): Promise<Result<Page<SignInRecord>>> {
  return listSignIns(deps, caller, { ...filter, namespace });
}

/** The caller's own sign-ins (every application). */
export async function listOwnSignIns(deps: ObservationDeps, caller: Caller, filter: Omit<SignInFilter, 'user'>): Promise<Result<Page<SignInRecord>>> {
  const decision = mayReadOwnSignIns(caller);
  if (!decision.allow) return refused(decision);
  return page(deps, filter, { userId: caller.userId });
}
