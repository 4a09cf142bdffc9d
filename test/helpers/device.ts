/**
 * The person's side of the device authorization grant (RFC 8628), as a browser would
 * do it: open the verification URI (or the one with the code in it), type the code,
 * confirm it (or cancel), then the normal TechPass sign-in (password, MFA).
 */
import { createUser } from '../../src/flows/administration.js';
import { administrationDeps } from '../../src/cli/demo.js';
import { systemClock } from '../../src/platform/clock.js';
import { PASSWORD } from './directory.js';
import { forms, HttpBrowser, text, type Page } from './http-browser.js';
import { rememberSeed } from './phone.js';
import type { TestServer } from './server.js';
import { completeSignIn } from './sign-in.js';

/** An account with a password and an authenticator app (codes from oathtool, test/helpers/phone.ts). */
export async function totpPerson(tp: TestServer, email: string, seed: string, options: { platformAdmin?: boolean } = {}) {
  const result = await createUser(administrationDeps(tp.server.store, systemClock), 'test', {
    email,
    givenName: email.split('@')[0]!,
    familyName: 'Tester',
    password: PASSWORD,
    totpSecret: seed,
    ...(options.platformAdmin ? { platformAdmin: true } : {}),
  });
  if (!result.ok) throw new Error(result.message);
  rememberSeed(new URL(tp.url).origin, email, seed);
  return result.value;
}

/** The code entry page's problem (data-problem), if it shows one. */
export const deviceProblem = (page: Page) => /data-problem="([a-z_]+)"/.exec(page.html)?.[1];

/** Opens `/device`, types `userCode`: answers the next page (the confirmation, or the entry page with a problem). */
export async function enterUserCode(browser: HttpBrowser, verificationUri: string, userCode: string): Promise<Page> {
  const entry = await browser.follow(verificationUri);
  if (entry.status !== 200) throw new Error(`the code page answered ${entry.status}: ${text(entry).slice(0, 300)}`);
  const f = forms(entry)[0];
  if (!f) return entry;
  return browser.follow(f.action, { form: { ...f.fields, user_code: userCode } });
}

/**
 * Opens `verification_uri_complete` (the link with the code in it): the provider answers
 * a self-submitting form, posted here as the browser would; answers the confirmation page.
 */
export async function openCompleteUri(browser: HttpBrowser, uri: string): Promise<Page> {
  const page = await browser.follow(uri);
  const f = forms(page)[0];
  if (!f || !('user_code' in f.fields)) throw new Error(`no self-submitting form at ${uri}: ${text(page).slice(0, 300)}`);
  return browser.follow(f.action, { form: f.fields });
}

/** From the confirmation page: confirms and signs `login` in (password, then TOTP); answers the last page. */
export async function confirmAndSignIn(browser: HttpBrowser, confirmation: Page, login: string): Promise<Page> {
  const f = forms(confirmation).find((x) => 'user_code' in x.fields);
  if (!f) throw new Error(`not the confirmation page: ${confirmation.url} ${text(confirmation).slice(0, 400)}`);
  const origin = new URL(confirmation.url).origin;
  const resume = `${origin}/device/`;
  const back = (url: string) => url.startsWith(resume);
  let page = await browser.follow(f.action, { form: { ...f.fields, confirm: 'yes' } }, back);
  // The sign-in's interactions (login, then the application's terms) each come back to /device/<uid>.
  for (let rounds = 0; rounds < 4; rounds += 1) {
    const last = page.stopped ? page : await completeSignIn(browser, page, { clientId: '', redirectUri: resume, login, password: PASSWORD });
    if (!last.stopped) throw new Error(`sign-in stopped at ${last.url} (${last.status}): ${text(last).slice(0, 400)}`);
    page = await browser.follow(last.url, {}, back);
    if (!page.stopped && !new URL(page.url).pathname.startsWith('/login/')) return page;
  }
  throw new Error(`the device sign-in did not finish: ${page.url}`);
}

/** From the confirmation page: cancels. */
export async function cancel(browser: HttpBrowser, confirmation: Page): Promise<Page> {
  const f = forms(confirmation).find((x) => 'user_code' in x.fields)!;
  return browser.follow(f.action, { form: { ...f.fields, abort: 'yes' } });
}

/** The whole approval: code typed at `verificationUri`, confirmed, signed in. */
export async function approveDevice(tp: TestServer, userCode: string, login: string, browser = new HttpBrowser()): Promise<Page> {
  const confirmation = await enterUserCode(browser, `${tp.issuer}/device`, userCode);
  return confirmAndSignIn(browser, confirmation, login);
}
