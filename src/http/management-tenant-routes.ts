/**
 * The management API's tenant request routes (`/api/v1/tenant-requests`): request,
 * list, show, approve, reject, withdraw (flows/tenant-requests.ts). Plumbing (caller,
 * errors) in management-api.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  TenantRequestCreate,
  TenantRequestPage,
  TenantRequestParams,
  TenantRequestQuery,
  TenantRequestReject,
  TenantRequestView,
} from '../contracts/management-tenants.js';
import type { TenantRequest } from '../domain/tenant-requests.js';
import {
  approveTenantRequest,
  listTenantRequests,
  rejectTenantRequest,
  requestTenant,
  showTenantRequest,
  withdrawTenantRequest,
  type TenantRequestDeps,
} from '../flows/tenant-requests.js';
import { answer, callerOf, ERROR_ANSWERS } from './management-plumbing.js';

const TR = '/tenant-requests';

export function registerTenantRoutes(plain: FastifyInstance, deps: TenantRequestDeps): void {
  const scope = plain.withTypeProvider<ZodTypeProvider>();
  /** A request as answered; the namespace by name, while it exists. */
  const view = async (r: TenantRequest) => ({
    id: r.id,
    name: r.name,
    displayName: r.displayName,
    description: r.description,
    justification: r.justification,
    status: r.status,
    requester: { userId: r.requestedBy, email: r.requesterEmail },
    requestedAt: r.requestedAt,
    decidedBy: r.decidedBy,
    decidedAt: r.decidedAt,
    reason: r.reason,
    namespace: r.namespaceId ? ((await deps.namespaces.findById(r.namespaceId))?.name ?? null) : null,
  });

  scope.post(TR, { schema: { body: TenantRequestCreate, response: { 201: TenantRequestView, ...ERROR_ANSWERS } } }, async (request, reply) => {
    const created = answer(await requestTenant(deps, callerOf(request), request.body));
    return reply.code(201).send(await view(created));
  });

  scope.get(TR, { schema: { querystring: TenantRequestQuery, response: { 200: TenantRequestPage, ...ERROR_ANSWERS } } }, async (request) => {
    const page = answer(await listTenantRequests(deps, callerOf(request), request.query));
    return { items: await Promise.all(page.items.map(view)), nextCursor: page.nextCursor };
  });

  scope.get(`${TR}/:id`, { schema: { params: TenantRequestParams, response: { 200: TenantRequestView, ...ERROR_ANSWERS } } }, async (request) =>
    view(answer(await showTenantRequest(deps, callerOf(request), request.params.id))),
  );

  scope.post(
    `${TR}/:id/approve`,
    { schema: { params: TenantRequestParams, response: { 200: TenantRequestView, ...ERROR_ANSWERS } } },
    async (request) => view(answer(await approveTenantRequest(deps, callerOf(request), request.params.id)).request),
  );

  scope.post(
    `${TR}/:id/reject`,
    { schema: { params: TenantRequestParams, body: TenantRequestReject, response: { 200: TenantRequestView, ...ERROR_ANSWERS } } },
    async (request) => view(answer(await rejectTenantRequest(deps, callerOf(request), { id: request.params.id, reason: request.body.reason }))),
  );

  scope.post(
    `${TR}/:id/withdraw`,
    { schema: { params: TenantRequestParams, response: { 200: TenantRequestView, ...ERROR_ANSWERS } } },
    async (request) => view(answer(await withdrawTenantRequest(deps, callerOf(request), request.params.id))),
  );
}
