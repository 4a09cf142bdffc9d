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
  ListQuery,
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
import type { TenantRequestDeps } from '../flows/tenant-requests.js';
import { registerApplicationRoutes } from './management-application-routes.js';
import { portalCaller, type PortalSessionDeps } from '../flows/portal-session.js';
import { PORTAL_CSRF_HEADER, portalSessionToken } from './portal-routes.js';
import { throttle, type ApiRateLimit } from './management-rate-limit.js';
import { registerTenantRoutes } from './management-tenant-routes.js';
import { registerUserRoutes, type AccountRouteDeps } from './management-user-routes.js';
import type { ObservationDeps } from '../flows/audit-management.js';
import { registerObservationRoutes } from './management-observation-routes.js';
import { answer, callerOf, ERROR_ANSWERS, ifMatch, setCaller, withEtag } from './management-plumbing.js';
import { registerGroupRoutes } from './management-group-routes.js';
import { registerOwnFactorRoutes } from './management-own-factor-routes.js';
import { registerSelfRoutes, type SelfRouteDeps } from './management-self-routes.js';
import { registerIdentityProviderRoutes, type IdentityProviderRouteDeps } from './management-identity-provider-routes.js';

export interface ManagementApiDeps {
  administration: AdministrationDeps;
  /** Accounts, vendors and invitations (management-user-routes.ts). */
  accounts: AccountRouteDeps;
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
  /** The portal's session (cookie plus X-CSRF-Token), a second source of callers; absent in process. */
  portal?: { deps: PortalSessionDeps; secure: boolean };
  /** A person's own sessions and password (management-self-routes.ts). */
  self: SelfRouteDeps;
  /** Tenant requests (management-tenant-routes.ts). */
  tenantRequests: TenantRequestDeps;
  /** Integrated identity providers (management-identity-provider-routes.ts). */
  identityProviders: IdentityProviderRouteDeps;
  /** Requests per minute per caller (per client address before one is known); absent or 0: no limit. */
  rateLimit?: ApiRateLimit;
}

export const namespaceView = (n: Namespace) => ({
  id: n.id,
  name: n.name,
  displayName: n.displayName,
  description: n.description,
  directoryId: n.directoryId,
  createdAt: n.createdAt,
});

/**
 * Who the request is from. Today the bearer access token; the portal's session (a
 * later issue) is read here too, as a second source of the same Caller.
 */
async function authenticate(deps: ManagementApiDeps, request: FastifyRequest): Promise<Caller> {
  if (deps.operator !== undefined) return operatorCaller(deps.operator);
  const header = request.headers.authorization;
  const session = deps.portal && !header ? portalSessionToken(request, deps.portal.secure) : undefined;
  if (deps.portal && session) {
    const csrf = request.headers[PORTAL_CSRF_HEADER];
    return answer(await portalCaller(deps.portal.deps, session, typeof csrf === 'string' ? csrf : undefined));
  }
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
        // The operator (the CLI's in-process API) is never throttled.
        if (deps.operator !== undefined) return setCaller(request, operatorCaller(deps.operator));
        let caller: Caller;
        try {
          caller = await authenticate(deps, request);
        } catch (error) {
          // Unauthenticated: counted per client address (429 rather than 401 once over the limit).
          if (deps.rateLimit) await throttle(deps.rateLimit, `address:${request.ip}`, reply);
          throw error;
        }
        if (deps.rateLimit) await throttle(deps.rateLimit, `caller:${caller.userId}`, reply);
        setCaller(request, caller);
      });

      scope.get('/me', { schema: { response: { 200: Me, ...ERROR_ANSWERS } } }, async (request) => {
        const caller = callerOf(request);
        const names = (await admin.namespaces.list()).filter((n) => caller.adminOf.has(n.id)).map((n) => n.name);
        return { userId: caller.userId, email: caller.email, role: roleOf(caller), adminOf: names };
      });

      scope.get('/namespaces', { schema: { querystring: ListQuery, response: { 200: NamespacePage, ...ERROR_ANSWERS } } }, async (request) => {
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
      registerTenantRoutes(scope, deps.tenantRequests);
      registerUserRoutes(scope, { ...deps.accounts, administration: admin });
      if (deps.accounts.ownFactors) registerOwnFactorRoutes(scope, deps.accounts.ownFactors);
      registerGroupRoutes(scope, admin);
      registerObservationRoutes(scope, deps.observation);
      registerSelfRoutes(scope, deps.self, deps.portal);
      registerIdentityProviderRoutes(scope, deps.identityProviders);
    },
    { prefix: MANAGEMENT_API },
  );
}
