/**
 * What a sign-in page says and with which status: the words of each problem, and
 * the page of each view model. Rendering only: the flow layer decided what to show.
 */
import { ERROR_STATUS, ErrorCodes } from '../contracts/errors.js';
import type { SignInProblem } from '../flows/sign-in.js';
import type { SignInView } from '../flows/sign-in-view.js';
import { EnrolAuthenticatorPage, EnrolPasskeyPage, EnrolTotpPage } from '../ui/enrol-pages.js';
import { PasskeyPage, PushPage, TotpPage } from '../ui/factor-pages.js';
import type { FormContext } from '../ui/form-parts.js';
import { qrSvg } from '../ui/qr.js';
import { PoliciesPage } from '../ui/policy-pages.js';
import { ErrorPage, FederatingPage, IdentifyPage, PasswordPage, PickerPage, RefusedPage, ResumePage, TermsPage } from '../ui/sign-in-pages.js';

export const PROBLEMS: Record<SignInProblem, string> = {
  // The same words for an unknown account and a locked one: the page must not say which accounts exist.
  wrong_password:
    'The TechPass ID or password is not correct. Check them and try again. After too many wrong attempts an account is locked: Forgot your password? unlocks it.',
  wrong_code: 'That code is not correct. Enter the 6-digit code your authenticator app shows now.',
  reused_code: 'That code was already used. Wait for the next code in your authenticator app.',
  expired: 'This sign-in took too long and has expired. Go back to the application and start again.',
  stale: 'This page was out of date, so nothing was changed. Check the details and try again.',
  federation_replayed:
    'That answer from your organisation’s sign-in was already used or is out of date, so nothing was changed. Continue from this page.',
  push_pending: 'Not approved yet. Enter the number in the TechPass Authenticator on your phone and tap Yes, then continue.',
  push_denied: 'The request was denied on your phone. If that was a mistake, send a new request.',
  push_wrong_number: 'The number entered on your phone did not match. Send a new request and enter the number shown here.',
  push_expired: 'The request expired before it was approved. Send a new request.',
  push_unavailable:
    'A request cannot be sent to your phone right now (too many requests, or paused after repeated denials). Try again later or use another method.',
  passkey_failed: 'That passkey could not be verified for this account. Try again, or use another method.',
  passkey_taken: 'That passkey is already registered to a TechPass account. Create a new one.',
  authenticator_not_enrolled:
    'Your phone has not added your account yet. Open the link (or scan the code) on your phone, add the account, then continue.',
  onboarding_ended:
    'This onboarding link no longer works: a newer link replaced it, or it expired. Open the link in your newest TechPass mail, or sign up again.',
  no_other_factor:
    'You have no other way to verify that it is you. Contact the TechPass team (your agency IT helpdesk): after checking who you are, a platform administrator can reset your second factor, and you then set up a new one at your next sign-in.',
};

/**
 * The status of the page that shows each problem. Refused credentials take their
 * code's status from ERROR_STATUS; a page that only reports progress (push waiting,
 * phone not enrolled yet) is a 200; what was sent conflicts with the flow or the
 * account (an out-of-date page, a passkey already registered, no other factor) is a
 * 409, which no API code names. A Record, so a new problem without a status does not compile.
 */
const CONFLICT = 409;
const PROGRESS = 200;
export const PROBLEM_STATUS: Record<SignInProblem, number> = {
  wrong_password: ERROR_STATUS[ErrorCodes.credentialsInvalid],
  wrong_code: ERROR_STATUS[ErrorCodes.credentialsInvalid],
  reused_code: ERROR_STATUS[ErrorCodes.credentialsInvalid],
  passkey_failed: ERROR_STATUS[ErrorCodes.credentialsInvalid],
  expired: ERROR_STATUS[ErrorCodes.flowExpired],
  stale: CONFLICT,
  federation_replayed: CONFLICT,
  passkey_taken: CONFLICT,
  no_other_factor: CONFLICT,
  onboarding_ended: CONFLICT,
  push_pending: PROGRESS,
  push_denied: PROGRESS,
  push_wrong_number: PROGRESS,
  push_expired: PROGRESS,
  push_unavailable: PROGRESS,
  authenticator_not_enrolled: PROGRESS,
};

/**
 * The page of a view model: one case per page. Pure: the view was read from the
 * flow (flows/sign-in-view.ts), and rendering it changes nothing.
 */
export async function pageFor(view: SignInView, problem: SignInProblem | undefined, nonce: string, correlationId: string) {
  const f: FormContext = { action: `/login/${view.form.uid}`, csrf: view.form.csrf, applicationName: view.form.applicationName };
  const message = problem ? PROBLEMS[problem] : undefined;
  switch (view.page) {
    case 'choose_account':
      return PickerPage({ f, accounts: view.accounts, problem: message });
    case 'identify':
      return IdentifyPage({
        f,
        login: view.login,
        problem: message,
        passkey: view.passkeyOptions ? { options: view.passkeyOptions, nonce } : undefined,
        federationFailure: view.federationFailure,
        signUpHref: `/signup?client_id=${encodeURIComponent(view.form.clientId)}`,
      });
    case 'federating':
      return FederatingPage({ f, provider: view.provider, login: view.login });
    case 'password':
      return PasswordPage({ f, login: view.login, problem: message });
    case 'terms':
      return TermsPage({ f, version: view.version });
    case 'policies':
      return PoliciesPage({ f, privacy: view.privacy, terms: view.terms, onboarding: view.onboarding, problem: message });
    case 'refused':
      return RefusedPage({ f, refusal: view.refusal, correlationId });
    case 'push':
      return PushPage({
        f,
        number: view.number,
        problem: message,
        choices: view.choices,
        nonce,
        watching: problem === undefined || problem === 'push_pending',
      });
    case 'totp':
      return TotpPage({ f, problem: message, choices: view.choices });
    case 'passkey':
      return PasskeyPage({ f, problem: message, choices: view.choices, options: view.options, nonce });
    case 'enrol_authenticator':
      return EnrolAuthenticatorPage({ f, qr: await qrSvg(view.link), link: view.link, problem: message, choices: view.choices, nonce });
    case 'enrol_passkey':
      return EnrolPasskeyPage({ f, problem: message, choices: view.choices, options: view.options, nonce });
    case 'enrol_totp':
      return EnrolTotpPage({ f, qr: await qrSvg(view.uri), seed: view.seed, problem: message, choices: view.choices });
    case 'resume':
      return ResumePage({ f });
    case 'ended':
      return ErrorPage({ error: 'expired', correlationId });
  }
}
