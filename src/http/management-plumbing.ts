/**
 * What every management API route shares: the caller of a request, a flow's outcome
 * as the answer or a refusal, the error answers of the OpenAPI document, and the
 * ETag / If-Match precondition (see management-api.ts).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { ApiError, ErrorCodes } from '../contracts/errors.js';
import { ManagementErrorBody } from '../contracts/management.js';
import type { Result } from '../contracts/result.js';
import type { Caller } from '../domain/authorization.js';
import type { Precondition } from '../flows/namespace-management.js';

/** The answers every route may give besides its own (the OpenAPI document lists them). */
export const ERROR_ANSWERS = {
  400: ManagementErrorBody,
  401: ManagementErrorBody,
  403: ManagementErrorBody,
  404: ManagementErrorBody,
  409: ManagementErrorBody,
  412: ManagementErrorBody,
  428: ManagementErrorBody,
  429: ManagementErrorBody,
} as const;

const callers = new WeakMap<FastifyRequest, Caller>();

export const setCaller = (request: FastifyRequest, caller: Caller) => void callers.set(request, caller);

/** The authenticated caller of a request (set by the scope's onRequest hook). */
export function callerOf(request: FastifyRequest): Caller {
  const caller = callers.get(request);
  if (!caller) throw new ApiError(ErrorCodes.apiTokenInvalid, 'sign in first');
  return caller;
}

/** A flow's outcome as the answer's value, or its failure as a refusal (the error handler answers it). */
export function answer<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new ApiError(result.error, result.message, result.field === undefined ? {} : { field: result.field });
}

/** The ETag of an object as answered: a digest of its JSON (any change of what the caller sees changes it). */
export function etagOf(view: unknown): string {
  return `"${createHash('sha256').update(JSON.stringify(view)).digest('base64url').slice(0, 27)}"`;
}

/**
 * The precondition a write carries: the If-Match header against the current object's
 * ETag (`*` matches any). Required on updates (`required`: 428 without it), optional on deletes.
 */
export function ifMatch<T>(request: FastifyRequest, view: (current: T) => unknown, required: boolean): Precondition<T> {
  const header = request.headers['if-match'];
  // Missing on an update: the flow refuses it once the caller is known to be allowed.
  if (header === undefined || header === '') return required ? 'missing' : undefined;
  const wanted = header.split(',').map((v) => v.trim().replace(/^W\//, ''));
  return (current) => wanted.includes('*') || wanted.includes(etagOf(view(current)));
}

/** Answers one object with its ETag. */
export function withEtag<T>(reply: FastifyReply, view: T): T {
  reply.header('etag', etagOf(view));
  return view;
}
