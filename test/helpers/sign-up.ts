/**
 * Signing up as a browser does: the sign-up page's proof-of-work challenge solved with
 * altcha-lib (what the widget does in the browser), the form posted with its CSRF token,
 * and the onboarding mail read from the outbox.
 */
import { solveChallenge } from 'altcha-lib';
import { expect } from 'vitest';
import { decode, form, HttpBrowser, type Page } from './http-browser.js';
import { waitForMail } from './mail.js';
import type { TestServer } from './server.js';

/** The sign-up configuration of these tests: a self sign-up domain (and a wildcard), an invite-only one, a mailbox-less one; a quick proof of work. */
export const SIGN_UP_ENV = {
  OUTBOUND_ALLOW_PRIVATE: 'true',
  SIGN_UP_DOMAINS: 'agency.gov.sg,*.statutory.gov.sg,local.gov.sg',
  SIGN_UP_INVITE_ONLY_DOMAINS: 'partner.com.sg',
  SIGN_UP_MAILBOXLESS_DOMAINS: 'shared.gov.sg',
  ALTCHA_MAX_NUMBER: '2000',
};

export const ONBOARDING_SUBJECT = 'Finish setting up your TechPass account';

/** The widget's answer to the page's challenge: base64 JSON of the challenge and the number found. */
export async function solveAltcha(page: Page): Promise<string> {
  const json = /challengejson="([^"]+)"/.exec(page.html)?.[1];
  if (!json) throw new Error(`no proof-of-work challenge on ${page.url}`);
  const challenge = JSON.parse(decode(json)) as { algorithm: string; challenge: string; maxnumber: number; salt: string; signature: string };
  const solution = await solveChallenge(challenge.challenge, challenge.salt, challenge.algorithm, challenge.maxnumber).promise;
  if (!solution) throw new Error('the challenge could not be solved');
  const payload = { algorithm: challenge.algorithm, challenge: challenge.challenge, number: solution.number, salt: challenge.salt, signature: challenge.signature };
  return Buffer.from(JSON.stringify(payload)).toString('base64');
}

/** Opens /signup (from `clientId`'s sign-in page when given), solves its check, and sends `email`; answers the page it leads to. */
export async function signUp(
  tp: TestServer,
  email: string,
  o: { browser?: HttpBrowser; clientId?: string; proof?: (solved: string) => string | Promise<string> } = {},
): Promise<{ page: Page; proof: string; browser: HttpBrowser }> {
  const browser = o.browser ?? new HttpBrowser();
  const start = await browser.follow(`${tp.issuer}/signup${o.clientId ? `?client_id=${encodeURIComponent(o.clientId)}` : ''}`);
  expect(start.status).toBe(200);
  const solved = await solveAltcha(start);
  const proof = o.proof ? await o.proof(solved) : solved;
  const f = form(start, '/signup');
  const page = await browser.follow(f.action, { form: { ...f.fields, email, altcha: proof } });
  return { page, proof, browser };
}

/** The newest onboarding mail to `email` after `after` (ms) and its link. */
export async function onboardingMail(tp: TestServer, email: string, after = 0) {
  const mail = await waitForMail(tp, email, ONBOARDING_SUBJECT, after);
  const link = /https?:\/\/\S+\/onboarding\/[\w-]+\.[\w-]+/.exec(mail.text)?.[0];
  if (!link) throw new Error(`no onboarding link in:\n${mail.text}`);
  return { mail, link };
}

/** Opens the onboarding link and presses Continue (with a password for a domain without a provider); answers the page it leads to. */
export async function openOnboarding(browser: HttpBrowser, link: string, password?: string): Promise<Page> {
  const page = await browser.follow(link);
  if (page.status !== 200) return page;
  const f = form(page, new URL(link).pathname);
  return browser.follow(f.action, { form: { ...f.fields, ...(password ? { password, confirm: password } : {}) } });
}
