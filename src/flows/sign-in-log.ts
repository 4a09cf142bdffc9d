/**
 * What a sign-in step writes to the sign-in log (domain/sign-in-log.ts): the facts of
 * the attempt, read from the flow and the browser's request, with the application's
 * namespace from the per-node client cache (no query on the hot path). The line
 * itself is written by the step, in the transaction of its audit event.
 */
import type { SignInFlow } from '../domain/flows/sign-in.js';
import { asNamespaceId } from '../domain/ids.js';
import type { ClientDirectory } from '../domain/repositories.js';
import type { SignInAttempt, SignInAttemptFacts } from '../domain/sign-in-log.js';

/** What the log takes of the browser's request (sign-in-steps.ts' SignInRequest). */
export interface AttemptRequest {
  ip: string;
  userAgent: string;
  correlationId?: string | undefined;
}

/** The facts of an attempt on `flow`; `factors` defaults to the methods the flow has proven. */
export async function attemptFacts(
  deps: { clients: Pick<ClientDirectory, 'findApplication'> },
  flow: Pick<SignInFlow, 'id' | 'userId' | 'methodsDone' | 'context'>,
  req: AttemptRequest | undefined,
  factors: string[] = flow.methodsDone,
): Promise<SignInAttemptFacts> {
  const clientId = flow.context.clientId ?? null;
  const application = clientId ? await deps.clients.findApplication(clientId) : null;
  return {
    userId: flow.userId,
    login: flow.context.login ?? null,
    clientId,
    namespaceId: application ? asNamespaceId(application.namespaceId) : null,
    ip: req?.ip ?? null,
    userAgent: req?.userAgent || null,
    factors: [...new Set(factors)],
    correlationId: req?.correlationId ?? null,
    flowId: flow.id,
  };
}

export const failedAttempt = (facts: SignInAttemptFacts, reason: string): SignInAttempt => ({ ...facts, result: 'failed', reason });
export const succeededAttempt = (facts: SignInAttemptFacts): SignInAttempt => ({ ...facts, result: 'succeeded', reason: null });
