/**
 * The management API's routes for the platform's records (issue 19), read only:
 * - `GET /keys`: the signing keys (platform admins; never a private part);
 * - `GET /audit`: the audit log, filtered and paged, newest first; `GET /audit/export`:
 *   every matching event in chain order as JSON lines (`application/x-ndjson`), streamed;
 * - `GET /sign-ins`, `GET /namespaces/:namespace/sign-ins`: the sign-in log for admins;
 *   `GET /me/sign-ins`: the caller's own.
 * Plumbing (caller, errors) in management-api.ts.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { NamespaceParams } from '../contracts/management.js';
import {
  AllSignInQuery,
  AuditEventPage,
  AuditFilterQuery,
  AuditQuery,
  OwnSignInQuery,
  SignInPage,
  SignInQuery,
  SigningKeyList,
} from '../contracts/management-observation.js';
import type { AuditEvent } from '../domain/audit.js';
import type { NamespaceId } from '../domain/ids.js';
import type { SignInRecord } from '../domain/sign-in-log.js';
import { exportAuditEvents, listAuditEvents, listSigningKeys, type ObservationDeps } from '../flows/audit-management.js';
import { applicationNamesOf } from '../flows/sign-in-applications.js';
import { listNamespaceSignIns, listOwnSignIns, listSignIns } from '../flows/sign-in-log-management.js';
import { answer, callerOf, ERROR_ANSWERS } from './management-plumbing.js';

/** The names of the namespaces `ids` (cached per node); a deleted namespace has none. */
async function namesOf(deps: ObservationDeps, ids: Array<string | null>): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const id of new Set(ids)) {
    if (id === null) continue;
    const namespace = await deps.namespaces.findById(id as NamespaceId);
    if (namespace) names.set(id, namespace.name);
  }
  return names;
}

const auditView = (names: Map<string, string>) => (e: AuditEvent) => ({
  seq: e.seq,
  id: e.id,
  occurredAt: e.occurredAt,
  actor: e.actor,
  action: e.action,
  targetType: e.targetType,
  targetId: e.targetId,
  namespaceId: e.namespaceId,
  namespace: e.namespaceId === null ? null : (names.get(e.namespaceId) ?? null),
  ip: e.ip,
  data: e.data,
  prevHash: e.prevHash,
  hash: e.hash,
});

const signInView = (names: Map<string, string>, applications: Map<string, string>) => (s: SignInRecord) => ({
  id: s.id,
  occurredAt: s.occurredAt,
  userId: s.userId,
  login: s.login,
  clientId: s.clientId,
  application: s.clientId === null ? null : (applications.get(s.clientId) ?? null),
  namespace: s.namespaceId === null ? null : (names.get(s.namespaceId) ?? null),
  ip: s.ip,
  userAgent: s.userAgent,
  factors: s.factors,
  result: s.result,
  reason: s.reason,
  correlationId: s.correlationId,
  flowId: s.flowId,
});

async function signInPage(deps: ObservationDeps, page: { items: SignInRecord[]; nextCursor: string | null }) {
  const names = await namesOf(
    deps,
    page.items.map((s) => s.namespaceId),
  );
  const applications = await applicationNamesOf(
    deps,
    page.items.map((s) => s.clientId),
  );
  return { items: page.items.map(signInView(names, applications)), nextCursor: page.nextCursor };
}

export function registerObservationRoutes(plain: FastifyInstance, deps: ObservationDeps): void {
  const scope = plain.withTypeProvider<ZodTypeProvider>();

  scope.get('/keys', { schema: { response: { 200: SigningKeyList, ...ERROR_ANSWERS } } }, async (request) => ({
    items: answer(await listSigningKeys(deps, callerOf(request))),
  }));

  scope.get('/audit', { schema: { querystring: AuditQuery, response: { 200: AuditEventPage, ...ERROR_ANSWERS } } }, async (request) => {
    const page = answer(await listAuditEvents(deps, callerOf(request), request.query));
    const names = await namesOf(
      deps,
      page.items.map((e) => e.namespaceId),
    );
    return { items: page.items.map(auditView(names)), nextCursor: page.nextCursor };
  });

  scope.get(
    '/audit/export',
    {
      schema: {
        querystring: AuditFilterQuery,
        description: 'Every matching event in chain order (oldest first), one JSON object (an AuditEvent) a line: `application/x-ndjson`.',
        response: ERROR_ANSWERS,
      },
    },
    async (request, reply) => {
      const events = answer(await exportAuditEvents(deps, callerOf(request), request.query));
      async function* lines(): AsyncGenerator<string> {
        const names = new Map<string, string>();
        for await (const event of events) {
          if (event.namespaceId !== null && !names.has(event.namespaceId)) {
            for (const [id, name] of await namesOf(deps, [event.namespaceId])) names.set(id, name);
          }
          yield `${JSON.stringify(auditView(names)(event))}\n`;
        }
      }
      // A stream is sent as it is (no serializer): the route's 200 is text, one JSON object a line.
      const plainReply: FastifyReply = reply;
      return plainReply.type('application/x-ndjson; charset=utf-8').send(Readable.from(lines()));
    },
  );

  scope.get('/sign-ins', { schema: { querystring: AllSignInQuery, response: { 200: SignInPage, ...ERROR_ANSWERS } } }, async (request) =>
    signInPage(deps, answer(await listSignIns(deps, callerOf(request), request.query))),
  );

  scope.get(
    '/namespaces/:namespace/sign-ins',
    { schema: { params: NamespaceParams, querystring: SignInQuery, response: { 200: SignInPage, ...ERROR_ANSWERS } } },
    async (request) => signInPage(deps, answer(await listNamespaceSignIns(deps, callerOf(request), request.params.namespace, request.query))),
  );

  scope.get('/me/sign-ins', { schema: { querystring: OwnSignInQuery, response: { 200: SignInPage, ...ERROR_ANSWERS } } }, async (request) =>
    signInPage(deps, answer(await listOwnSignIns(deps, callerOf(request), request.query))),
  );
}
