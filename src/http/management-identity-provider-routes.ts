/**
 * The management API's routes for integrated identity providers (platform admins only):
 * `GET|POST /identity-providers`, `GET|PATCH|DELETE /identity-providers/:id` (the id or
 * the name), `POST /identity-providers/:id/enable|disable`. A provider's e-mail domains
 * are part of it (`domains`, replaced whole by a PATCH). Add and update check the
 * provider's discovery document first. No answer carries a client secret or private key.
 * Plumbing (caller, errors, ETag) in management-plumbing.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { IfMatchHeaders, ManagementErrorBody } from '../contracts/management.js';
import {
  IdentityProviderChanged,
  IdentityProviderCreate,
  IdentityProviderList,
  IdentityProviderParams,
  IdentityProviderRemoved,
  IdentityProviderToggled,
  IdentityProviderUpdate,
  IdentityProviderView,
} from '../contracts/management-identity-providers.js';
import { federationCallbackUrl, type IdentityProvider } from '../domain/identity-providers.js';
import {
  changeIdentityProvider,
  createIdentityProvider,
  deleteIdentityProvider,
  enableIdentityProvider,
  listIdentityProviders,
  showIdentityProvider,
} from '../flows/identity-provider-management.js';
import type { IdentityProviderAdminDeps } from '../flows/identity-providers.js';
import { answer, callerOf, ERROR_ANSWERS, etagOf, ifMatch, withEtag } from './management-plumbing.js';

/** Add and update also answer what is wrong with the provider's discovery document: 422 (wrong) or 502 (unreachable). */
const DISCOVERY_ANSWERS = { 422: ManagementErrorBody, 502: ManagementErrorBody } as const;

export interface IdentityProviderRouteDeps extends IdentityProviderAdminDeps {
  /** The server's public URL (the callback URL to register at each provider names it). */
  publicUrl(): Promise<string>;
}

export function identityProviderView(p: IdentityProvider, publicUrl: string) {
  const auth = p.clientAuth;
  return {
    id: p.id,
    name: p.name,
    displayName: p.displayName,
    enabled: p.enabled,
    issuer: p.issuer,
    clientId: p.clientId,
    clientAuthentication:
      auth.method === 'client_secret'
        ? { method: auth.method, secretSet: true, secretSetAt: auth.secretSetAt, certificate: null }
        : {
            method: auth.method,
            secretSet: false,
            secretSetAt: null,
            certificate: {
              subject: auth.certificate.subject,
              x5t: auth.certificate.x5t,
              x5tS256: auth.certificate.x5tS256,
              alg: auth.certificate.alg,
              notAfter: auth.certificate.notAfter,
            },
          },
    domains: p.domains,
    scopes: p.scopes,
    claims: p.claims,
    endSession: p.endSession,
    endSessionEndpoint: p.metadata.end_session_endpoint ?? null,
    callbackUrl: federationCallbackUrl(publicUrl),
    metadata: { ...p.metadata },
    discoveredAt: p.discoveredAt,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

export function registerIdentityProviderRoutes(plain: FastifyInstance, deps: IdentityProviderRouteDeps): void {
  const scope = plain.withTypeProvider<ZodTypeProvider>();
  let url: string | null = null;
  const publicUrl = async () => (url ??= await deps.publicUrl());
  const P = '/identity-providers/:id';
  // Each handler first settles the URL (read once), so `view` stays a plain function (ifMatch calls it).
  const view = (p: IdentityProvider) => identityProviderView(p, url ?? '');

  scope.get('/identity-providers', { schema: { response: { 200: IdentityProviderList, ...ERROR_ANSWERS } } }, async (request) => {
    await publicUrl();
    return { items: answer(await listIdentityProviders(deps, callerOf(request))).map(view) };
  });

  scope.post(
    '/identity-providers',
    { schema: { body: IdentityProviderCreate, response: { 201: IdentityProviderChanged, ...ERROR_ANSWERS, ...DISCOVERY_ANSWERS } } },
    async (request, reply) => {
      await publicUrl();
      const { provider, warnings } = answer(await createIdentityProvider(deps, callerOf(request), request.body));
      const shown = view(provider);
      return reply
        .code(201)
        .header('etag', etagOf(shown))
        .send({ ...shown, warnings, unlinked: 0 });
    },
  );

  scope.get(P, { schema: { params: IdentityProviderParams, response: { 200: IdentityProviderView, ...ERROR_ANSWERS } } }, async (request, reply) => {
    await publicUrl();
    return withEtag(reply, view(answer(await showIdentityProvider(deps, callerOf(request), request.params.id))));
  });

  scope.patch(
    P,
    {
      schema: {
        params: IdentityProviderParams,
        headers: IfMatchHeaders,
        body: IdentityProviderUpdate,
        response: { 200: IdentityProviderChanged, ...ERROR_ANSWERS, ...DISCOVERY_ANSWERS },
      },
    },
    async (request, reply) => {
      await publicUrl();
      const precondition = ifMatch(request, view, true);
      const done = answer(await changeIdentityProvider(deps, callerOf(request), { id: request.params.id, changes: request.body, precondition }));
      const shown = view(done.provider);
      reply.header('etag', etagOf(shown));
      return { ...shown, warnings: done.warnings, unlinked: done.unlinked };
    },
  );

  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    scope.post(
      `${P}/${verb}`,
      { schema: { params: IdentityProviderParams, response: { 200: IdentityProviderToggled, ...ERROR_ANSWERS } } },
      async (request, reply) => {
        await publicUrl();
        const done = answer(await enableIdentityProvider(deps, callerOf(request), request.params.id, enabled));
        const shown = view(done.provider);
        reply.header('etag', etagOf(shown));
        return { ...shown, changed: done.changed };
      },
    );
  }

  scope.delete(
    P,
    { schema: { params: IdentityProviderParams, headers: IfMatchHeaders, response: { 200: IdentityProviderRemoved, ...ERROR_ANSWERS } } },
    async (request) => {
      await publicUrl();
      const precondition = ifMatch(request, view, false);
      const done = answer(await deleteIdentityProvider(deps, callerOf(request), request.params.id, precondition));
      return { id: done.provider.id, name: done.provider.name, removed: true as const, unlinked: done.unlinked };
    },
  );
}
