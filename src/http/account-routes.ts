/**
 * Account pages outside a sign-in: password reset by e-mailed link and password
 * change (for a browser signed in with a second factor: the account picker's cookie
 * names its sign-ins). Forms carry a double-submit CSRF token (a cookie and a field
 * that must match).
 */
import formbody from '@fastify/formbody';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_STATUS, ErrorCodes } from '../contracts/errors.js';
import type { RememberedAccounts } from '../domain/repositories.js';
import { changePassword, completePasswordReset, requestPasswordReset, resetLinkIsLive, type PasswordDeps } from '../flows/passwords.js';
import { readRememberedRefs } from '../platform/signed-cookie.js';
import { cookieValue } from './request-cookies.js';
import { constantTimeEqual } from '../platform/secrets.js';
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
import { setPageHeaders } from './security-headers.js';

type Body = Record<string, string | undefined>;

export interface AccountRoutesDeps {
  passwords: PasswordDeps;
  remembered: Pick<RememberedAccounts, 'find'>;
  /** The account picker's cookie: the sign-ins this browser holds. */
  cookie: { key: Buffer; name: string };
  secure: boolean;
}

export async function registerAccountRoutes(app: FastifyInstance, deps: AccountRoutesDeps): Promise<void> {
  const cookieName = deps.secure ? '__Host-techpass_csrf' : 'techpass_csrf';

  const issueCsrf = (reply: FastifyReply): string => {
    const token = randomBytes(24).toString('base64url');
    reply.header('set-cookie', `${cookieName}=${token}; Path=/; HttpOnly; SameSite=Strict${deps.secure ? '; Secure' : ''}`);
    return token;
  };
  const csrfOk = (request: FastifyRequest): boolean => {
    const sent = cookieValue(request, cookieName);
    const field = ((request.body ?? {}) as Body).csrf;
    return Boolean(sent && field && constantTimeEqual(sent, field));
  };
  const page = (reply: FastifyReply, html: string, status = 200) => {
    setPageHeaders(reply, deps.secure);
    return reply.code(status).type('text/html; charset=utf-8').send(html);
  };

  await app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: 16_384 });

    scope.get<{ Querystring: { login?: string } }>('/login/reset', async (request, reply) =>
      page(reply, renderPage(ResetRequestPage({ csrf: issueCsrf(reply), login: request.query.login }))),
    );

    scope.post<{ Body: Body }>('/login/reset', async (request, reply) => {
      if (!csrfOk(request))
        return page(reply, renderPage(ResetRequestPage({ csrf: issueCsrf(reply), problem: 'The form expired. Please send it again.' })), ERROR_STATUS[ErrorCodes.csrfInvalid]);
      const login = request.body?.login?.trim();
      if (!login) return page(reply, renderPage(ResetRequestPage({ csrf: issueCsrf(reply), problem: 'Enter your TechPass ID.' })), ERROR_STATUS[ErrorCodes.inputInvalid]);
      await requestPasswordReset(deps.passwords, login, request.ip);
      return page(reply, renderPage(ResetSentPage()));
    });

    scope.get<{ Params: { token: string } }>('/login/reset/:token', async (request, reply) => {
      if (!(await resetLinkIsLive(deps.passwords, request.params.token))) return page(reply, renderPage(ResetInvalidPage()), ERROR_STATUS[ErrorCodes.resetLinkInvalid]);
      return page(reply, renderPage(ResetFormPage({ csrf: issueCsrf(reply), action: `/login/reset/${request.params.token}` })));
    });

    scope.post<{ Params: { token: string }; Body: Body }>('/login/reset/:token', async (request, reply) => {
      const action = `/login/reset/${request.params.token}`;
      if (!csrfOk(request))
        return page(reply, renderPage(ResetFormPage({ csrf: issueCsrf(reply), action, problem: 'The form expired. Please send it again.' })), ERROR_STATUS[ErrorCodes.csrfInvalid]);
      const result = await completePasswordReset(
        deps.passwords,
        request.params.token,
        request.body?.password ?? '',
        request.body?.confirm ?? '',
        request.ip,
      );
      if (result.ok) return page(reply, renderPage(ResetDonePage({ firstPassword: result.value === 'first-password' })));
      if (result.error === ErrorCodes.resetLinkInvalid) return page(reply, renderPage(ResetInvalidPage()), ERROR_STATUS[result.error]);
      const message = result.message.charAt(0).toUpperCase() + result.message.slice(1) + '.';
      return page(reply, renderPage(ResetFormPage({ csrf: issueCsrf(reply), action, problem: message })), ERROR_STATUS[result.error]);
    });

    scope.get<{ Querystring: { login?: string } }>('/login/change-password', async (request, reply) =>
      page(reply, renderPage(ChangePasswordPage({ csrf: issueCsrf(reply), login: request.query.login }))),
    );

    scope.post<{ Body: Body }>('/login/change-password', async (request, reply) => {
      const body = request.body ?? {};
      if (!csrfOk(request))
        return page(
          reply,
          renderPage(ChangePasswordPage({ csrf: issueCsrf(reply), login: body.login, problem: 'The form expired. Please send it again.' })),
          ERROR_STATUS[ErrorCodes.csrfInvalid],
        );
      const sessions = await deps.remembered.find(readRememberedRefs(deps.cookie.key, cookieValue(request, deps.cookie.name)));
      const result = await changePassword(
        deps.passwords,
        { login: body.login?.trim() ?? '', current: body.current ?? '', password: body.password ?? '', confirm: body.confirm ?? '' },
        sessions,
        request.ip,
      );
      if (result.ok) return page(reply, renderPage(PasswordChangedPage()));
      const message = result.message.charAt(0).toUpperCase() + result.message.slice(1) + '.';
      return page(reply, renderPage(ChangePasswordPage({ csrf: issueCsrf(reply), login: body.login, problem: message })), ERROR_STATUS[result.error]);
    });
  });
}
