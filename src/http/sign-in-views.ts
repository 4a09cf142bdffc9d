/**
 * Which page a sign-in flow shows, with what: one case per flow state (and per
 * factor inside `factors` and `enrol`). Showing a page can start something the
 * page needs: a push prompt, a passkey challenge, an enrolment link.
 */
import type { FastifyRequest } from 'fastify';
import { ERROR_STATUS, ErrorCodes } from '../contracts/errors.js';
import type { SignInFlow } from '../domain/flows/sign-in.js';
import { techpassId } from '../domain/users.js';
import {
  authenticatorEnrolmentLink,
  currentEnrolMethod,
  currentFactor,
  identifyPasskeyOptions,
  passkeyPrompt,
  totpEnrolment,
  type RememberedChoice,
  type SignInDeps,
  type SignInProblem,
} from '../flows/sign-in.js';
import { EnrolAuthenticatorPage, EnrolPasskeyPage, EnrolTotpPage, type EnrolChoices } from '../ui/enrol-pages.js';
import { PasskeyPage, PushPage, TotpPage, type FactorChoices } from '../ui/factor-pages.js';
import type { FormContext } from '../ui/form-parts.js';
import { qrSvg } from '../ui/qr.js';
import { ErrorPage, IdentifyPage, PasswordPage, PickerPage, RefusedPage, TermsPage } from '../ui/sign-in-pages.js';

export const PROBLEMS: Record<SignInProblem, string> = {
  // The same words for an unknown account and a locked one: the page must not say which accounts exist.
  wrong_password:
    'The TechPass ID or password is not correct. Check them and try again. After too many wrong attempts an account is locked: Forgot your password? unlocks it.',
  wrong_code: 'That code is not correct. Enter the 6-digit code your authenticator app shows now.',
  reused_code: 'That code was already used. Wait for the next code in your authenticator app.',
  expired: 'This sign-in took too long and has expired. Go back to the application and start again.',
  stale: 'This page was out of date, so nothing was changed. Check the details and try again.',
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
  passkey_taken: CONFLICT,
  no_other_factor: CONFLICT,
  push_pending: PROGRESS,
  push_denied: PROGRESS,
  push_wrong_number: PROGRESS,
  push_expired: PROGRESS,
  push_unavailable: PROGRESS,
  authenticator_not_enrolled: PROGRESS,
};

export interface ViewRequest {
  request: FastifyRequest;
  nonce: string;
  problem?: SignInProblem | undefined;
  remembered(): Promise<RememberedChoice[]>;
}

export async function pageFor(deps: SignInDeps, flow: SignInFlow, f: FormContext, view: ViewRequest) {
  const problem = view.problem ? PROBLEMS[view.problem] : undefined;
  const correlationId = view.request.id;
  switch (flow.state) {
    case 'choose_account': {
      const accounts = [];
      for (const c of await view.remembered()) {
        const user = await deps.users.findById(c.userId);
        if (user) accounts.push({ ref: c.ref, name: `${user.givenName} ${user.familyName}`, techpassId: techpassId(user), live: c.live });
      }
      return PickerPage({ f, accounts, problem });
    }
    case 'identify': {
      const options = await identifyPasskeyOptions(deps, flow);
      return IdentifyPage({ f, login: flow.context.login, problem, passkey: options ? { options, nonce: view.nonce } : undefined });
    }
    case 'password':
      return PasswordPage({ f, login: flow.context.login ?? '', problem });
    case 'terms': {
      const client = await deps.clients.findClient(flow.context.clientId);
      return TermsPage({ f, version: client?.application.termsVersion ?? 1 });
    }
    case 'refused':
      return RefusedPage({ f, refusal: flow.context.refusal ?? 'refused', correlationId });
    case 'factors':
      return factorPage(deps, flow, f, view, problem);
    case 'enrol':
      return enrolPage(deps, flow, f, view, problem);
    case 'completed':
      return ErrorPage({ error: 'expired', correlationId });
  }
}

async function factorPage(deps: SignInDeps, flow: SignInFlow, f: FormContext, view: ViewRequest, problem: string | undefined) {
  const current = currentFactor(flow) ?? 'otp';
  const choices: FactorChoices = {
    current,
    others: (flow.context.factorsOwed ?? []).filter((m) => m !== current),
    recovering: flow.context.recovering,
  };
  switch (current) {
    case 'swk':
      return PushPage({
        f,
        number: flow.context.push?.number ?? null,
        problem,
        choices,
        nonce: view.nonce,
        watching: view.problem === undefined || view.problem === 'push_pending',
      });
    case 'hwk': {
      const prompt = await passkeyPrompt(deps, flow);
      if (!prompt) return ErrorPage({ error: 'expired', correlationId: view.request.id });
      return PasskeyPage({ f, problem, choices, options: prompt.options, nonce: view.nonce });
    }
    default:
      return TotpPage({ f, problem, choices });
  }
}

async function enrolPage(deps: SignInDeps, flow: SignInFlow, f: FormContext, view: ViewRequest, problem: string | undefined) {
  const current = currentEnrolMethod(flow) ?? 'otp';
  const choices: EnrolChoices = {
    current,
    methods: flow.context.enrolment?.methods ?? [],
    skippable: Boolean(flow.context.enrolment?.skippable),
  };
  const expired = () => ErrorPage({ error: 'expired', correlationId: view.request.id });
  switch (current) {
    case 'swk': {
      const issued = await authenticatorEnrolmentLink(deps, flow);
      if (!issued) return expired();
      return EnrolAuthenticatorPage({ f, qr: await qrSvg(issued.link), link: issued.link, problem, choices, nonce: view.nonce });
    }
    case 'hwk': {
      const prompt = await passkeyPrompt(deps, flow);
      if (!prompt) return expired();
      return EnrolPasskeyPage({ f, problem, choices, options: prompt.options, nonce: view.nonce });
    }
    default: {
      const enrolment = await totpEnrolment(deps, flow);
      if (!enrolment) return expired();
      return EnrolTotpPage({ f, qr: await qrSvg(enrolment.uri), seed: enrolment.seed, problem, choices });
    }
  }
}
