/**
 * Which errors are refusals, and what code they answer with, for the one error
 * handler (app.ts): a route's ApiError as it is; a request that does not match its
 * route's zod schema as input.invalid naming the field; a form that
 * @fastify/csrf-protection refused as csrf.invalid; Fastify's own refusals of a
 * request (bad JSON, body too large) as input.invalid with Fastify's status.
 * Anything else is not a refusal but a fault (a logged 500).
 *
 * A route that answers with pages says how its refusals look (`config.refusalPage`):
 * the same form again with the problem, rather than a JSON body.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ApiError, ErrorCodes } from '../contracts/errors.js';

/** Renders a page route's refusal: sets the status (`refusal.status`) and sends the page. */
export type RefusalPage = (request: FastifyRequest, reply: FastifyReply, refusal: ApiError) => FastifyReply;

declare module 'fastify' {
  interface FastifyContextConfig {
    refusalPage?: RefusalPage;
  }
}

/** What a form refused for its CSRF token says (the token is missing, stale or not this browser's). */
export const FORM_EXPIRED = 'The form expired. Please send it again.';

/** @fastify/csrf-protection's errors: FST_CSRF_MISSING_SECRET (no secret cookie), FST_CSRF_INVALID_TOKEN. */
const CSRF_ERRORS = new Set(['FST_CSRF_MISSING_SECRET', 'FST_CSRF_INVALID_TOKEN']);

export function refusalOf(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issue = error.validation[0]!;
    const field = issue.instancePath.split('/').filter(Boolean).join('.');
    const where = (error as { validationContext?: string }).validationContext ?? 'request';
    return new ApiError(
      ErrorCodes.inputInvalid,
      `The ${where} is not valid${field ? ` at ${field}` : ''}: ${issue.message}.`,
      field ? { field } : {},
    );
  }
  const { code, statusCode, message } = error as { code?: string; statusCode?: number; message?: string };
  if (code && CSRF_ERRORS.has(code)) return new ApiError(ErrorCodes.csrfInvalid, FORM_EXPIRED);
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
    return new ApiError(ErrorCodes.inputInvalid, message ?? 'The request is not valid.', { status: statusCode });
  }
  return undefined;
}
