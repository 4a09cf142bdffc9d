/**
 * The management API's account routes (`/users…`, `/me/profile`), and issue 18's
 * vendors of a namespace and invitations. Plumbing (caller, errors, ETag/If-Match) in
 * management-api.ts; rules in domain/authorization-users.ts; flows in
 * flows/user-management.ts, flows/user-mfa-reset.ts and flows/vendor-management.ts.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { IfMatchHeaders } from '../contracts/management.js';
import {
  FactorList,
  FactorParams,
  FactorView,
  InvitationCreate,
  InvitationSentView,
  MfaResetView,
  OptionalReason,
  SessionsEnded,
  StatusReason,
  UserPage,
  UserParams,
  UserQuery,
  UserUpdate,
  UserView,
  VendorCreate,
  VendorList,
  VendorParams,
  VendorView,
} from '../contracts/management-users.js';
import type { UserFactor } from '../domain/user-directory.js';
import { techpassId, type User } from '../domain/users.js';
import type { AdministrationDeps } from '../flows/administration.js';
import type { InvitationDeps } from '../flows/invitations.js';
import { removeFactorOf, type OwnFactorDeps } from '../flows/own-factors.js';
import {
  changeUserStatus,
  clearUserRisk,
  endUserSessions,
  listUserFactors,
  searchUsers,
  showUser,
  unlockUser,
  updateUser,
  type AdminStatusChange,
  type ProfileInput,
  type UserManagementDeps,
} from '../flows/user-management.js';
import { resetUserMfa, type MfaResetDeps } from '../flows/user-mfa-reset.js';
import { createNamespaceVendor, inviteAsCaller, listNamespaceVendors } from '../flows/vendor-management.js';
import type { VendorDeps, VendorSummary } from '../flows/vendors.js';
import { answer, callerOf, ERROR_ANSWERS, ifMatch, withEtag } from './management-plumbing.js';

/** What the account, vendor and invitation routes need besides `administration` (ManagementApiDeps.accounts). */
export interface AccountRouteDeps {
  /** The account flows; `publicUrl` for the e-mail of an MFA reset (flows/user-mfa-reset.ts). */
  users: UserManagementDeps & Pick<MfaResetDeps, 'publicUrl'>;
  vendors: VendorDeps;
  invitations: InvitationDeps;
  /** One's own second factors (management-own-factor-routes.ts); the server's only: the CLI's operator has none. */
  ownFactors?: OwnFactorDeps;
}

export const userSummary = (u: User) => ({ id: u.id, email: u.email, givenName: u.givenName, familyName: u.familyName, status: u.status });

export const userView = (u: User) => ({
  ...userSummary(u),
  username: u.username,
  techpassId: techpassId(u),
  type: u.accountType,
  platformAdmin: u.platformRole === 'admin',
  locked: u.lockedAt !== null,
  lockedAt: u.lockedAt,
  mobile: u.profile.mobile,
  agency: u.profile.agency,
  department: u.profile.department,
  businessOperation: u.profile.businessOperation,
  reportingOfficerEmail: u.profile.reportingOfficerEmail,
  companyAddress: u.profile.companyAddress,
  createdAt: u.createdAt,
  updatedAt: u.updatedAt,
  lastSignInAt: u.lastSignInAt,
});

const factorView = (f: UserFactor) => ({ id: f.id, type: f.type, label: f.label, createdAt: f.createdAt, lastUsedAt: f.lastUsedAt });

const vendorView = (v: VendorSummary) => ({
  id: v.id,
  techpassId: v.techpassId,
  email: v.email,
  mobile: v.mobile,
  givenName: v.givenName,
  familyName: v.familyName,
  status: v.status,
  activationCode: v.activationCode,
  activationCodeExpiresAt: v.activationCodeExpiresAt,
  createdBy: v.createdBy,
  createdAt: v.createdAt,
});

const USER = '/users/:userId';

