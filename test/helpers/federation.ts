/**
 * Federation tests' common steps: an independent upstream provider registered in
 * TechPass (the way `techpass idp add` does it), and a browser taken from the
 * application through TechPass's identify page to the upstream's sign-in page.
 */
import { identityProviderDeps } from '../../src/cli/commands/idp-options.js';
import { FEDERATION_CALLBACK_PATH } from '../../src/domain/identity-providers.js';
import { addIdentityProvider } from '../../src/flows/identity-providers.js';
import { UPSTREAM_SIGN_OUT_DONE_PATH } from '../../src/strategies/upstream-oidc/sign-out.js';
import type { UpstreamProvider, UpstreamUser } from '../../src/oidc/demo-upstream/index.js';
import { form, HttpBrowser, type Page } from './http-browser.js';
import type { TestServer } from './server.js';
import { startAuthorization, type AuthorizationStart } from './sign-in.js';
import { startTestUpstream } from './upstream.js';

export const UPSTREAM_SECRET = 'upstream-client-secret-for-techpass-42';

/** Starts an upstream with `users` and registers it in TechPass as `name`, serving `domains`. */
export async function federatedUpstream(
  tp: TestServer,
  o: { name: string; domains: string[]; users: UpstreamUser[]; endSession?: boolean },
): Promise<UpstreamProvider> {
  const callback = `${tp.issuer}${FEDERATION_CALLBACK_PATH}`;
  const upstream = await startTestUpstream(
    {
      clientId: `techpass-${o.name}`,
      clientSecret: UPSTREAM_SECRET,
      redirectUris: [callback],
      postLogoutRedirectUris: [`${tp.issuer}${UPSTREAM_SIGN_OUT_DONE_PATH}`],
      // Its pages say "to continue to TechPass", as a real provider names the registered application.
      name: 'TechPass',
    },
    // "Sign in to your Upstream wog account".
    { users: o.users, issuerName: `Upstream ${o.name} account` },
  );
  const added = await addIdentityProvider(identityProviderDeps(tp.server.store, tp.config), 'test', {
    name: o.name,
    displayName: `Upstream ${o.name}`,
    issuer: upstream.issuer,
    clientId: `techpass-${o.name}`,
    credentials: { method: 'client_secret', clientSecret: UPSTREAM_SECRET },
    domains: o.domains,
    ...(o.endSession ? { endSession: true } : {}),
  });
  if (!added.ok) throw new Error(added.message);
  return upstream;
}

/** A browser at the upstream's sign-in page, sent there by TechPass's identify page for `login`. */
export async function toUpstream(
  tp: TestServer,
  app: { clientId: string; clientSecret?: string | undefined; redirectUri: string },
  login: string,
  upstream: UpstreamProvider,
  browser = new HttpBrowser(),
): Promise<{ browser: HttpBrowser; start: AuthorizationStart; page: Page; signInPage: Page }> {
  const start = await startAuthorization(tp, {
    clientId: app.clientId,
    ...(app.clientSecret ? { clientSecret: app.clientSecret } : {}),
    redirectUri: app.redirectUri,
  });
  const signInPage = await browser.follow(start.url, {}, (u) => u.startsWith(app.redirectUri));
  const identify = form(signInPage, '/identify');
  const page = await browser.follow(identify.action, { form: { ...identify.fields, login } }, (u) => u.startsWith(app.redirectUri));
  if (!page.url.startsWith(upstream.url)) throw new Error(`not sent to the upstream: ${page.url} (${page.status})`);
  return { browser, start, page, signInPage };
}

/** Stops a browser at TechPass's federation callback, before it is followed. */
export const atCallback = (tp: TestServer) => (url: string) => url.startsWith(`${tp.issuer}${FEDERATION_CALLBACK_PATH}`);
