/**
 * Account pages outside a sign-in: password reset by e-mailed link and password
 * change. Forms carry a
 * double-submit CSRF token (a cookie and a field that must match).
 */
import formbody from '@fastify/formbody';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { changePassword, completePasswordReset, requestPasswordReset, resetLinkIsLive, type PasswordChangeDeps } from '../flows/passwords.js';
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

export async function registerAccountRoutes(app: FastifyInstance, deps: { reset: PasswordChangeDeps; secure: boolean }): Promise<void> {
  const cookieName = deps.secure ? '__Host-techpass_csrf' : 'techpass_csrf';

  const issueCsrf = (reply: FastifyReply): string => {
    const token = randomBytes(24).toString('base64url');
    reply.header('set-cookie', `${cookieName}=${token}; Path=/; HttpOnly; SameSite=Strict${deps.secure ? '; Secure' : ''}`);
    return token;
  };
  const csrfOk = (request: FastifyRequest): boolean => {
    const cookie = /(?:^|;\s*)([^=;]+)=([^;]*)/g;
    let sent: string | undefined;
    for (const m of (request.headers.cookie ?? '').matchAll(cookie)) if (m[1] === cookieName) sent = m[2];
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
        return page(reply, renderPage(ResetRequestPage({ csrf: issueCsrf(reply), problem: 'The form expired. Please send it again.' })), 403);
      const login = request.body?.login?.trim();
      if (!login) return page(reply, renderPage(ResetRequestPage({ csrf: issueCsrf(reply), problem: 'Enter your TechPass ID.' })), 400);
      await requestPasswordReset(deps.reset, login, request.ip);
      return page(reply, renderPage(ResetSentPage()));
    });

    scope.get<{ Params: { token: string } }>('/login/reset/:token', async (request, reply) => {
      if (!(await resetLinkIsLive(deps.reset, request.params.token))) return page(reply, renderPage(ResetInvalidPage()), 410);
      return page(reply, renderPage(ResetFormPage({ csrf: issueCsrf(reply), action: `/login/reset/${request.params.token}` })));
    });

    scope.post<{ Params: { token: string }; Body: Body }>('/login/reset/:token', async (request, reply) => {
      const action = `/login/reset/${request.params.token}`;
      if (!csrfOk(request))
        return page(reply, renderPage(ResetFormPage({ csrf: issueCsrf(reply), action, problem: 'The form expired. Please send it again.' })), 403);
      const result = await completePasswordReset(
        deps.reset,
        request.params.token,
        request.body?.password ?? '',
        request.body?.confirm ?? '',
        request.ip,
      );
      if (result.ok) return page(reply, renderPage(ResetDonePage()));
      if (result.error === 'password.reset_link_invalid') return page(reply, renderPage(ResetInvalidPage()), 410);
      const message = result.message.charAt(0).toUpperCase() + result.message.slice(1) + '.';
      return page(reply, renderPage(ResetFormPage({ csrf: issueCsrf(reply), action, problem: message })), 400);
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
          403,
        );
      const result = await changePassword(
        deps.reset,
        { login: body.login?.trim() ?? '', current: body.current ?? '', password: body.password ?? '', confirm: body.confirm ?? '' },
        request.ip,
      );
      if (result.ok) return page(reply, renderPage(PasswordChangedPage()));
      const message = result.message.charAt(0).toUpperCase() + result.message.slice(1) + '.';
      const status =
        result.error === 'credentials.invalid' ? 401 : result.error === 'request.throttled' ? 429 : result.error === 'account.locked' ? 423 : 400;
      return page(reply, renderPage(ChangePasswordPage({ csrf: issueCsrf(reply), login: body.login, problem: message })), status);
    });
  });
}
