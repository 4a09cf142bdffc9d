/**
 * Invitations over HTTP: an officer signed in (with a second factor) in this browser
 * invites someone at /login/invite; the invitee registers at /login/register/<token>.
 *
 * Translation only (rules in flows/invitations.ts, flows/registration.ts). Pages only
 * read; every post answers 303 to a page: with `?problem=<code>` from a closed list, or
 * (registration) back to the form, whose refused fields the flow kept on the invitation.
 * Forms carry the double-submit CSRF token of @fastify/csrf-protection, checked before
 * the fields are looked at; a refused token also answers 303, to the form with
 * `problem=form_expired`.
 */
import csrfProtection from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ERROR_STATUS, ErrorCodes, type ErrorCode } from '../contracts/errors.js';
import { REGISTRATION_FIELDS } from '../domain/invitations.js';
import { inviteAsSignedIn, signedInAccounts, type InvitationPageDeps } from '../flows/invitation-page.js';
import { registrationView, submitRegistration, type RegistrationDeps } from '../flows/registration.js';
import { readRememberedRefs } from '../platform/signed-cookie.js';
import { InvitePage, RegistrationDonePage, RegistrationFormPage, RegistrationLinkPage } from '../ui/invitation-pages.js';
import { renderPage } from '../ui/layout.js';
import { FORM_EXPIRED, type RefusalPage } from './refusals.js';
import { cookieValue } from './request-cookies.js';
import { setPageHeaders } from './security-headers.js';

export interface InvitationRoutesDeps {
  invitations: InvitationPageDeps;
  registration: RegistrationDeps;
  /** The account picker's cookie: the sign-ins this browser holds. */
  cookie: { key: Buffer; name: string };
  secure: boolean;
}

/** What the invite page can say after a post, and the status it answers with. */
const INVITE_PROBLEMS = {
  form_expired: { status: ERROR_STATUS[ErrorCodes.csrfInvalid], text: FORM_EXPIRED },
  email_invalid: { status: 400, text: 'Enter an e-mail address, such as jane_tan@agency.gov.sg.' },
  email_taken: { status: 409, text: 'That address already has a TechPass account; nobody was invited.' },
  not_allowed: { status: 403, text: 'Only an active public officer may invite.' },
  sign_in_required: { status: 401, text: 'Sign in (with your second factor) as the officer who invites, then try again.' },
  conflict: { status: 409, text: 'Another invitation to that address was being sent at the same moment. Please try again.' },
} as const;
type InviteProblem = keyof typeof INVITE_PROBLEMS;

const PROBLEM_OF: Partial<Record<ErrorCode, InviteProblem>> = {
  [ErrorCodes.inputInvalid]: 'email_invalid',
  [ErrorCodes.userExists]: 'email_taken',
  [ErrorCodes.invitationNotAllowed]: 'not_allowed',
  [ErrorCodes.signInRequired]: 'sign_in_required',
  [ErrorCodes.userNotFound]: 'sign_in_required',
  [ErrorCodes.invitationConflict]: 'conflict',
};

const text = z.string().max(1000).optional();
const InviteQuery = z.object({
  problem: z
    .enum(Object.keys(INVITE_PROBLEMS) as [InviteProblem, ...InviteProblem[]])
    .optional()
    .catch(undefined),
  email: text.catch(undefined),
  sent: text.catch(undefined),
  path: z.enum(['registration', 'onboarding']).optional().catch(undefined),
  until: z.coerce.number().int().positive().optional().catch(undefined),
});
const InviteForm = z.object({ csrf: text, ref: text, email: text });
const Token = z.object({ token: z.string().max(200) });
const RegisterQuery = z.object({
  done: z.literal('1').optional().catch(undefined),
  problem: z.literal('form_expired').optional().catch(undefined),
});
const RegisterForm = z.object({
  csrf: text,
  username: text,
  givenName: text,
  familyName: text,
  mobile: text,
  department: text,
  businessOperation: text,
  reportingOfficer: text,
  companyAddress: text,
  password: text,
  confirm: text,
} satisfies Record<'csrf' | (typeof REGISTRATION_FIELDS)[number], typeof text>);

function formToken(request: FastifyRequest): string | undefined {
  const token = (request.body as { csrf?: unknown } | undefined)?.csrf;
  return typeof token === 'string' ? token : undefined;
}

