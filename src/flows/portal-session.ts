/**
 * The TechPass portal's backend-for-frontend session (issue 19's portal session, issue
 * 20's portal). The portal is an application of the platform namespace and signs its
 * people in with TechPass itself: authorization code + PKCE S256 + state + nonce, the
 * code exchanged at TechPass' own token endpoint in process (`fetch`, see
 * http/app.ts `inProcessFetch`), the ID token checked by openid-client. Then:
 * - the browser gets an HttpOnly cookie holding a random token; the database keeps only
 *   its SHA-256 (a copy of the database opens no session);
 * - the portal's JavaScript gets a CSRF value (from `GET /portal/session`) that it sends
 *   in a header with every API call; a request with the cookie and without the header,
 *   or with another value, is refused;
 * - no token of TechPass' reaches the browser: the session, not a token, is the
 *   credential of the management API (`via: portal_session`).
 * A session ends at its absolute lifetime, after an idle period, at sign-out, and with
 * every other session of the account (password reset, MFA reset, lock, status change:
 * flows/account-sessions.ts deletes its rows).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as oidc from 'openid-client';
import { ErrorCodes } from '../contracts/errors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import type { Caller } from '../domain/authorization.js';
import type { NamespaceRepository, PortalSessions, UserRepository, AuditLog } from '../domain/repositories.js';
import { asUserId } from '../domain/ids.js';
import { standingRefusal } from '../domain/users.js';
import { sidOfIdToken } from '../domain/sessions.js';
import type { Clock } from '../platform/clock.js';

export interface PortalSessionDeps {
  /** PUBLIC_URL: the issuer, and where the portal lives (`<issuer>/portal`). */
  issuer: string;
  /** The portal application's client id (ensured at start-up: platform-applications.ts). */
  clientId(): string;
  /** TechPass' own endpoints, in process. */
  fetch: typeof fetch;
  sessions: PortalSessions;
  users: UserRepository;
  namespaces: Pick<NamespaceRepository, 'administeredBy'>;
  audit: AuditLog;
  clock: Clock;
  /** The uid of the TechPass session an authorization code was issued in (kept with the portal session: "this browser"). */
  sessionOfCode?(code: string): Promise<string | null>;
  /** Lifetimes: absolute (default 12 h) and idle (default 1 h). */
  absoluteMs: number;
  idleMs: number;
}

export const PORTAL_PATH = '/portal';
export const portalRedirectUri = (issuer: string) => `${issuer}${PORTAL_PATH}/callback`;
export const portalSignedOutUri = (issuer: string) => `${issuer}${PORTAL_PATH}/signed-out`;

/** What the browser keeps between `/portal/login` and the callback (in a signed, HttpOnly cookie). */
export interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  /** Where in the portal to land afterwards (a path under /portal only). */
  returnTo: string;
  /**
   * A sign-in to confirm it is the person (`prompt=login`), before changing their second
   * factors: the answer must show a sign-in made after `startedAt`.
   */
  fresh?: boolean;
  startedAt?: number;
}

const digest = (token: string) => createHash('sha256').update(token).digest('base64url');

const configs = new WeakMap<PortalSessionDeps, Promise<oidc.Configuration>>();

/** openid-client's view of TechPass, discovered once (in process) per deps. */
function configuration(deps: PortalSessionDeps): Promise<oidc.Configuration> {
  let found = configs.get(deps);
  if (!found) {
    const issuer = new URL(deps.issuer);
    found = oidc
      .discovery(issuer, deps.clientId(), undefined, oidc.None(), {
        [oidc.customFetch]: deps.fetch as never,
        ...(issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {}),
      })
      .then((config) => {
        config[oidc.customFetch] = deps.fetch as never;
        return config;
      });
    found.catch(() => configs.delete(deps));
    configs.set(deps, found);
  }
  return found;
}

/** A path under /portal to come back to; anything else is the portal's home. */
export function safeReturnTo(value: string | undefined): string {
  if (!value || !/^\/portal(\/[A-Za-z0-9._~\-/]*)?(\?[A-Za-z0-9._~\-=&%]*)?$/.test(value) || value.includes('//') || /\/\.\.?(\/|$|\?)/.test(value)) return `${PORTAL_PATH}/`;
  return value;
}

