/**
 * The independent upstream OpenID provider of federation tests (src/oidc/demo-upstream),
 * with one user and one client by default, and the steps a person takes on its pages.
 */
import {
  startUpstreamProvider,
  type UpstreamClient,
  type UpstreamOptions,
  type UpstreamProvider,
  type UpstreamUser,
} from '../../src/oidc/demo-upstream/index.js';
import { form, type HttpBrowser, type Page } from './http-browser.js';

export const UPSTREAM_PASSWORD = 'Upstream-Password-2026';

export const upstreamUser = (email: string, overrides: Partial<UpstreamUser> = {}): UpstreamUser => ({
  sub: `upstream-${email}`,
  email,
  givenName: 'Jane',
  familyName: 'Tan',
  agency: 'Test Agency',
  department: 'Digital Services',
  password: UPSTREAM_PASSWORD,
  ...overrides,
});

/** An upstream with `users` (default one, officer@agency.gov.sg) and one client for `client`. */
export async function startTestUpstream(client: UpstreamClient, options: Partial<Omit<UpstreamOptions, 'clients'>> = {}): Promise<UpstreamProvider> {
  return startUpstreamProvider({ ...options, users: options.users ?? [upstreamUser('officer@agency.gov.sg')], clients: [client] });
}

/** On the upstream's sign-in page: types the e-mail and password and signs in; follows until `stop` (e.g. the callback). */
export async function signInAtUpstream(
  browser: HttpBrowser,
  page: Page,
  credentials: { email: string; password?: string },
  stop: (url: string) => boolean,
): Promise<Page> {
  const login = form(page, '/login');
  return browser.follow(
    login.action,
    { form: { ...login.fields, email: credentials.email, password: credentials.password ?? UPSTREAM_PASSWORD } },
    stop,
  );
}

/** On the upstream's sign-in page: presses Cancel; follows until `stop`. */
export async function cancelAtUpstream(browser: HttpBrowser, page: Page, stop: (url: string) => boolean): Promise<Page> {
  const cancel = form(page, '/cancel');
  return browser.follow(cancel.action, { form: cancel.fields }, stop);
}
