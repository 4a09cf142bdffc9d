/**
 * Getting an account over HTTP (issue 18; ADR 0012): the sign-up page (/signup), its
 * "check your mail" page, the onboarding link's pages (/onboarding/<token>, then
 * /onboarding/ready), the platform's Privacy Policy and Terms of Use (/policies/…),
 * and the ALTCHA widget's files, served from this origin (no third-party call).
 *
 * Translation only: the rules are in flows/sign-up.ts and flows/onboarding.ts. GET
 * pages write nothing (the sign-up page's challenge is signed, not stored); every POST
 * carries a double-submit CSRF token (as account-routes.ts) and answers 303 to a GET,
 * or its form again with what to fix. The onboarding link's form leaves the browser a
 * signed cookie binding it to the link, which the sign-in reads (sign-in-routes.ts).
 */
import csrfProtection from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ERROR_STATUS, ErrorCodes } from '../contracts/errors.js';
import { utc } from '../domain/messages.js';
import {
  claimOnboardingLink,
  inspectOnboardingLink,
  onboardingReady,
  parseOnboardingBrowserValue,
  type OnboardingDeps,
  type OnboardingLinkProblem,
} from '../flows/onboarding.js';
import { signUp, type SignUpDeps, type SignUpProblem } from '../flows/sign-up.js';
import { pageCsp } from '../platform/page-policy.js';
import type { PlatformPolicyTexts } from '../platform/policies.js';
import type { ProofOfWork } from '../platform/proof-of-work.js';
import { signValue, verifyValue } from '../platform/signed-cookie.js';
import { renderPage } from '../ui/layout.js';
import { PolicyDocumentPage, PRIVACY_PATH, TERMS_PATH } from '../ui/policy-pages.js';
import { OnboardingLinkProblemPage, OnboardingPage, OnboardingReadyPage, SignUpPage, SignUpSentPage } from '../ui/sign-up-pages.js';
import { ALTCHA_FILES, altchaAssets } from './altcha-assets.js';
import type { RefusalPage } from './refusals.js';
import { cookieValue } from './request-cookies.js';
import { setPageHeaders } from './security-headers.js';

export interface SignUpRoutesDeps {
  secure: boolean;
  signUp: SignUpDeps;
  onboarding: OnboardingDeps;
  proofOfWork: Pick<ProofOfWork, 'challenge'>;
  policies: PlatformPolicyTexts;
  /** The cookie binding a browser to the onboarding link it opened (signed). */
  cookie: { key: Buffer; name: string; maxAgeSeconds: number };
  /** The local outbox's page, in embedded mode (the "check your mail" page links to it). */
  outboxUrl?: string;
}

const field = z.string().max(4096).optional();
const SignUpQuery = z.object({ client_id: z.string().max(200).optional().catch(undefined) });
const SignUpForm = z.object({ csrf: field, email: field, altcha: field, client_id: z.string().max(200).optional() });
const SentQuery = z.object({ email: z.string().max(254).optional().catch(undefined) });
const TokenParams = z.object({ token: z.string().max(300) });
const OnboardingForm = z.object({ csrf: field, password: field, confirm: field });

/** The status of each sign-up refusal: the address cannot sign up (403), the form is wrong (400), the check was spent (409). */
const SIGN_UP_STATUS: Record<SignUpProblem, number> = {
  invalid_email: ERROR_STATUS[ErrorCodes.inputInvalid],
  not_a_robot: ERROR_STATUS[ErrorCodes.inputInvalid],
  replayed: 409,
  invite_only: 403,
  mailboxless: 403,
  not_eligible: 403,
  device: 403,
};

/** A link that no longer works is gone (410); one that never did is not found (404); another browser's is a conflict (409). */
const LINK_STATUS: Record<OnboardingLinkProblem, number> = { unknown: 404, used: 410, replaced: 410, expired: 410, other_browser: 409 };

function formToken(request: FastifyRequest): string | undefined {
  const token = (request.body as { csrf?: unknown } | undefined)?.csrf;
  return typeof token === 'string' ? token : undefined;
}