export function registerUserRoutes(plain: FastifyInstance, deps: AccountRouteDeps & { administration: AdministrationDeps }): void {
  const scope = plain.withTypeProvider<ZodTypeProvider>();
  const users = deps.users;

  scope.get('/users', { schema: { querystring: UserQuery, response: { 200: UserPage, ...ERROR_ANSWERS } } }, async (request) => {
    const { page, view } = answer(await searchUsers(users, callerOf(request), request.query));
    return { items: page.items.map(view === 'full' ? userView : userSummary), nextCursor: page.nextCursor };
  });

  const show = async (request: FastifyRequest, userId: string) => userView(answer(await showUser(users, callerOf(request), userId)));
  const update = async (request: FastifyRequest, userId: string, changes: ProfileInput) => {
    const precondition = ifMatch(request, userView, true);
    return userView(answer(await updateUser(users, callerOf(request), { userId, changes, precondition })));
  };
  const profile = { response: { 200: UserView, ...ERROR_ANSWERS } };

  scope.get(USER, { schema: { params: UserParams, ...profile } }, async (request, reply) =>
    withEtag(reply, await show(request, request.params.userId)),
  );
  scope.patch(USER, { schema: { params: UserParams, headers: IfMatchHeaders, body: UserUpdate, ...profile } }, async (request, reply) =>
    withEtag(reply, await update(request, request.params.userId, request.body)),
  );
  // The caller's own account (the portal's My Account): the same rules, with the caller as the target.
  scope.get('/me/profile', { schema: profile }, async (request, reply) => withEtag(reply, await show(request, callerOf(request).userId)));
  scope.patch('/me/profile', { schema: { headers: IfMatchHeaders, body: UserUpdate, ...profile } }, async (request, reply) =>
    withEtag(reply, await update(request, callerOf(request).userId, request.body)),
  );

  for (const change of ['disable', 'terminate'] as const satisfies AdminStatusChange[]) {
    scope.post(`${USER}/${change}`, { schema: { params: UserParams, body: StatusReason, ...profile } }, async (request) =>
      userView(answer(await changeUserStatus(users, callerOf(request), { userId: request.params.userId, change, reason: request.body.reason }))),
    );
  }
  scope.post(`${USER}/enable`, { schema: { params: UserParams, body: OptionalReason.nullish(), ...profile } }, async (request) =>
    userView(
      answer(await changeUserStatus(users, callerOf(request), { userId: request.params.userId, change: 'enable', reason: request.body?.reason })),
    ),
  );
  scope.post(`${USER}/unlock`, { schema: { params: UserParams, body: OptionalReason.nullish(), ...profile } }, async (request) =>
    userView(answer(await unlockUser(users, callerOf(request), { userId: request.params.userId, reason: request.body?.reason })).user),
  );
  scope.post(`${USER}/clear-risk`, { schema: { params: UserParams, ...profile } }, async (request) =>
    userView(answer(await clearUserRisk(users, callerOf(request), { userId: request.params.userId }))),
  );
  scope.post(
    `${USER}/end-sessions`,
    { schema: { params: UserParams, body: OptionalReason.nullish(), response: { 200: SessionsEnded, ...ERROR_ANSWERS } } },
    async (request) => answer(await endUserSessions(users, callerOf(request), { userId: request.params.userId, reason: request.body?.reason })),
  );

  scope.post(
    `${USER}/reset-mfa`,
    { schema: { params: UserParams, body: OptionalReason.nullish(), response: { 200: MfaResetView, ...ERROR_ANSWERS } } },
    async (request) => answer(await resetUserMfa(users, callerOf(request), { userId: request.params.userId, reason: request.body?.reason })),
  );

  scope.get(`${USER}/factors`, { schema: { params: UserParams, response: { 200: FactorList, ...ERROR_ANSWERS } } }, async (request) => ({
    items: answer(await listUserFactors(users, callerOf(request), request.params.userId)).map(factorView),
  }));
  scope.delete(`${USER}/factors/:factorId`, { schema: { params: FactorParams, response: { 200: FactorView, ...ERROR_ANSWERS } } }, async (request) =>
    factorView(answer(await removeFactorOf(users, deps.ownFactors, callerOf(request), request.params))),
  );

  scope.get(
    '/namespaces/:namespace/vendors',
    { schema: { params: VendorParams, response: { 200: VendorList, ...ERROR_ANSWERS } } },
    async (request) => ({
      items: answer(await listNamespaceVendors(deps.administration, deps.vendors, callerOf(request), request.params.namespace)).map(vendorView),
    }),
  );
  scope.post(
    '/namespaces/:namespace/vendors',
    { schema: { params: VendorParams, body: VendorCreate, response: { 201: VendorView, ...ERROR_ANSWERS } } },
    async (request, reply) => {
      const { email, username, mobile, givenName, familyName } = request.body;
      const vendor = answer(
        await createNamespaceVendor(deps.administration, deps.vendors, callerOf(request), {
          namespace: request.params.namespace,
          vendor: { email, username, mobile, ...(givenName !== undefined ? { givenName } : {}), ...(familyName !== undefined ? { familyName } : {}) },
        }),
      );
      return reply.code(201).send(vendorView(vendor));
    },
  );

  scope.post(
    '/invitations',
    { schema: { body: InvitationCreate, response: { 201: InvitationSentView, ...ERROR_ANSWERS } } },
    async (request, reply) => {
      const sent = answer(await inviteAsCaller(deps.invitations, callerOf(request), request.body));
      return reply.code(201).send({ status: sent.status, expiresAt: sent.expiresAt });
    },
  );
}
