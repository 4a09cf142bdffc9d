/**
 * The management API, `/api/v1/…` (issue 19): the plumbing every route shares, and
 * the caller and namespace routes (applications: management-application-routes.ts).
 *
 * - Every route has zod schemas for its request and its answers (the OpenAPI document
 *   is made of them) and errors in one shape, `{ "error": { "code", "message",
 *   "fields"? } }` (`config.errorShape`, applied by the one error handler in app.ts),
 *   with the status of the code's entry in contracts/errors.ts.
 * - Every route but none is authenticated: `Authorization: Bearer <access token>` for
 *   the resource `<issuer>/api` (flows/api-callers.ts). The portal's session will be a
 *   second source of the same Caller (the seam: `authenticate` below).
 * - Every route calls one flow function, which asks domain/authorization.ts.
 * - A single object's GET answers an `ETag` (a digest of the object as answered); a
 *   PATCH must send it back in `If-Match`: 428 without it, 412 when the object changed
 *   meanwhile. A DELETE honours If-Match when sent and does not require it.
 */
import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { ApiError, ErrorCodes } from '../contracts/errors.js';
import {
  AdminAdd,
  AdminList,
  AdminParams,
  IfMatchHeaders,
  MANAGEMENT_API,
  Me,
  NamespacePage,
  NamespaceParams,
  NamespaceUpdate,
  NamespaceView,
  PageQuery,
} from '../contracts/management.js';
import { operatorCaller, roleOf, type Caller } from '../domain/authorization.js';
import type { Namespace } from '../domain/directory.js';
import type { AdministrationDeps } from '../flows/administration.js';
import { callerFromAccessToken, type ApiCallerDeps } from '../flows/api-callers.js';
import {
  addNamespaceAdmin,
  deleteNamespace,
  listNamespaceAdmins,
  listNamespaces,
  removeNamespaceAdmin,
  showNamespace,
  updateNamespace,
} from '../flows/namespace-management.js';
import { registerApplicationRoutes } from './management-application-routes.js';
import type { ObservationDeps } from '../flows/audit-management.js';
import { registerObservationRoutes } from './management-observation-routes.js';
import { answer, callerOf, ERROR_ANSWERS, ifMatch, setCaller, withEtag } from './management-plumbing.js';

export interface ManagementApiDeps {
  administration: AdministrationDeps;
  /** The signing keys, the audit log and the sign-in log, read only (management-observation-routes.ts). */
  observation: ObservationDeps;
  /** How a request's bearer token becomes a caller (the server); absent in the CLI's in-process API. */
  callers?: ApiCallerDeps;
  /**
   * In-process only (the CLI's local mode, management-local.ts): every request is this
   * operator (`operatorCaller`), audited as such. The server never sets it: over HTTP a
   * caller is always a token's person.
   */
  operator?: string;
}

export const namespaceView = (n: Namespace) => ({
  id: n.id,
  name: n.name,
  displayName: n.displayName,
  description: n.description,
  createdAt: n.createdAt,
});

/**
 * Who the request is from. Today the bearer access token; the portal's session (a
 * later issue) is read here too, as a second source of the same Caller.
 */
async function authenticate(deps: ManagementApiDeps, request: FastifyRequest): Promise<Caller> {
  if (deps.operator !== undefined) return operatorCaller(deps.operator);
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(header) : null;
  if (!match) {
    throw new ApiError(ErrorCodes.apiTokenInvalid, 'a TechPass access token for the management API is required: Authorization: Bearer <token>');
  }
  if (!deps.callers) throw new ApiError(ErrorCodes.apiTokenInvalid, 'this API takes no access tokens');
  return answer(await callerFromAccessToken(deps.callers, match[1]!));
}

