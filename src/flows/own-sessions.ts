/**
 * A person's own signed-in sessions (issue 20's My Account › Security): listed with
 * what they can recognise (when, which applications, which browser and address), and
 * ended one at a time or all but the current one. Ending a session ends its grants
 * and their tokens, the portal sessions it signed in, the account picker's live session
 * in that browser, and queues its back-channel logouts (persistence: own-sessions.ts).
 * Only the caller's own sessions: another account's session id is not found.
 */
import { ErrorCodes } from '../contracts/errors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import { auditActor, auditContext, type Caller } from '../domain/authorization.js';
import { mayEndOwnSession, mayListOwnSessions } from '../domain/authorization-self.js';
import type { AuditLog, ClientDirectory, OwnSession, OwnSessions } from '../domain/repositories.js';
import { refused } from './namespace-management.js';

export interface OwnSessionDeps {
  ownSessions: Pick<OwnSessions, 'list'>;
  clients: Pick<ClientDirectory, 'findApplication'>;
  transaction<T>(fn: (tx: { ownSessions: OwnSessions; audit: AuditLog }) => Promise<T>): Promise<T>;
}

export interface OwnSessionView {
  id: string;
  signedInAt: number;
  lastSeenAt: number | null;
  expiresAt: number | null;
  applications: Array<{ clientId: string; name: string | null }>;
  ip: string | null;
  userAgent: string | null;
  /** The session the caller's portal session signed in with (the portal's "this browser"). */
  current: boolean;
}

/** The TechPass session the calling portal session signed in with (null: not a portal session). */
export type CurrentSession = { sessionUid: string | null; sid: string | null } | null;

const isCurrent = (s: OwnSession, current: CurrentSession) =>
  current !== null && (s.id === current.sessionUid || (current.sid !== null && s.applications.some((a) => a.sid === current.sid)));

async function view(deps: OwnSessionDeps, sessions: OwnSession[], current: CurrentSession): Promise<OwnSessionView[]> {
  const names = new Map<string, string | null>();
  for (const clientId of new Set(sessions.flatMap((s) => s.applications.map((a) => a.clientId)))) {
    names.set(clientId, (await deps.clients.findApplication(clientId))?.name ?? null);
  }
  // This browser first, then the others newest first (as listed).
  const ordered = [...sessions].sort((a, b) => Number(isCurrent(b, current)) - Number(isCurrent(a, current)));
  return ordered.map((s) => ({
    id: s.id,
    signedInAt: s.signedInAt,
    lastSeenAt: s.lastSeenAt,
    expiresAt: s.expiresAt,
    applications: s.applications.map((a) => ({ clientId: a.clientId, name: names.get(a.clientId) ?? null })),
    ip: s.ip,
    userAgent: s.userAgent,
    current: isCurrent(s, current),
  }));
}

/** The caller's live sessions, newest first; `current`: the TechPass session of the portal session making the call, if any. */
export async function listOwnSessions(deps: OwnSessionDeps, caller: Caller, current: CurrentSession): Promise<Result<OwnSessionView[]>> {
  const decision = mayListOwnSessions(caller);
  if (!decision.allow) return refused(decision);
  return ok(await view(deps, await deps.ownSessions.list(caller.userId), current));
}

const NOT_FOUND = 'you have no signed-in session with this id (it may have ended already)';

/** Ends one of the caller's sessions; answers whether it was the current portal session's. */
export async function endOwnSession(
  deps: OwnSessionDeps,
  caller: Caller,
  id: string,
  current: CurrentSession,
): Promise<Result<{ current: boolean }>> {
  const decision = mayEndOwnSession(caller);
  if (!decision.allow) return refused(decision);
  return deps.transaction(async (tx) => {
    const before = (await tx.ownSessions.list(caller.userId)).find((s) => s.id === id);
    const ended = before ? await tx.ownSessions.end(caller.userId, id) : null;
    if (!before || !ended) return fail(ErrorCodes.sessionNotFound, NOT_FOUND, 'id');
    const wasCurrent = isCurrent(before, current);
    await tx.audit.append({
      actor: auditActor(caller),
      action: 'session.ended',
      targetType: 'user',
      targetId: caller.userId,
      data: { ...auditContext(caller), session: id, applications: before.applications.map((a) => a.clientId), current: wasCurrent, ...ended },
    });
    return ok({ current: wasCurrent });
  });
}

/** Ends every session of the caller but the current portal session's (all of them when the call has none). */
export async function endOtherOwnSessions(deps: OwnSessionDeps, caller: Caller, current: CurrentSession): Promise<Result<{ ended: number }>> {
  const decision = mayEndOwnSession(caller);
  if (!decision.allow) return refused(decision);
  return deps.transaction(async (tx) => {
    const others = (await tx.ownSessions.list(caller.userId)).filter((s) => !isCurrent(s, current));
    let ended = 0;
    for (const session of others) if (await tx.ownSessions.end(caller.userId, session.id)) ended += 1;
    await tx.audit.append({
      actor: auditActor(caller),
      action: 'session.others_ended',
      targetType: 'user',
      targetId: caller.userId,
      data: { ...auditContext(caller), sessions: others.map((s) => s.id), ended },
    });
    return ok({ ended });
  });
}
