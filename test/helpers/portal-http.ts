/**
 * The portal's backend-for-frontend session without a real browser: `login` signs in
 * at /portal/login (password and the test phone), and the management API is called with
 * the session's cookie and CSRF header, as the portal's JavaScript does.
 */
import { PASSWORD } from './directory.js';
import { HttpBrowser, type Page } from './http-browser.js';
import { api, type ApiAnswer } from './api.js';
import type { TestServer } from './server.js';
import { completeSignIn } from './sign-in.js';

export interface PortalHttpSession {
  browser: HttpBrowser;
  call(method: string, path: string, body?: unknown): Promise<ApiAnswer>;
}

/** Finishes a portal sign-in stopped at its callback: the session and its API calls. */
export async function portalSessionAt(tp: TestServer, browser: HttpBrowser, callback: Page): Promise<PortalHttpSession> {
  const landed = await browser.request(callback.url);
  if (landed.status !== 303) throw new Error(`the portal's callback answered ${landed.status}`);
  const session = (await (await browser.request(`${tp.issuer}/portal/session`)).json()) as { csrfToken: string };
  const cookie = () => [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return {
    browser,
    call: (method, path, body) => api(tp, method, `/api/v1${path}`, { headers: { cookie: cookie(), 'x-csrf-token': session.csrfToken }, body }),
  };
}

/** `login` signed in to the portal in a new browser with `userAgent`. */
export async function portalHttp(tp: TestServer, login: string, options: { userAgent?: string; password?: string } = {}): Promise<PortalHttpSession> {
  const browser = new HttpBrowser({ 'user-agent': options.userAgent ?? 'PortalBrowser/1.0' });
  const callback = portalCallback(tp);
  const back = (u: string) => u.startsWith(callback);
  const first = await browser.follow(`${tp.issuer}/portal/login`, {}, back);
  const at = first.stopped
    ? first
    : await completeSignIn(browser, first, { clientId: '', redirectUri: callback, login, password: options.password ?? PASSWORD });
  if (!at.stopped) throw new Error(`the portal sign-in stopped at ${at.url} (${at.status})`);
  return portalSessionAt(tp, browser, at);
}

export const portalCallback = (tp: TestServer) => `${tp.issuer}/portal/callback`;
