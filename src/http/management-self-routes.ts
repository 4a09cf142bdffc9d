/**
 * The management API's self-service routes (issue 20's My Account › Security), always
 * the caller's own account:
 * - `GET /me/sessions`: the signed-in TechPass sessions, "this browser" marked;
 * - `DELETE /me/sessions/{id}`: ends one (another person's id: 404, never ended);
 * - `POST /me/sessions/end-others`: ends all but the calling portal session's;
 * - `POST /me/password`: changes the password knowing the current one (then every
 *   session of the account has ended, the caller's too).
 * Rules in domain/authorization-self.ts; flows in flows/own-sessions.ts and own-password.ts.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  OwnPasswordChange,
  OwnPasswordChanged,
  OwnSessionEnded,
  OwnSessionList,
  OwnSessionParams,
  OwnSessionsEnded,
} from '../contracts/management-self.js';
import { changeOwnPassword, type OwnPasswordDeps } from '../flows/own-password.js';
import { endOtherOwnSessions, endOwnSession, listOwnSessions, type CurrentSession, type OwnSessionDeps } from '../flows/own-sessions.js';
import { portalSessionOrigin, type PortalSessionDeps } from '../flows/portal-session.js';
import { describeBrowser } from '../platform/user-agent.js';
import { answer, callerOf, ERROR_ANSWERS } from './management-plumbing.js';
import { portalSessionToken } from './portal-routes.js';

export interface SelfRouteDeps {
  sessions: OwnSessionDeps;
  passwords: OwnPasswordDeps;
}

export function registerSelfRoutes(
  plain: FastifyInstance,
  deps: SelfRouteDeps,
  portal: { deps: PortalSessionDeps; secure: boolean } | undefined,
): void {
  const scope = plain.withTypeProvider<ZodTypeProvider>();

  /** The TechPass session behind the calling portal session (none for a bearer token). */
  const current = async (request: FastifyRequest): Promise<CurrentSession> =>
    portal && callerOf(request).via === 'portal_session' ? portalSessionOrigin(portal.deps, portalSessionToken(request, portal.secure)) : null;

  scope.get('/me/sessions', { schema: { response: { 200: OwnSessionList, ...ERROR_ANSWERS } } }, async (request) => ({
    items: answer(await listOwnSessions(deps.sessions, callerOf(request), await current(request))).map((s) => ({
      ...s,
      browser: describeBrowser(s.userAgent),
    })),
  }));

  scope.delete('/me/sessions/:id', { schema: { params: OwnSessionParams, response: { 200: OwnSessionEnded, ...ERROR_ANSWERS } } }, async (request) =>
    answer(await endOwnSession(deps.sessions, callerOf(request), request.params.id, await current(request))),
  );

  scope.post('/me/sessions/end-others', { schema: { response: { 200: OwnSessionsEnded, ...ERROR_ANSWERS } } }, async (request) =>
    answer(await endOtherOwnSessions(deps.sessions, callerOf(request), await current(request))),
  );

  scope.post('/me/password', { schema: { body: OwnPasswordChange, response: { 200: OwnPasswordChanged, ...ERROR_ANSWERS } } }, async (request) => {
    answer(await changeOwnPassword(deps.passwords, callerOf(request), request.body, request.ip));
    return { changed: true as const, signedOut: true as const };
  });
}