/** Starts a sign-in: the authorization URL and what the browser must keep until the callback. */
export async function startPortalSignIn(
  deps: PortalSessionDeps,
  returnTo: string | undefined,
  options: { fresh?: boolean; loginHint?: string | undefined } = {},
): Promise<{ url: string; pending: PendingSignIn }> {
  const config = await configuration(deps);
  const pending: PendingSignIn = {
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    verifier: oidc.randomPKCECodeVerifier(),
    returnTo: safeReturnTo(returnTo),
    ...(options.fresh ? { fresh: true, startedAt: deps.clock.now() } : {}),
  };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: portalRedirectUri(deps.issuer),
    scope: 'openid profile email',
    code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
    code_challenge_method: 'S256',
    state: pending.state,
    nonce: pending.nonce,
    // To confirm it is the person: a whole sign-in again (no single sign-on), and its time in the ID token.
    ...(options.fresh ? { prompt: 'login', max_age: '0' } : {}),
    // Confirming it is the person already signed in: their TechPass ID is typed for them.
    ...(options.fresh && options.loginHint ? { login_hint: options.loginHint } : {}),
  });
  return { url: url.toString(), pending };
}

export interface PortalSessionStarted {
  /** The cookie's value: shown to the browser once, stored only as a digest. */
  token: string;
  returnTo: string;
}

/**
 * The provider's answer at `/portal/callback`: checked (state, PKCE, ID token with its
 * nonce), then a session for the person, if their account may sign in now.
 */
export async function finishPortalSignIn(
  deps: PortalSessionDeps,
  callbackUrl: URL,
  pending: PendingSignIn | null,
  previousToken?: string,
): Promise<Result<PortalSessionStarted>> {
  if (!pending) return fail(ErrorCodes.flowExpired, 'This sign-in to the portal expired or was started in another browser. Please sign in again.');
  const error = callbackUrl.searchParams.get('error');
  if (error) {
    const description = callbackUrl.searchParams.get('error_description');
    return fail(ErrorCodes.signInRequired, `The sign-in did not finish${description ? `: ${description}` : ` (${error})`}.`);
  }
  const config = await configuration(deps);
  // Read before the exchange consumes the code; a code that does not exchange opens nothing.
  const code = callbackUrl.searchParams.get('code');
  const sessionUid = code && deps.sessionOfCode ? await deps.sessionOfCode(code) : null;
  let claims: oidc.IDToken | undefined;
  let idToken: string | undefined;
  try {
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    claims = tokens.claims();
    idToken = tokens.id_token;
  } catch (e) {
    if (e instanceof oidc.ResponseBodyError || e instanceof oidc.AuthorizationResponseError || (e as { code?: string }).code?.startsWith('OAUTH_')) {
      return fail(ErrorCodes.flowExpired, 'This sign-in to the portal could not be completed (it was already used, or it expired). Please sign in again.');
    }
    throw e;
  }
  if (!claims || !idToken) return fail(ErrorCodes.flowExpired, 'The sign-in answered no identity. Please sign in again.');
  const user = await deps.users.findById(asUserId(claims.sub));
  if (!user || standingRefusal(user)) return fail(ErrorCodes.signInRequired, 'Your account may not sign in to the portal now.');
  const signedInAt = typeof claims.auth_time === 'number' ? claims.auth_time * 1000 : null;
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((m): m is string => typeof m === 'string') : [];
  // auth_time has whole seconds: a sign-in made after the request may read up to a second earlier.
  if (pending.fresh && (signedInAt === null || signedInAt < (pending.startedAt ?? Infinity) - 1000)) {
    return fail(ErrorCodes.signInRequired, 'TechPass did not ask you to sign in again, so the portal could not confirm it is you. Please try again.');
  }
  const now = deps.clock.now();
  // The session this browser had (if any) is replaced, not left behind.
  if (previousToken) await deps.sessions.remove(digest(previousToken));
  const token = randomBytes(32).toString('base64url');
  await deps.sessions.create({
    id: digest(token),
    userId: user.id,
    csrf: randomBytes(24).toString('base64url'),
    idToken,
    sessionUid,
    createdAt: now,
    expiresAt: now + deps.absoluteMs,
    idleExpiresAt: now + Math.min(deps.idleMs, deps.absoluteMs),
    signedInAt,
    amr,
  });
  await deps.audit.append({ actor: user.id, action: 'portal.signed_in', targetType: 'user', targetId: user.id, data: pending.fresh ? { fresh: true, amr } : {} });
  return ok({ token, returnTo: pending.returnTo });
}

