/**
 * Records what a person can recognise of each of their TechPass sessions (the "signed-in
 * sessions" of the portal's My Account): the browser's user agent and address, when the
 * session signed in and when it was last used at /authorize, and the account picker's
 * remembered account in that browser (its live session ends with the session: see
 * persistence/repositories/own-sessions.ts). Runs after the provider saved the session, so
 * the row it describes exists; keyed by the session's stable `uid`, never its cookie value.
 */
import type { Provider } from 'oidc-provider';
import { asUserId } from '../domain/ids.js';
import type { OwnSessions, RememberedAccounts } from '../domain/repositories.js';
import { readRememberedRefs } from '../platform/signed-cookie.js';

export interface SessionBrowserDeps {
  sessions: Pick<OwnSessions, 'seen'>;
  remembered: Pick<RememberedAccounts, 'find'>;
  cookieKey: Buffer;
  cookieName: string;
}

export function recordSessionBrowsers(provider: Provider, deps: SessionBrowserDeps): void {
  provider.use(async (ctx, next) => {
    await next();
    if (!ctx.path.startsWith('/authorize') || ctx.status >= 400) return;
    const session = (ctx.oidc as { session?: { uid?: string; accountId?: string; destroyed?: boolean } } | undefined)?.session;
    if (!session?.uid || !session.accountId || session.destroyed) return;
    const userId = asUserId(session.accountId);
    const refs = readRememberedRefs(deps.cookieKey, ctx.cookies.get(deps.cookieName));
    const remembered = (await deps.remembered.find(refs)).find((r) => r.userId === userId);
    await deps.sessions.seen({
      sessionUid: session.uid,
      userId,
      ip: ctx.ip || null,
      userAgent: ctx.get('user-agent') || null,
      rememberedRef: remembered?.ref ?? null,
    });
  });
}
