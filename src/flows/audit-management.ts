/**
 * The audit log and the signing keys through the management API (issue 19): read
 * only. The audit log is queried with its filters in SQL (indexed columns), newest
 * first with a keyset cursor on the chain's order (seq); the export answers every
 * matching event in chain order, a page at a time, so a long log never sits in
 * memory. Nothing here writes: the hash chain is the audit repository's alone.
 */
import { ErrorCodes } from '../contracts/errors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import type { AuditEvent, AuditQuery } from '../domain/audit.js';
import type { Caller, Decision, NamespaceTarget } from '../domain/authorization.js';
import { logScope, mayListSigningKeys, mayReadAudit, mayReadNamespaceAudit } from '../domain/authorization-observation.js';
import type { Namespace } from '../domain/directory.js';
import type { NamespaceId } from '../domain/ids.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, MAX_PAGE_SIZE, type Page } from '../domain/pagination.js';
import type { AuditLog, NamespaceRepository, SigningKeyRepository, UserRepository } from '../domain/repositories.js';
import type { SignInLog } from '../domain/sign-in-log.js';
import type { SigningKey } from '../domain/signing-keys.js';
import type { Clock } from '../platform/clock.js';
import { refused } from './namespace-management.js';
import type { SignInApplicationDeps } from './sign-in-applications.js';

/** What reading the platform's records needs (the management API's `observation`). */
export interface ObservationDeps {
  audit: Pick<AuditLog, 'query'>;
  signInLog: Pick<SignInLog, 'query'>;
  signingKeys: Pick<SigningKeyRepository, 'all'>;
  namespaces: Pick<NamespaceRepository, 'findByName' | 'findById'>;
  users: Pick<UserRepository, 'findByLogin'>;
  /** The application a sign-in line names (flows/sign-in-applications.ts). */
  clients: SignInApplicationDeps['clients'];
  clock: Clock;
}

/** A time window: `from` inclusive, `to` exclusive, in milliseconds. */
export interface TimeWindow {
  from?: number | undefined;
  to?: number | undefined;
}

export interface AuditFilter extends TimeWindow {
  actor?: string | undefined;
  action?: string | undefined;
  /** The namespace's name. */
  namespace?: string | undefined;
  target?: string | undefined;
}

