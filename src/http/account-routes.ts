/**
 * Account pages outside a sign-in: password reset by e-mailed link and password
 * change (for a browser signed in with a second factor: the account picker's cookie
 * names its sign-ins).
 *
 * Forms carry a double-submit CSRF token from @fastify/csrf-protection: a secret in
 * a cookie (`__Host-` behind TLS, HttpOnly, SameSite=Strict) and, in the form's
 * `csrf` field, a token made from it. A post is checked before its fields are
 * looked at; one without a matching token gets its form again with a fresh token
 * (403, csrf.invalid), as does a request its schema refuses (400, input.invalid):
 * each route's `refusalPage`, which the one error handler (app.ts) renders.
 */
import csrfProtection from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ERROR_STATUS, ErrorCodes } from '../contracts/errors.js';
import { changePassword, completePasswordReset, requestPasswordReset, resetLinkIsLive, type PasswordDeps } from '../flows/passwords.js';
import { readRememberedRefs } from '../platform/signed-cookie.js';
import {
  ChangePasswordPage,
  PasswordChangedPage,
  ResetDonePage,
  ResetFormPage,
  ResetInvalidPage,
  ResetRequestPage,
  ResetSentPage,
} from '../ui/account-pages.js';
import { renderPage } from '../ui/layout.js';
import type { RefusalPage } from './refusals.js';
import { cookieValue } from './request-cookies.js';
import { setPageHeaders } from './security-headers.js';

export interface AccountRoutesDeps {
  passwords: PasswordDeps;
  /** The account picker's cookie: the sign-ins this browser holds. */
  cookie: { key: Buffer; name: string };
  secure: boolean;
}

/** A form field: text, or absent (the flows say what an empty one means). */
const field = z.string().optional();

const LoginQuery = z.object({ login: field });
const ResetRequestForm = z.object({ csrf: field, login: field });
const ResetLinkParams = z.object({ token: z.string() });
const ResetForm = z.object({ csrf: field, password: field, confirm: field });
const ChangePasswordForm = z.object({ csrf: field, login: field, current: field, password: field, confirm: field });

/** The token a form carries: its `csrf` field (read before the body is validated, so checked for text here). */
function formToken(request: FastifyRequest): string | undefined {
  const token = (request.body as { csrf?: unknown } | undefined)?.csrf;
  return typeof token === 'string' ? token : undefined;
}

/** A field of a body that may not have passed its schema (a refusal's form is filled again with it). */
function textOf(body: unknown, name: string): string | undefined {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** A flow's message as the sentence a page shows. */
const sentence = (message: string) => message.charAt(0).toUpperCase() + message.slice(1) + '.';

export async function registerAccountRoutes(app: FastifyInstance, deps: AccountRoutesDeps): Promise<void> {
  const page = (reply: FastifyReply, html: string, status = 200) => {
    setPageHeaders(reply, deps.secure);
    return reply.code(status).type('text/html; charset=utf-8').send(html);
  };
  const resetAction = (token: string) => `/login/reset/${token}`;

  const resetRequestPage = (reply: FastifyReply, status: number, login?: string, problem?: string) =>
    page(reply, renderPage(ResetRequestPage({ csrf: reply.generateCsrf(), login, problem })), status);
  const resetFormPage = (reply: FastifyReply, status: number, token: string, problem?: string) =>
    page(reply, renderPage(ResetFormPage({ csrf: reply.generateCsrf(), action: resetAction(token), problem })), status);
  const changePasswordPage = (reply: FastifyReply, status: number, login?: string, problem?: string) =>
    page(reply, renderPage(ChangePasswordPage({ csrf: reply.generateCsrf(), login, problem })), status);

  // What each form answers when a request is refused before its handler runs.
  const resetRequestRefused: RefusalPage = (_request, reply, refusal) => resetRequestPage(reply, refusal.status, undefined, refusal.message);
  const resetFormRefused: RefusalPage = (request, reply, refusal) =>
    resetFormPage(reply, refusal.status, textOf(request.params, 'token') ?? '', refusal.message);
  const changePasswordRefused: RefusalPage = (request, reply, refusal) =>
    changePasswordPage(reply, refusal.status, textOf(request.body, 'login') ?? textOf(request.query, 'login'), refusal.message);

  await app.register(async (plain) => {
    await plain.register(formbody, { bodyLimit: 16_384 });
    await plain.register(csrfProtection, {
      cookieKey: deps.secure ? '__Host-techpass_csrf' : 'techpass_csrf',
      cookieOpts: { path: '/', httpOnly: true, sameSite: 'strict', secure: deps.secure },
      getToken: formToken,
    });
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    // Checked before validation: a forged post learns nothing about its fields.
    const checked = { preValidation: scope.csrfProtection };

    scope.get('/login/reset', { schema: { querystring: LoginQuery }, config: { refusalPage: resetRequestRefused } }, async (request, reply) =>
      resetRequestPage(reply, 200, request.query.login),
    );

    scope.post(
      '/login/reset',
      { schema: { body: ResetRequestForm }, config: { refusalPage: resetRequestRefused }, ...checked },
      async (request, reply) => {
        const login = request.body.login?.trim();
        if (!login) return resetRequestPage(reply, ERROR_STATUS[ErrorCodes.inputInvalid], undefined, 'Enter your TechPass ID.');
        await requestPasswordReset(deps.passwords, login, request.ip);
        return page(reply, renderPage(ResetSentPage()));
      },
    );

    scope.get('/login/reset/:token', { schema: { params: ResetLinkParams }, config: { refusalPage: resetFormRefused } }, async (request, reply) => {
      if (!(await resetLinkIsLive(deps.passwords, request.params.token)))
        return page(reply, renderPage(ResetInvalidPage()), ERROR_STATUS[ErrorCodes.resetLinkInvalid]);
      return resetFormPage(reply, 200, request.params.token);
    });

    scope.post(
      '/login/reset/:token',
      { schema: { params: ResetLinkParams, body: ResetForm }, config: { refusalPage: resetFormRefused }, ...checked },
      async (request, reply) => {
        const { token } = request.params;
        const result = await completePasswordReset(deps.passwords, token, request.body.password ?? '', request.body.confirm ?? '', request.ip);
        if (result.ok) return page(reply, renderPage(ResetDonePage({ firstPassword: result.value === 'first-password' })));
        if (result.error === ErrorCodes.resetLinkInvalid) return page(reply, renderPage(ResetInvalidPage()), ERROR_STATUS[result.error]);
        return resetFormPage(reply, ERROR_STATUS[result.error], token, sentence(result.message));
      },
    );

    scope.get(
      '/login/change-password',
      { schema: { querystring: LoginQuery }, config: { refusalPage: changePasswordRefused } },
      async (request, reply) => changePasswordPage(reply, 200, request.query.login),
    );

    scope.post(
      '/login/change-password',
      { schema: { body: ChangePasswordForm }, config: { refusalPage: changePasswordRefused }, ...checked },
      async (request, reply) => {
        const body = request.body;
        const refs = readRememberedRefs(deps.cookie.key, cookieValue(request, deps.cookie.name));
        const result = await changePassword(
          deps.passwords,
          { login: body.login?.trim() ?? '', current: body.current ?? '', password: body.password ?? '', confirm: body.confirm ?? '' },
          refs,
          request.ip,
        );
        if (result.ok) return page(reply, renderPage(PasswordChangedPage()));
        return changePasswordPage(reply, ERROR_STATUS[result.error], body.login, sentence(result.message));
      },
    );
  });
}