export async function registerInvitationRoutes(app: FastifyInstance, deps: InvitationRoutesDeps): Promise<void> {
  const page = (reply: FastifyReply, html: string, status = 200) => {
    setPageHeaders(reply, deps.secure);
    return reply.code(status).type('text/html; charset=utf-8').send(html);
  };
  const see = (reply: FastifyReply, location: string) => reply.code(303).header('location', location).send();
  const refsOf = (request: FastifyRequest) => readRememberedRefs(deps.cookie.key, cookieValue(request, deps.cookie.name));
  const registerPath = (token: string) => `/login/register/${encodeURIComponent(token)}`;

  // A refused form (CSRF token, or a body its schema refuses) goes back to its page, as every post does.
  const inviteRefused: RefusalPage = (_request, reply, refusal) =>
    see(reply, `/login/invite?problem=${refusal.code === ErrorCodes.csrfInvalid ? 'form_expired' : 'email_invalid'}`);
  const registerRefused: RefusalPage = (request, reply, refusal) => {
    const token = (request.params as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || token.length > 200) return see(reply, '/login/register/unknown');
    return see(reply, refusal.code === ErrorCodes.csrfInvalid ? `${registerPath(token)}?problem=form_expired` : registerPath(token));
  };

  await app.register(async (plain) => {
    plain.setValidatorCompiler(validatorCompiler);
    plain.setSerializerCompiler(serializerCompiler);
    await plain.register(formbody, { bodyLimit: 16_384 });
    await plain.register(csrfProtection, {
      cookieKey: deps.secure ? '__Host-techpass_csrf' : 'techpass_csrf',
      cookieOpts: { path: '/', httpOnly: true, sameSite: 'strict', secure: deps.secure },
      getToken: formToken,
    });
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    const checked = { preValidation: scope.csrfProtection };

    scope.get('/login/invite', { schema: { querystring: InviteQuery } }, async (request, reply) => {
      const q = request.query;
      const accounts = await signedInAccounts(deps.invitations, refsOf(request));
      const problem = q.problem ? INVITE_PROBLEMS[q.problem] : undefined;
      const sent = q.sent && q.path ? { email: q.sent, path: q.path, expiresAt: q.until ?? null } : undefined;
      return page(
        reply,
        renderPage(InvitePage({ csrf: reply.generateCsrf(), accounts, email: q.email, problem: problem?.text, sent })),
        problem?.status ?? 200,
      );
    });

    scope.post('/login/invite', { schema: { body: InviteForm }, config: { refusalPage: inviteRefused }, ...checked }, async (request, reply) => {
      const email = (request.body.email ?? '').trim();
      const result = await inviteAsSignedIn(deps.invitations, refsOf(request), { ref: request.body.ref ?? '', email });
      if (!result.ok) {
        const problem = PROBLEM_OF[result.error] ?? 'email_invalid';
        return see(reply, `/login/invite?${new URLSearchParams({ problem, email: email.slice(0, 254) }).toString()}`);
      }
      const sent = result.value;
      const query = new URLSearchParams({ sent: sent.email, path: sent.path, ...(sent.expiresAt ? { until: String(sent.expiresAt) } : {}) });
      return see(reply, `/login/invite?${query.toString()}`);
    });

    scope.get(
      '/login/register/:token',
      { schema: { params: Token, querystring: RegisterQuery }, config: { refusalPage: registerRefused } },
      async (request, reply) => {
        const view = await registrationView(deps.registration, request.params.token);
        if (view.kind === 'completed') {
          return request.query.done
            ? page(reply, renderPage(RegistrationDonePage({ techpassId: view.techpassId })))
            : page(reply, renderPage(RegistrationLinkPage({ state: 'completed' })), ERROR_STATUS[ErrorCodes.invitationLinkInvalid]);
        }
        if (view.kind !== 'form')
          return page(reply, renderPage(RegistrationLinkPage({ state: view.kind })), ERROR_STATUS[ErrorCodes.invitationLinkInvalid]);
        const problems = view.draft?.problems ?? {};
        const formExpired = request.query.problem === 'form_expired';
        return page(
          reply,
          renderPage(
            RegistrationFormPage({
              csrf: reply.generateCsrf(),
              action: registerPath(request.params.token),
              email: view.email,
              localIdDomain: view.localIdDomain,
              expiresAt: view.expiresAt,
              inviter: view.inviter,
              values: view.draft?.values ?? {},
              problems,
              problem: formExpired ? FORM_EXPIRED : undefined,
            }),
          ),
          formExpired ? ERROR_STATUS[ErrorCodes.csrfInvalid] : Object.keys(problems).length ? ERROR_STATUS[ErrorCodes.inputInvalid] : 200,
        );
      },
    );

    scope.post(
      '/login/register/:token',
      { schema: { params: Token, body: RegisterForm }, config: { refusalPage: registerRefused }, ...checked },
      async (request, reply) => {
        const { csrf: _csrf, ...input } = request.body;
        const outcome = await submitRegistration(deps.registration, request.params.token, input, request.ip);
        const path = registerPath(request.params.token);
        return see(reply, outcome.kind === 'completed' ? `${path}?done=1` : path);
      },
    );
  });
}