export const pageLimit = (limit: number | undefined) => Math.min(Math.max(limit ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);

export function checkWindow(window: TimeWindow): Result<null> {
  if (window.from !== undefined && window.to !== undefined && window.from > window.to) {
    return fail(ErrorCodes.inputInvalid, 'from must not be after to', 'from');
  }
  return ok(null);
}

/**
 * The namespaces a log query may answer: the one named (when the caller may read it),
 * else every one (platform admins: `undefined`) or the caller's own.
 */
export async function namespacesToRead(
  deps: Pick<ObservationDeps, 'namespaces'>,
  caller: Caller,
  name: string | undefined,
  mayRead: (caller: Caller) => Decision,
  mayReadNamespace: (caller: Caller, namespace: NamespaceTarget) => Decision,
): Promise<Result<readonly NamespaceId[] | undefined>> {
  const decision = mayRead(caller);
  if (!decision.allow) return refused(decision);
  if (name !== undefined) {
    const namespace = await deps.namespaces.findByName(name);
    const allowed = mayReadNamespace(caller, namespace ?? { id: '' as Namespace['id'], name });
    if (!allowed.allow) return refused(allowed);
    if (!namespace) return fail(ErrorCodes.namespaceNotFound, `no namespace named ${name}`, 'namespace');
    return ok([namespace.id]);
  }
  const scope = logScope(caller);
  return ok(scope === 'all' ? undefined : [...scope]);
}

function auditQueryOf(filter: AuditFilter, namespaceIds: readonly NamespaceId[] | undefined): Omit<AuditQuery, 'limit'> {
  return {
    ...(filter.actor !== undefined ? { actor: filter.actor } : {}),
    ...(filter.action !== undefined ? { action: filter.action } : {}),
    ...(filter.target !== undefined ? { targetId: filter.target } : {}),
    ...(namespaceIds !== undefined ? { namespaceIds } : {}),
    ...(filter.from !== undefined ? { from: filter.from } : {}),
    ...(filter.to !== undefined ? { to: filter.to } : {}),
  };
}

function seqOfCursor(cursor: string | undefined): Result<number | undefined> {
  if (cursor === undefined) return ok(undefined);
  const seq = Number(decodeCursor(cursor));
  return Number.isSafeInteger(seq) && seq > 0 ? ok(seq) : fail(ErrorCodes.inputInvalid, 'cursor is not one this API gave', 'cursor');
}

/** One page of audit events, newest first (or in chain order: `order: 'oldest'`). */
export async function listAuditEvents(
  deps: ObservationDeps,
  caller: Caller,
  input: AuditFilter & { cursor?: string | undefined; limit?: number | undefined; order?: 'newest' | 'oldest' | undefined },
): Promise<Result<Page<AuditEvent>>> {
  const namespaceIds = await namespacesToRead(deps, caller, input.namespace, mayReadAudit, mayReadNamespaceAudit);
  if (!namespaceIds.ok) return namespaceIds;
  const window = checkWindow(input);
  if (!window.ok) return window;
  const from = seqOfCursor(input.cursor);
  if (!from.ok) return from;
  const limit = pageLimit(input.limit);
  const rows = await deps.audit.query({
    ...auditQueryOf(input, namespaceIds.value),
    ...(input.order === 'oldest' ? { afterSeq: from.value ?? 0 } : from.value !== undefined ? { beforeSeq: from.value } : {}),
    limit: limit + 1,
  });
  const items = rows.slice(0, limit);
  return ok({ items, nextCursor: rows.length > limit ? encodeCursor(String(items[items.length - 1]!.seq)) : null });
}

const EXPORT_BATCH = 500;

/** Every matching audit event in chain order (oldest first), read a batch at a time. */
export async function exportAuditEvents(deps: ObservationDeps, caller: Caller, filter: AuditFilter): Promise<Result<AsyncIterable<AuditEvent>>> {
  const namespaceIds = await namespacesToRead(deps, caller, filter.namespace, mayReadAudit, mayReadNamespaceAudit);
  if (!namespaceIds.ok) return namespaceIds;
  const window = checkWindow(filter);
  if (!window.ok) return window;
  const query = auditQueryOf(filter, namespaceIds.value);
  async function* events(): AsyncGenerator<AuditEvent> {
    let after = 0;
    for (;;) {
      const batch = await deps.audit.query({ ...query, afterSeq: after, limit: EXPORT_BATCH });
      yield* batch;
      if (batch.length < EXPORT_BATCH) return;
      after = batch[batch.length - 1]!.seq;
    }
  }
  return ok(events());
}

export type SigningKeyState = 'current' | 'next' | 'retired' | 'expired';

/** A signing key as listed: its dates and state, never its private parts. */
export interface SigningKeyFacts {
  kid: string;
  alg: string;
  state: SigningKeyState;
  createdAt: number;
  activatedAt: number | null;
  retiredAt: number | null;
  /** A retired key stays published (verifies) until then; `expired` after it. */
  publishUntil: number | null;
}

const STATE_ORDER: Record<SigningKeyState, number> = { current: 0, next: 1, retired: 2, expired: 3 };

export async function listSigningKeys(deps: ObservationDeps, caller: Caller): Promise<Result<SigningKeyFacts[]>> {
  const decision = mayListSigningKeys(caller);
  if (!decision.allow) return refused(decision);
  const now = deps.clock.now();
  const facts = (await deps.signingKeys.all()).map((k: SigningKey): SigningKeyFacts => ({
    kid: k.kid,
    alg: k.alg,
    state: k.status === 'retired' && (k.publishUntil ?? 0) <= now ? 'expired' : k.status,
    createdAt: k.createdAt,
    activatedAt: k.activatedAt,
    retiredAt: k.retiredAt,
    publishUntil: k.publishUntil,
  }));
  return ok(facts.sort((a, b) => a.alg.localeCompare(b.alg) || STATE_ORDER[a.state] - STATE_ORDER[b.state] || b.createdAt - a.createdAt));
}
