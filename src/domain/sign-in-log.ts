/**
 * The sign-in log (issue 19): one line per sign-in attempt that ended, in success or
 * failure, with who (when known), the application (client id and its namespace), the
 * browser's address and user agent, the factors used, the result, the reason and the
 * correlation id the person was shown (the `x-correlation-id` of the request).
 *
 * Why a table of its own and not the audit log: the audit log is append-only and
 * hash-chained for ever, whereas sign-in lines are many and kept for
 * `SIGN_IN_LOG_RETENTION_DAYS`; they are queried by application, namespace and result
 * (indexed columns here); and several attempts (an unknown TechPass ID, a locked
 * account) are no audit event at all. A line is written in the same transaction as
 * the step's audit event, when the step writes one.
 *
 * What counts as one attempt: each wrong credential (password, code, passkey), each
 * refusal (locked, disabled, not assigned, throttled…), each failed federation, and
 * each completed sign-in. The steps of a sign-in that go on (a right password before
 * the second factor) are not lines: the completed sign-in lists every factor.
 */
import type { NamespaceId, UserId } from './ids.js';

export const SIGN_IN_RESULTS = ['succeeded', 'failed'] as const;
export type SignInResult = (typeof SIGN_IN_RESULTS)[number];

/** How long sign-in lines are kept (the cleanup job deletes older ones). */
export const SIGN_IN_LOG_RETENTION_DAYS = 90;

/** What a sign-in step knows of the attempt before its outcome. */
export interface SignInAttemptFacts {
  userId: UserId | null;
  /** What the person typed as their TechPass ID, when they typed one. */
  login: string | null;
  clientId: string | null;
  /** The namespace of the application (null when the client is not one of the directory's). */
  namespaceId: NamespaceId | null;
  ip: string | null;
  userAgent: string | null;
  /** The methods used, in order (amr values: pwd, otp, swk, hwk, fed); on a failure, the last one failed. */
  factors: string[];
  correlationId: string | null;
  /** The sign-in flow: the lines of one sign-in share it. */
  flowId: string | null;
}

export interface SignInAttempt extends SignInAttemptFacts {
  result: SignInResult;
  /** Why it failed (a problem or refusal code: wrong_password, locked, not_assigned…); null on success. */
  reason: string | null;
}

export interface SignInRecord extends SignInAttempt {
  id: string;
  occurredAt: number;
}

/** Which lines a query asks for; `namespaceIds` limits them to those namespaces (a tenant admin's). */
export interface SignInQuery {
  userId?: string;
  clientId?: string;
  result?: SignInResult;
  namespaceIds?: readonly string[];
  from?: number;
  to?: number;
  /** Keyset: lines strictly older than this one (newest first). */
  before?: { occurredAt: number; id: string };
  limit: number;
}

/**
 * The sign-in log's storage. `record` joins the caller's transaction when given one
 * (a repository of a transaction), so a line commits with the step's other writes.
 */
export interface SignInLog {
  record(attempt: SignInAttempt): Promise<void>;
  /** Newest first; at most `limit` lines. */
  query(query: SignInQuery): Promise<SignInRecord[]>;
  /** Deletes up to `limit` lines older than `before`; answers how many. */
  deleteOlderThan(before: number, limit: number): Promise<number>;
}
