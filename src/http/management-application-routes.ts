/**
 * The management API's application routes: a namespace's applications (list, create,
 * show, update, delete) and their client secrets (list, add, revoke). Plumbing (caller,
 * errors, ETag/If-Match) in management-api.ts.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  ApplicationCreate,
  ApplicationCreated,
  ApplicationPage,
  ApplicationParams,
  ApplicationUpdate,
  ApplicationView,
  IfMatchHeaders,
  NamespaceParams,
  PageQuery,
  ListQuery,
  SecretAdd,
  SecretCreated,
  SecretList,
  SecretParams,
  SecretView,
} from '../contracts/management.js';
import type { ApplicationSecret } from '../domain/directory.js';
import type { AdministrationDeps } from '../flows/administration.js';
import {
  addSecret,
  changeApplication,
  createApplicationAs,
  deleteApplication,
  listApplications,
  listSecrets,
  revokeSecret,
  showApplication,
  type OwnedApplication,
} from '../flows/application-management.js';
import { answer, callerOf, ERROR_ANSWERS, ifMatch, withEtag } from './management-plumbing.js';

export const applicationView = (namespace: string) => (a: OwnedApplication) => ({
  clientId: a.id,
  namespace,
  name: a.name,
  homepageUrl: a.homepageUrl,
  logoutUrl: a.logoutUrl,
  redirectUris: a.redirectUris,
  public: a.isPublic,
  signInEnabled: a.signInEnabled,
  assignmentRequired: a.assignmentRequired,
  implicitGrant: a.implicitGrant,
  backchannelLogoutUri: a.backchannelLogoutUri,
  termsVersion: a.termsVersion,
  managementApi: a.managementApi,
  owners: a.owners.map((o) => ({ userId: o.userId, email: o.email })),
  createdAt: a.createdAt,
  updatedAt: a.updatedAt,
});

/** A secret as listed: never its value nor its digest. */
const secretView = (s: ApplicationSecret) => ({
  id: s.id,
  name: s.name,
  hint: s.hint,
  createdAt: s.createdAt,
  expiresAt: s.expiresAt,
  lastUsedAt: s.lastUsedAt,
});

const APPS = '/namespaces/:namespace/applications';

export function registerApplicationRoutes(plain: FastifyInstance, admin: AdministrationDeps): void {
  const scope = plain.withTypeProvider<ZodTypeProvider>();

  scope.get(
    APPS,
    { schema: { params: NamespaceParams, querystring: ListQuery, response: { 200: ApplicationPage, ...ERROR_ANSWERS } } },
    async (request) => {
      const page = answer(await listApplications(admin, callerOf(request), { namespace: request.params.namespace, ...request.query }));
      return { items: page.items.map(applicationView(request.params.namespace)), nextCursor: page.nextCursor };
    },
  );

  scope.post(
    APPS,
    { schema: { params: NamespaceParams, body: ApplicationCreate, response: { 201: ApplicationCreated, ...ERROR_ANSWERS } } },
    async (request, reply) => {
      const { public: isPublic, homepageUrl, logoutUrl, ...rest } = request.body;
      const created = answer(
        await createApplicationAs(admin, callerOf(request), {
          namespace: request.params.namespace,
          ...rest,
          isPublic,
          ...(homepageUrl ? { homepageUrl } : {}),
          ...(logoutUrl ? { logoutUrl } : {}),
        }),
      );
      const view = applicationView(request.params.namespace)({ ...created.application, owners: [] });
      return reply.code(201).send({ ...view, clientSecret: created.clientSecret, secretExpiresAt: created.secretExpiresAt });
    },
  );

  scope.get(
    `${APPS}/:clientId`,
    { schema: { params: ApplicationParams, response: { 200: ApplicationView, ...ERROR_ANSWERS } } },
    async (request, reply) => {
      const app = answer(await showApplication(admin, callerOf(request), request.params));
      return withEtag(reply, applicationView(request.params.namespace)(app));
    },
  );

  scope.patch(
    `${APPS}/:clientId`,
    { schema: { params: ApplicationParams, headers: IfMatchHeaders, body: ApplicationUpdate, response: { 200: ApplicationView, ...ERROR_ANSWERS } } },
    async (request, reply) => {
      const view = applicationView(request.params.namespace);
      const precondition = ifMatch(request, view, true);
      const updated = answer(await changeApplication(admin, callerOf(request), { ...request.params, changes: request.body, precondition }));
      return withEtag(reply, view(updated));
    },
  );

  scope.delete(
    `${APPS}/:clientId`,
    { schema: { params: ApplicationParams, headers: IfMatchHeaders, response: { 204: z.null().describe('no content'), ...ERROR_ANSWERS } } },
    async (request, reply) => {
      const precondition = ifMatch(request, applicationView(request.params.namespace), false);
      answer(await deleteApplication(admin, callerOf(request), { ...request.params, precondition }));
      return reply.code(204).send(null);
    },
  );

  scope.get(
    `${APPS}/:clientId/secrets`,
    { schema: { params: ApplicationParams, response: { 200: SecretList, ...ERROR_ANSWERS } } },
    async (request) => ({
      items: answer(await listSecrets(admin, callerOf(request), request.params)).map(secretView),
    }),
  );

  scope.post(
    `${APPS}/:clientId/secrets`,
    { schema: { params: ApplicationParams, body: SecretAdd, response: { 201: SecretCreated, ...ERROR_ANSWERS } } },
    async (request, reply) => {
      const added = answer(await addSecret(admin, callerOf(request), { ...request.params, ...request.body }));
      return reply.code(201).send({ ...secretView(added.secret), value: added.value });
    },
  );

  scope.delete(
    `${APPS}/:clientId/secrets/:secretId`,
    { schema: { params: SecretParams, response: { 200: SecretView, ...ERROR_ANSWERS } } },
    async (request) => secretView(answer(await revokeSecret(admin, callerOf(request), request.params))),
  );
}
