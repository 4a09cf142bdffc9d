/**
 * The management API's group routes: a namespace's groups (list, show, create,
 * update, delete) and their direct members; the assignments of an application; an
 * application's certificates. Plumbing (caller, errors, ETag/If-Match) in
 * management-api.ts and management-plumbing.ts.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  AssignmentParams,
  CertificateAdd,
  CertificateList,
  CertificateParams,
  CertificateView,
  GroupCreate,
  GroupPage,
  GroupPageQuery,
  GroupParams,
  GroupUpdate,
  GroupView,
  MemberAdd,
  MemberList,
  MemberParams,
  MemberView,
} from '../contracts/management-groups.js';
import { ApplicationParams, IfMatchHeaders, NamespaceParams } from '../contracts/management.js';
import type { Namespace } from '../domain/directory.js';
import { qualifiedGroupName, type DirectoryMember, type Group } from '../domain/groups.js';
import type { AdministrationDeps } from '../flows/administration.js';
import { assign, listAssignments, unassign } from '../flows/assignment-management.js';
import { addCertificate, listCertificates, removeCertificate, type CertificateListing } from '../flows/certificate-management.js';
import {
  addMember,
  createGroupAs,
  deleteGroup,
  listGroupMembers,
  listGroups,
  memberRefOf,
  removeMember,
  showGroup,
  updateGroup,
} from '../flows/group-management.js';
import { answer, callerOf, ERROR_ANSWERS, ifMatch, withEtag } from './management-plumbing.js';

export const groupView = (namespace: Pick<Namespace, 'name'>) => (g: Group) => ({
  id: g.id,
  namespace: namespace.name,
  name: g.name,
  qualifiedName: qualifiedGroupName(namespace.name, g.name),
  description: g.description,
  createdAt: g.createdAt,
});

export const memberView = (namespace: Pick<Namespace, 'name'>) => (m: DirectoryMember) =>
  m.type === 'user'
    ? { type: m.type, id: m.id, name: `${m.givenName} ${m.familyName}`.trim(), email: m.email, since: m.since }
    : { type: m.type, id: m.id, name: qualifiedGroupName(namespace.name, m.name), email: null, since: m.since };

const certificateView = (c: CertificateListing) => ({
  id: c.id,
  x5tS256: c.x5tS256,
  x5t: c.x5t,
  subject: c.subject,
  notBefore: c.notBefore,
  expiresAt: c.notAfter,
  createdAt: c.createdAt,
});

const GROUPS = '/namespaces/:namespace/groups';
const APPS = '/namespaces/:namespace/applications/:clientId';
const noContent = z.null().describe('no content');

export function registerGroupRoutes(plain: FastifyInstance, admin: AdministrationDeps): void {
  const scope = plain.withTypeProvider<ZodTypeProvider>();
  /** The view of a group as its ETag is made of: the namespace's name is the request's. */
  const etagView = (namespace: string) => groupView({ name: namespace });

  scope.get(
    GROUPS,
    { schema: { params: NamespaceParams, querystring: GroupPageQuery, response: { 200: GroupPage, ...ERROR_ANSWERS } } },
    async (request) => {
      const { namespace, page } = answer(await listGroups(admin, callerOf(request), { namespace: request.params.namespace, ...request.query }));
      return { items: page.items.map(groupView(namespace)), nextCursor: page.nextCursor };
    },
  );

  scope.post(
    GROUPS,
    { schema: { params: NamespaceParams, body: GroupCreate, response: { 201: GroupView, ...ERROR_ANSWERS } } },
    async (request, reply) => {
      const { namespace, group } = answer(await createGroupAs(admin, callerOf(request), { namespace: request.params.namespace, ...request.body }));
      return reply.code(201).send(groupView(namespace)(group));
    },
  );

  scope.get(`${GROUPS}/:group`, { schema: { params: GroupParams, response: { 200: GroupView, ...ERROR_ANSWERS } } }, async (request, reply) => {
    const { namespace, group } = answer(await showGroup(admin, callerOf(request), request.params));
    return withEtag(reply, groupView(namespace)(group));
  });

  scope.patch(
    `${GROUPS}/:group`,
    { schema: { params: GroupParams, headers: IfMatchHeaders, body: GroupUpdate, response: { 200: GroupView, ...ERROR_ANSWERS } } },
    async (request, reply) => {
      const precondition = ifMatch(request, etagView(request.params.namespace), true);
      const { namespace, group } = answer(await updateGroup(admin, callerOf(request), { ...request.params, changes: request.body, precondition }));
      return withEtag(reply, groupView(namespace)(group));
    },
  );

  scope.delete(
    `${GROUPS}/:group`,
    { schema: { params: GroupParams, headers: IfMatchHeaders, response: { 204: noContent, ...ERROR_ANSWERS } } },
    async (request, reply) => {
      const precondition = ifMatch(request, etagView(request.params.namespace), false);
      answer(await deleteGroup(admin, callerOf(request), { ...request.params, precondition }));
      return reply.code(204).send(null);
    },
  );

  scope.get(`${GROUPS}/:group/members`, { schema: { params: GroupParams, response: { 200: MemberList, ...ERROR_ANSWERS } } }, async (request) => {
    const { namespace, members } = answer(await listGroupMembers(admin, callerOf(request), request.params));
    return { items: members.map(memberView(namespace)) };
  });

  scope.post(
    `${GROUPS}/:group/members`,
    { schema: { params: GroupParams, body: MemberAdd, response: { 200: MemberView, 201: MemberView, ...ERROR_ANSWERS } } },
    async (request, reply) => {
      const member = answer(memberRefOf(request.body));
      const done = answer(await addMember(admin, callerOf(request), { ...request.params, member }));
      return reply.code(done.added ? 201 : 200).send(memberView(done.namespace)(done.member));
    },
  );

  scope.delete(
    `${GROUPS}/:group/members/:kind/:id`,
    { schema: { params: MemberParams, response: { 200: MemberView, ...ERROR_ANSWERS } } },
    async (request) => {
      const done = answer(await removeMember(admin, callerOf(request), request.params));
      return memberView(done.namespace)(done.member);
    },
  );

  scope.get(`${APPS}/assignments`, { schema: { params: ApplicationParams, response: { 200: MemberList, ...ERROR_ANSWERS } } }, async (request) => {
    const { namespace, assignees } = answer(await listAssignments(admin, callerOf(request), request.params));
    return { items: assignees.map(memberView(namespace)) };
  });

  scope.post(
    `${APPS}/assignments`,
    { schema: { params: ApplicationParams, body: MemberAdd, response: { 200: MemberView, 201: MemberView, ...ERROR_ANSWERS } } },
    async (request, reply) => {
      const assignee = answer(memberRefOf(request.body));
      const done = answer(await assign(admin, callerOf(request), { ...request.params, assignee }));
      return reply.code(done.added ? 201 : 200).send(memberView(done.namespace)(done.assignee));
    },
  );

  scope.delete(
    `${APPS}/assignments/:kind/:id`,
    { schema: { params: AssignmentParams, response: { 200: MemberView, ...ERROR_ANSWERS } } },
    async (request) => {
      const done = answer(await unassign(admin, callerOf(request), request.params));
      return memberView(done.namespace)(done.assignee);
    },
  );

  scope.get(
    `${APPS}/certificates`,
    { schema: { params: ApplicationParams, response: { 200: CertificateList, ...ERROR_ANSWERS } } },
    async (request) => ({
      items: answer(await listCertificates(admin, callerOf(request), request.params)).map(certificateView),
    }),
  );

  scope.post(
    `${APPS}/certificates`,
    { schema: { params: ApplicationParams, body: CertificateAdd, response: { 201: CertificateView, ...ERROR_ANSWERS } } },
    async (request, reply) =>
      reply.code(201).send(certificateView(answer(await addCertificate(admin, callerOf(request), { ...request.params, pem: request.body.pem })))),
  );

  scope.delete(
    `${APPS}/certificates/:certificateId`,
    { schema: { params: CertificateParams, response: { 200: CertificateView, ...ERROR_ANSWERS } } },
    async (request) => certificateView(answer(await removeCertificate(admin, callerOf(request), request.params))),
  );
}