const textOf = (value: unknown, name: string): string | undefined => {
  const v = (value as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : undefined;
};

export async function registerSignUpRoutes(app: FastifyInstance, deps: SignUpRoutesDeps): Promise<void> {
  const page = (reply: FastifyReply, html: string, status = 200) => {
    setPageHeaders(reply, deps.secure);
    return reply.code(status).type('text/html; charset=utf-8').send(html);
  };
  const browserOf = (request: FastifyRequest) => parseOnboardingBrowserValue(verifyValue(deps.cookie.key, cookieValue(request, deps.cookie.name)));

  /** The sign-up form: a fresh challenge each time; its script by nonce, its worker from this origin. */
  const signUpPage = async (reply: FastifyReply, status: number, input: { email?: string; problem?: string; clientId?: string }) => {
    const nonce = randomBytes(16).toString('base64');
    const challenge = JSON.stringify(await deps.proofOfWork.challenge());
    setPageHeaders(reply, deps.secure, nonce);
    reply.header('content-security-policy', `${pageCsp(nonce)}; worker-src 'self'`);
    const html = renderPage(SignUpPage({ csrf: reply.generateCsrf(), challenge, nonce, ...input }));
    return reply.code(status).type('text/html; charset=utf-8').send(html);
  };
  const onboardingForm = async (reply: FastifyReply, status: number, token: string, problem?: string) => {
    const found = await inspectOnboardingLink(deps.onboarding, token);
    if (!found.ok) return page(reply, renderPage(OnboardingLinkProblemPage({ problem: found.problem })), LINK_STATUS[found.problem]);
    const view = { ...found.view, expires: utc(found.view.expiresAt) };
    return page(reply, renderPage(OnboardingPage({ csrf: reply.generateCsrf(), action: `/onboarding/${token}`, view, problem })), status);
  };

  const signUpRefused: RefusalPage = (request, reply, refusal) =>
    signUpPage(reply, refusal.status, {
      ...(textOf(request.body, 'email') ? { email: textOf(request.body, 'email')! } : {}),
      problem: refusal.message,
    }) as unknown as FastifyReply;
  const onboardingRefused: RefusalPage = (request, reply, refusal) =>
    onboardingForm(reply, refusal.status, textOf(request.params, 'token') ?? '', refusal.message) as unknown as FastifyReply;

  // Read on first use: a node that never serves the sign-up page never holds them.
  for (const file of ALTCHA_FILES) {
    app.get(`/login/assets/altcha/${file}`, async (_request, reply) => {
      const asset = altchaAssets()[file]!;
      return reply.header('content-type', asset.type).header('cache-control', 'public, max-age=86400').send(asset.body);
    });
  }
  for (const [path, policy] of [
    [PRIVACY_PATH, 'privacy'],
    [TERMS_PATH, 'terms'],
  ] as const) {
    app.get(path, async (_request, reply) => {
      const { version, text } = deps.policies[policy];
      return page(reply, renderPage(PolicyDocumentPage({ title: policy === 'privacy' ? 'Privacy Policy' : 'Terms of Use', version, text })));
    });
  }

  await app.register(async (plain) => {
    await plain.register(formbody, { bodyLimit: 16_384 });
    await plain.register(csrfProtection, {
      cookieKey: deps.secure ? '__Host-techpass_csrf' : 'techpass_csrf',
      cookieOpts: { path: '/', httpOnly: true, sameSite: 'strict', secure: deps.secure },
      getToken: formToken,
    });
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    const checked = { preValidation: scope.csrfProtection };

    scope.get('/signup', { schema: { querystring: SignUpQuery }, config: { refusalPage: signUpRefused } }, async (request, reply) =>
      signUpPage(reply, 200, request.query.client_id ? { clientId: request.query.client_id } : {}),
    );

    scope.post('/signup', { schema: { body: SignUpForm }, config: { refusalPage: signUpRefused }, ...checked }, async (request, reply) => {
      const body = request.body;
      const answer = await signUp(deps.signUp, {
        email: body.email ?? '',
        proof: body.altcha ?? '',
        clientId: body.client_id,
        device: { ip: request.ip, userAgent: request.headers['user-agent'] ?? '' },
      });
      if (!answer.ok) {
        return signUpPage(reply, SIGN_UP_STATUS[answer.problem], {
          ...(body.email ? { email: body.email } : {}),
          problem: answer.message,
          ...(body.client_id ? { clientId: body.client_id } : {}),
        });
      }
      return reply.redirect(`/signup/sent?email=${encodeURIComponent(answer.email)}`, 303);
    });

    scope.get('/signup/sent', { schema: { querystring: SentQuery } }, async (request, reply) =>
      page(
        reply,
        renderPage(
          SignUpSentPage({
            email: request.query.email ?? 'your address',
            ttlDays: Math.round(deps.signUp.onboardingTtlMs / 86_400_000),
            outbox: deps.outboxUrl,
          }),
        ),
      ),
    );

    scope.get('/onboarding/ready', async (request, reply) => {
      const ready = await onboardingReady(deps.onboarding, browserOf(request));
      if (!ready) return page(reply, renderPage(OnboardingLinkProblemPage({ problem: 'unknown' })), 404);
      return page(reply, renderPage(OnboardingReadyPage(ready)));
    });

    scope.get('/onboarding/:token', { schema: { params: TokenParams }, config: { refusalPage: onboardingRefused } }, async (request, reply) =>
      onboardingForm(reply, 200, request.params.token),
    );

    scope.post(
      '/onboarding/:token',
      { schema: { params: TokenParams, body: OnboardingForm }, config: { refusalPage: onboardingRefused }, ...checked },
      async (request, reply) => {
        const { token } = request.params;
        const claimed = await claimOnboardingLink(deps.onboarding, token, {
          browser: browserOf(request),
          password: request.body.password,
          confirm: request.body.confirm,
        });
        if (!claimed.ok) {
          if (claimed.problem === 'password') return onboardingForm(reply, ERROR_STATUS[ErrorCodes.inputInvalid], token, claimed.message);
          return page(reply, renderPage(OnboardingLinkProblemPage({ problem: claimed.problem })), LINK_STATUS[claimed.problem]);
        }
        reply.setCookie(deps.cookie.name, signValue(deps.cookie.key, claimed.browserValue), {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          maxAge: deps.cookie.maxAgeSeconds,
          secure: deps.secure,
        });
        return reply.redirect('/onboarding/ready', 303);
      },
    );
  });
}
