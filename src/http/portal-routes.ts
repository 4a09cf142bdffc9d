/**
 * The portal's backend-for-frontend (flows/portal-session.ts): its sign-in with TechPass,
 * its session cookie and CSRF value, and its sign-out.
 * - `GET /portal/login[?returnTo=/portal/…][&fresh=1]`: starts the authorization-code
 *   sign-in (`fresh=1`: a whole sign-in again, `prompt=login`, to confirm it is the
 *   person before they change their second factors); what
 *   the callback needs (state, nonce, PKCE verifier) waits in a signed HttpOnly cookie
 *   scoped to /portal for 10 minutes.
 * - `GET /portal/callback`: the provider's answer; on success the session cookie
 *   (HttpOnly, SameSite=Strict, `__Host-` when served over HTTPS) and a 303 to the portal.
 * - `GET /portal/session`: `{ signedIn, userId, email, csrfToken, signedInAt }` for the portal's
 *   JavaScript (401 `{ signedIn: false }` without a live session). The management API
 *   takes the cookie plus `X-CSRF-Token: <csrfToken>` (management-api.ts).
 * - `POST /portal/logout` (with the CSRF header): ends the session and answers where to
 *   send the browser to sign out of TechPass too (`{ next }`).
 * - `GET /portal/signed-out`: where TechPass' sign-out comes back to.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCodes } from '../contracts/errors.js';
import {
  endPortalSession,
  finishPortalSignIn,
  livePortalSession,
  startPortalSignIn,
  type PendingSignIn,
  type PortalSessionDeps,
} from '../flows/portal-session.js';
import { signValue, verifyValue } from '../platform/signed-cookie.js';
import { renderPage } from '../ui/layout.js';
import { PortalSignedOutPage, PortalSignInProblemPage } from '../ui/portal-pages.js';
import { cookieValue } from './request-cookies.js';
import { setPageHeaders } from './security-headers.js';

export interface PortalRoutesDeps {
  portal: PortalSessionDeps;
  /** Makes sure the portal application exists (and matches PUBLIC_URL) before a sign-in starts. */
  ensureApplication(): Promise<void>;
  /** Signs the pending sign-in cookie. */
  cookieKey: Buffer;
  secure: boolean;
}

export const PORTAL_CSRF_HEADER = 'x-csrf-token';
export const portalSessionCookie = (secure: boolean) => (secure ? '__Host-techpass_portal' : 'techpass_portal');
const pendingCookie = (secure: boolean) => (secure ? '__Secure-techpass_portal_login' : 'techpass_portal_login');
const PENDING_SECONDS = 600;

function readPending(deps: PortalRoutesDeps, request: FastifyRequest): PendingSignIn | null {
  const value = verifyValue(deps.cookieKey, cookieValue(request, pendingCookie(deps.secure)));
  if (!value) return null;
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<PendingSignIn>;
    if (typeof parsed.state !== 'string' || typeof parsed.nonce !== 'string' || typeof parsed.verifier !== 'string' || typeof parsed.returnTo !== 'string') {
      return null;
    }
    return parsed as PendingSignIn;
  } catch {
    return null;
  }
}

/** The portal session's cookie value of a request, if any. */
export const portalSessionToken = (request: FastifyRequest, secure: boolean) => cookieValue(request, portalSessionCookie(secure));

export function registerPortalRoutes(app: FastifyInstance, deps: PortalRoutesDeps): void {
  const page = (reply: FastifyReply, html: string, status = 200) => {
    setPageHeaders(reply, deps.secure);
    return reply.code(status).type('text/html; charset=utf-8').send(html);
  };
  const cookieBase = { httpOnly: true, secure: deps.secure } as const;

  app.get<{ Querystring: { returnTo?: string; fresh?: string } }>('/portal/login', async (request, reply) => {
    await deps.ensureApplication();
    const fresh = request.query.fresh === '1';
    const current = fresh ? await livePortalSession(deps.portal, portalSessionToken(request, deps.secure)) : null;
    const started = await startPortalSignIn(deps.portal, typeof request.query.returnTo === 'string' ? request.query.returnTo : undefined, {
      fresh,
      loginHint: current?.email,
    });
    const value = Buffer.from(JSON.stringify(started.pending)).toString('base64url');
    reply.setCookie(pendingCookie(deps.secure), signValue(deps.cookieKey, value), {
      ...cookieBase,
      path: '/portal',
      sameSite: 'lax',
      maxAge: PENDING_SECONDS,
    });
    return reply.header('cache-control', 'no-store').redirect(started.url, 303);
  });

  app.get('/portal/callback', async (request, reply) => {
    const pending = readPending(deps, request);
    // Used once: a second visit of the same answer finds no pending sign-in.
    reply.clearCookie(pendingCookie(deps.secure), { ...cookieBase, path: '/portal' });
    const url = new URL(request.url, deps.portal.issuer);
    const started = await finishPortalSignIn(deps.portal, url, pending, portalSessionToken(request, deps.secure));
    if (!started.ok) {
      request.log.info({ reqId: request.id, code: started.error }, 'portal sign-in refused');
      return page(reply, renderPage(PortalSignInProblemPage({ message: started.message, correlationId: request.id })), 400);
    }
    reply.setCookie(portalSessionCookie(deps.secure), started.value.token, { ...cookieBase, path: '/', sameSite: 'strict' });
    return reply.header('cache-control', 'no-store').redirect(started.value.returnTo, 303);
  });

  app.get('/portal/session', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const session = await livePortalSession(deps.portal, portalSessionToken(request, deps.secure));
    if (!session) return reply.code(401).send({ signedIn: false });
    return { signedIn: true, userId: session.userId, email: session.email, csrfToken: session.csrf, signedInAt: session.signedInAt };
  });

  app.post('/portal/logout', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const token = portalSessionToken(request, deps.secure);
    const session = await livePortalSession(deps.portal, token);
    if (session && request.headers[PORTAL_CSRF_HEADER] !== session.csrf) {
      return reply.code(403).send({ error: { code: ErrorCodes.csrfInvalid, message: 'sign-out needs the X-CSRF-Token header' } });
    }
    const next = await endPortalSession(deps.portal, token);
    reply.clearCookie(portalSessionCookie(deps.secure), { ...cookieBase, path: '/' });
    return { next };
  });

  app.get('/portal/signed-out', async (_request, reply) => page(reply, renderPage(PortalSignedOutPage())));
}