export async function registerManagementApi(app: FastifyInstance, deps: ManagementApiDeps): Promise<void> {
  const admin = deps.administration;
  await app.register(
    async (plain) => {
      const scope = plain.withTypeProvider<ZodTypeProvider>();
      scope.setValidatorCompiler(validatorCompiler);
      scope.setSerializerCompiler(serializerCompiler);
      scope.addHook('onRoute', (route) => {
        route.config = { ...(route.config ?? {}), errorShape: 'nested' } as typeof route.config;
        route.schema = { ...(route.schema ?? {}), security: [{ bearer: [] }] } as typeof route.schema;
      });
      scope.addHook('onRequest', async (request, reply) => {
        reply.header('cache-control', 'no-store');
        if (reply.sent) return;
        setCaller(request, await authenticate(deps, request));
      });

      scope.get('/me', { schema: { response: { 200: Me, ...ERROR_ANSWERS } } }, async (request) => {
        const caller = callerOf(request);
        const names = (await admin.namespaces.list()).filter((n) => caller.adminOf.has(n.id)).map((n) => n.name);
        return { userId: caller.userId, email: caller.email, role: roleOf(caller), adminOf: names };
      });

      scope.get('/namespaces', { schema: { querystring: PageQuery, response: { 200: NamespacePage, ...ERROR_ANSWERS } } }, async (request) => {
        const page = answer(await listNamespaces(admin, callerOf(request), request.query));
        return { items: page.items.map(namespaceView), nextCursor: page.nextCursor };
      });

      scope.get(
        '/namespaces/:namespace',
        { schema: { params: NamespaceParams, response: { 200: NamespaceView, ...ERROR_ANSWERS } } },
        async (request, reply) => withEtag(reply, namespaceView(answer(await showNamespace(admin, callerOf(request), request.params.namespace)))),
      );

      scope.patch(
        '/namespaces/:namespace',
        { schema: { params: NamespaceParams, headers: IfMatchHeaders, body: NamespaceUpdate, response: { 200: NamespaceView, ...ERROR_ANSWERS } } },
        async (request, reply) => {
          const caller = callerOf(request);
          const precondition = ifMatch(request, namespaceView, true);
          const updated = answer(await updateNamespace(admin, caller, { namespace: request.params.namespace, changes: request.body, precondition }));
          return withEtag(reply, namespaceView(updated));
        },
      );

      scope.delete(
        '/namespaces/:namespace',
        { schema: { params: NamespaceParams, headers: IfMatchHeaders, response: { 204: z.null().describe('no content'), ...ERROR_ANSWERS } } },
        async (request, reply) => {
          const precondition = ifMatch(request, namespaceView, false);
          answer(await deleteNamespace(admin, callerOf(request), { namespace: request.params.namespace, precondition }));
          return reply.code(204).send(null);
        },
      );

      scope.get(
        '/namespaces/:namespace/admins',
        { schema: { params: NamespaceParams, response: { 200: AdminList, ...ERROR_ANSWERS } } },
        async (request) => ({
          items: answer(await listNamespaceAdmins(admin, callerOf(request), request.params.namespace)),
        }),
      );

      scope.post(
        '/namespaces/:namespace/admins',
        { schema: { params: NamespaceParams, body: AdminAdd, response: { 200: AdminList, 201: AdminList, ...ERROR_ANSWERS } } },
        async (request, reply) => {
          const done = answer(await addNamespaceAdmin(admin, callerOf(request), { namespace: request.params.namespace, email: request.body.email }));
          return reply.code(done.added ? 201 : 200).send({ items: done.admins });
        },
      );

      scope.delete(
        '/namespaces/:namespace/admins/:userId',
        { schema: { params: AdminParams, response: { 200: AdminList, ...ERROR_ANSWERS } } },
        async (request) => ({
          items: answer(await removeNamespaceAdmin(admin, callerOf(request), { namespace: request.params.namespace, userId: request.params.userId })),
        }),
      );

      registerApplicationRoutes(scope, admin);
      registerObservationRoutes(scope, deps.observation);
    },
    { prefix: MANAGEMENT_API },
  );
}
