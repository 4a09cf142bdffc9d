/**
 * Signs in the way a relying party and a browser would: openid-client builds the
 * authorization request (PKCE, state, nonce), an HttpBrowser posts the sign-in
 * forms, openid-client exchanges the code and validates the ID token.
 */
import * as client from 'openid-client';
import { form, forms, HttpBrowser, text, type Page } from './http-browser.js';
import { approveOnPhone, knownSeed, nextTotpCode, phoneOf, rememberSeed } from './phone.js';
import type { TestServer } from './server.js';

export interface SignInOptions {
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
  login: string;
  password: string;
  scope?: string;
  prompt?: string;
  browser?: HttpBrowser;
  /** Accept the terms of use when asked (default true). */
  acceptTerms?: boolean;
  /** Accept the platform's Privacy Policy and Terms of Use when asked (default true); false stops at that page. */
  acceptPolicies?: boolean;
  /** Answers the TOTP page, e.g. with a code from oathtool. */
  totp?: () => string;
  /** The assurance the application asks for, e.g. urn:techpass:aal2. */
  acrValues?: string;
  /** Approves the push prompt showing `number` (signIn sets it from the account's test phone). */
  approvePush?: (number: string) => Promise<unknown>;
}

export async function rpConfig(tp: TestServer, clientId: string, clientSecret?: string): Promise<client.Configuration> {
  return client.discovery(new URL(tp.issuer), clientId, clientSecret, clientSecret ? client.ClientSecretBasic(clientSecret) : client.None(), {
    execute: [client.allowInsecureRequests],
  });
}

export interface AuthorizationStart {
  config: client.Configuration;
  url: string;
  verifier: string;
  state: string;
  nonce: string;
}

export async function startAuthorization(tp: TestServer, o: Omit<SignInOptions, 'login' | 'password'>): Promise<AuthorizationStart> {
  const config = await rpConfig(tp, o.clientId, o.clientSecret);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: o.redirectUri,
    scope: o.scope ?? 'openid profile email',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(o.prompt ? { prompt: o.prompt } : {}),
    ...(o.acrValues ? { acr_values: o.acrValues } : {}),
  });
  return { config, url: url.toString(), verifier, state, nonce };
}

export async function finishAuthorization(start: AuthorizationStart, callbackUrl: string) {
  return client.authorizationCodeGrant(start.config, new URL(callbackUrl), {
    pkceCodeVerifier: start.verifier,
    expectedState: start.state,
    expectedNonce: start.nonce,
    idTokenExpected: true,
  });
}

/** Answers each page of the sign-in until the browser is sent back to the application. */
export async function completeSignIn(browser: HttpBrowser, first: Page, o: SignInOptions): Promise<Page> {
  const back = (url: string) => url.startsWith(o.redirectUri);
  let page = first;
  if (!o.approvePush && !first.stopped) {
    const phone = phoneOf({ url: new URL(first.url).origin }, o.login);
    if (phone) o = { ...o, approvePush: (number) => approveOnPhone(phone, number) };
  }
  for (let steps = 0; !page.stopped; steps += 1) {
    if (steps > 8) throw new Error(`sign-in did not finish; stuck at ${page.url}`);
    if (page.html.includes('document.forms[0].submit()')) {
      // The provider's self-submitting form (e.g. ending the previous account's session on a switch).
      const f = forms(page)[0]!;
      page = await browser.follow(f.action, { form: f.fields }, back);
      continue;
    }
    const path = new URL(page.url).pathname;
    if (!path.startsWith('/login/'))
      throw new Error(`unexpected page ${page.url} (${page.status}): ${page.html.replace(/<style[\s\S]*?<\/style>/, '').slice(0, 1500)}`);
    if (page.html.includes('/identify"')) {
      const f = form(page, '/identify');
      page = await browser.follow(f.action, { form: { ...f.fields, login: o.login } }, back);
    } else if (page.html.includes('/password"')) {
      // A wrong password answers 401 with the form again: stop rather than try again (and lock the account).
      if (page.status === 401) return page;
      const f = form(page, '/password');
      page = await browser.follow(f.action, { form: { ...f.fields, password: o.password } }, back);
    } else if (page.html.includes('data-testid="push-number"') && o.approvePush && !page.html.includes('Not approved yet')) {
      const number = /data-testid="push-number"[^>]*>(\d+)</.exec(page.html)![1]!;
      await o.approvePush(number);
      const f = form(page, '/push');
      page = await browser.follow(f.action, { form: f.fields }, back);
    } else if (page.html.includes('/enrol-authenticator"') && page.html.includes('name="method" value="otp"')) {
      // The enrol page offers the TechPass Authenticator first; these tests enrol an authenticator app (oathtool's codes).
      const f = forms(page).find((x) => x.action.endsWith('/enrol-choose') && x.fields.method === 'otp')!;
      page = await browser.follow(f.action, { form: f.fields }, back);
    } else if (page.html.includes('/enrol-totp"')) {
      // MFA is mandatory: an account without a second factor enrols an authenticator app, here with oathtool's codes.
      const seed = /data-testid="totp-seed">([^<]+)</.exec(page.html)![1]!.replace(/\s/g, '');
      rememberSeed(new URL(page.url).origin, o.login, seed);
      const f = form(page, '/enrol-totp');
      page = await browser.follow(f.action, { form: { ...f.fields, code: await nextTotpCode(new URL(page.url).origin, o.login) } }, back);
    } else if (page.html.includes('/totp"') && !o.totp && knownSeed(new URL(page.url).origin, o.login)) {
      if (page.status === 401) return page;
      const f = form(page, '/totp');
      page = await browser.follow(f.action, { form: { ...f.fields, code: await nextTotpCode(new URL(page.url).origin, o.login) } }, back);
    } else if (page.html.includes('/totp"') && o.totp) {
      if (page.status === 401) return page;
      const f = form(page, '/totp');
      page = await browser.follow(f.action, { form: { ...f.fields, code: o.totp() } }, back);
    } else if (page.html.includes('/policies"')) {
      // The platform policies (issue 18), asked after MFA; its links (/policies/terms) are not the application's terms.
      if (o.acceptPolicies === false) return page;
      const f = form(page, '/policies');
      page = await browser.follow(f.action, { form: f.fields }, back);
    } else if (page.html.includes('/terms"') && o.acceptTerms !== false) {
      const f = form(page, '/terms');
      page = await browser.follow(f.action, { form: f.fields }, back);
    } else {
      return page;
    }
  }
  return page;
}

/** The whole journey; answers the tokens, the RP configuration and the browser (for SSO follow-ups). */
export async function signIn(tp: TestServer, o: SignInOptions) {
  const browser = o.browser ?? new HttpBrowser();
  const phone = phoneOf(tp, o.login);
  if (phone && !o.approvePush) o = { ...o, approvePush: (number) => approveOnPhone(phone, number) };
  const start = await startAuthorization(tp, o);
  const first = await browser.follow(start.url, {}, (url) => url.startsWith(o.redirectUri));
  const last = first.stopped ? first : await completeSignIn(browser, first, o);
  if (!last.stopped) throw new Error(`sign-in stopped at ${last.url} (${last.status}): ${text(last).slice(0, 300)}`);
  const tokens = await finishAuthorization(start, last.url);
  return { tokens, config: start.config, browser, callbackUrl: last.url };
}
