/**
 * The management API's bodies for the platform's records (issue 19): signing keys,
 * the audit log and the sign-in log. Timestamps in answers are milliseconds since
 * the epoch; `from` and `to` in queries take an ISO 8601 date or date-time
 * (`2026-12-01`, `2026-12-01T08:00:00Z`) or milliseconds.
 */
import { z } from 'zod';

const text = z.string().min(1).max(200);

/** A point in time as a query gives it: ISO 8601, or milliseconds since the epoch. */
const instant = z
  .string()
  .max(40)
  .refine((v) => /^\d{1,15}$/.test(v) || (/^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v))), {
    message: 'an ISO 8601 date or date-time (2026-12-01, 2026-12-01T08:00:00Z), or milliseconds since the epoch',
  })
  .transform((v) => (/^\d+$/.test(v) ? Number(v) : Date.parse(v)));

const window = {
  from: instant.optional().describe('from this time (inclusive)'),
  to: instant.optional().describe('until this time (exclusive)'),
};
const page = {
  cursor: z.string().max(400).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
};

export const SigningKeyView = z
  .object({
    kid: z.string(),
    alg: z.string(),
    state: z
      .enum(['current', 'next', 'retired', 'expired'])
      .describe('current signs; next is published ahead; retired still verifies until publishUntil'),
    createdAt: z.number(),
    activatedAt: z.number().nullable(),
    retiredAt: z.number().nullable(),
    publishUntil: z.number().nullable().describe('a retired key is published (verifies tokens) until then'),
  })
  .meta({ id: 'SigningKey' });
export const SigningKeyList = z.object({ items: z.array(SigningKeyView) }).meta({ id: 'SigningKeyList' });

export const AuditFilterQuery = z.object({
  ...window,
  actor: text.optional().describe('who acted: a user id, `cli:<user>`, `system`, `anonymous`'),
  action: text.optional().describe('e.g. application.updated'),
  namespace: text.optional().describe("a namespace's name"),
  target: text.optional().describe("the target's id"),
});
export const AuditQuery = AuditFilterQuery.extend({
  ...page,
  order: z.enum(['newest', 'oldest']).optional().describe('newest first (default), or in chain order (oldest first)'),
});

export const AuditEventView = z
  .object({
    seq: z.number().describe("the event's place in the hash chain"),
    id: z.string(),
    occurredAt: z.number(),
    actor: z.string(),
    action: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    namespaceId: z.string().nullable(),
    namespace: z.string().nullable().describe("the namespace's name (null if none, or deleted since)"),
    ip: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEvent' });
export const AuditEventPage = z.object({ items: z.array(AuditEventView), nextCursor: z.string().nullable() }).meta({ id: 'AuditEventPage' });

const signInFilter = {
  ...window,
  application: text.optional().describe("the application's client id"),
  result: z.enum(['succeeded', 'failed']).optional(),
  ...page,
};
export const OwnSignInQuery = z.object(signInFilter);
export const SignInQuery = z.object({
  ...signInFilter,
  user: text.optional().describe('a user id, or an e-mail address'),
});
export const AllSignInQuery = SignInQuery.extend({ namespace: text.optional().describe("a namespace's name") });

export const SignInView = z
  .object({
    id: z.string(),
    occurredAt: z.number(),
    userId: z.string().nullable(),
    login: z.string().nullable().describe('the TechPass ID typed, when one was'),
    clientId: z.string().nullable(),
    application: z.string().nullable().describe("the application's name; null when there is none (or it was deleted: see clientId)"),
    namespace: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    factors: z.array(z.string()).describe('the methods used (amr: pwd, otp, swk, hwk, fed); on a failure the last one failed'),
    result: z.enum(['succeeded', 'failed']),
    reason: z.string().nullable().describe('why it failed: wrong_password, wrong_code, locked, not_assigned…'),
    correlationId: z.string().nullable(),
    flowId: z.string().nullable().describe('the lines of one sign-in share it'),
  })
  .meta({ id: 'SignIn' });
export const SignInPage = z.object({ items: z.array(SignInView), nextCursor: z.string().nullable() }).meta({ id: 'SignInPage' });