export interface LivePortalSession {
  /** The stored id (the cookie token's digest). */
  id: string;
  userId: string;
  email: string;
  csrf: string;
  signedInAt: number | null;
  amr: string[];
}

/** The live session a cookie names (moving its idle expiry), or null. Never checks CSRF: see `portalCaller`. */
export async function livePortalSession(deps: PortalSessionDeps, token: string | undefined): Promise<LivePortalSession | null> {
  if (!token) return null;
  const now = deps.clock.now();
  const session = await deps.sessions.findLive(digest(token), now);
  if (!session) return null;
  const user = await deps.users.findById(session.userId);
  if (!user || standingRefusal(user)) return null;
  // Touched at most once a minute: a page of API calls writes once.
  const idle = Math.min(now + deps.idleMs, session.expiresAt);
  if (idle - session.idleExpiresAt > 60_000) await deps.sessions.touch(session.id, idle);
  return { id: session.id, userId: user.id, email: user.email, csrf: session.csrf, signedInAt: session.signedInAt, amr: session.amr };
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * The management API's caller for a request that carries the portal's cookie: the
 * session must be live and the CSRF header must carry its value.
 */
export async function portalCaller(deps: PortalSessionDeps, token: string, csrfHeader: string | undefined): Promise<Result<Caller>> {
  const session = await livePortalSession(deps, token);
  if (!session) return fail(ErrorCodes.apiTokenInvalid, 'your portal session has ended; sign in again');
  if (!csrfHeader || !sameSecret(csrfHeader, session.csrf)) {
    return fail(ErrorCodes.csrfInvalid, 'the portal session needs its CSRF header (X-CSRF-Token) on every API call');
  }
  const userId = asUserId(session.userId);
  const user = await deps.users.findById(userId);
  if (!user) return fail(ErrorCodes.apiTokenInvalid, 'your portal session has ended; sign in again');
  const adminOf = new Set(await deps.namespaces.administeredBy(userId));
  return ok({
    userId,
    email: user.email,
    platformAdmin: user.platformRole === 'admin',
    adminOf,
    via: 'portal_session',
    ...(session.signedInAt !== null ? { signedIn: { at: session.signedInAt, amr: session.amr } } : {}),
    portalSession: session.id,
  });
}

/** The TechPass session a live portal session signed in with: its uid, and its ID token's `sid` if it carries one. */
export async function portalSessionOrigin(
  deps: Pick<PortalSessionDeps, 'sessions' | 'clock'>,
  token: string | undefined,
): Promise<{ sessionUid: string | null; sid: string | null } | null> {
  if (!token) return null;
  const session = await deps.sessions.findLive(digest(token), deps.clock.now());
  return session ? { sessionUid: session.sessionUid ?? null, sid: sidOfIdToken(session.idToken) } : null;
}

/** Signs out of the portal: the session ends here, and the answer is where to send the browser to end TechPass' own. */
export async function endPortalSession(deps: PortalSessionDeps, token: string | undefined): Promise<string> {
  const signedOut = portalSignedOutUri(deps.issuer);
  if (!token) return signedOut;
  const session = await deps.sessions.findLive(digest(token), deps.clock.now());
  await deps.sessions.remove(digest(token));
  if (!session) return signedOut;
  await deps.audit.append({ actor: session.userId, action: 'portal.signed_out', targetType: 'user', targetId: session.userId, data: {} });
  const config = await configuration(deps);
  return oidc.buildEndSessionUrl(config, { id_token_hint: session.idToken, post_logout_redirect_uri: signedOut }).toString();
}
