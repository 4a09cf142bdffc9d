/**
 * The management API's self-service routes for one's own second factors (issue 20):
 * - `POST /me/factor-enrolments { method }`: starts adding one (needs a recent sign-in
 *   with a second factor: 403 `session.fresh_sign_in_required` otherwise);
 * - `GET /me/factor-enrolments/{id}`: whether the phone has used the link yet;
 * - `POST /me/factor-enrolments/{id}/complete { code | response, label }`: adds it.
 * Rules in domain/authorization-self.ts, work in flows/own-factors.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { EnrolmentComplete, EnrolmentParams, EnrolmentStart, EnrolmentStarted, EnrolmentStatus } from '../contracts/management-self.js';
import { FactorView } from '../contracts/management-users.js';
import { completeOwnEnrolment, ownEnrolmentStatus, startOwnEnrolment, type OwnFactorDeps } from '../flows/own-factors.js';
import { qrSvg } from '../ui/qr.js';
import { answer, callerOf, ERROR_ANSWERS } from './management-plumbing.js';

export function registerSelfRoutes(plain: FastifyInstance, deps: OwnFactorDeps): void {
  const scope = plain.withTypeProvider<ZodTypeProvider>();

  scope.post(
    '/me/factor-enrolments',
    { schema: { body: EnrolmentStart, response: { 201: EnrolmentStarted, ...ERROR_ANSWERS } } },
    async (request, reply) => {
      const started = answer(await startOwnEnrolment(deps, callerOf(request), request.body.method));
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({
        id: started.id,
        method: started.method,
        expiresAt: started.expiresAt,
        ...(started.totp ? { totp: { ...started.totp, qrSvg: await qrSvg(started.totp.uri) } } : {}),
        ...(started.passkey ? { passkey: started.passkey } : {}),
        ...(started.authenticator ? { authenticator: { ...started.authenticator, qrSvg: await qrSvg(started.authenticator.link) } } : {}),
      });
    },
  );

  scope.get(
    '/me/factor-enrolments/:enrolmentId',
    { schema: { params: EnrolmentParams, response: { 200: EnrolmentStatus, ...ERROR_ANSWERS } } },
    async (request) => answer(await ownEnrolmentStatus(deps, callerOf(request), request.params.enrolmentId)),
  );

  scope.post(
    '/me/factor-enrolments/:enrolmentId/complete',
    { schema: { params: EnrolmentParams, body: EnrolmentComplete, response: { 201: FactorView, ...ERROR_ANSWERS } } },
    async (request, reply) =>
      reply.code(201).send(answer(await completeOwnEnrolment(deps, callerOf(request), request.params.enrolmentId, request.body))),
  );
}
