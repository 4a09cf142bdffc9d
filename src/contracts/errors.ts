/**
 * Stable, dotted error codes shared by every surface (HTTP APIs, CLI, web apps),
 * the HTTP status each one answers with (ERROR_STATUS, applied by the one error
 * handler in src/http/app.ts and by the HTML pages), and the error a route throws
 * to answer with one (ApiError). A code never changes meaning once released; add
 * new ones instead.
 */
import { z } from 'zod';

export const ErrorCodes = {
  configInvalid: 'config.invalid',
  publicUrlMismatch: 'config.public_url_mismatch',
  databaseUnavailable: 'database.unavailable',
  inputInvalid: 'input.invalid',
  namespaceExists: 'namespace.exists',
  namespaceNotFound: 'namespace.not_found',
  applicationExists: 'application.exists',
  applicationNotFound: 'application.not_found',
  certificateExists: 'certificate.exists',
  certificateInvalid: 'certificate.invalid',
  groupExists: 'group.exists',
  groupNotFound: 'group.not_found',
  groupLimitReached: 'group.limit_reached',
  groupCycle: 'group.cycle',
  userExists: 'user.exists',
  userNotFound: 'user.not_found',
  /** The account's status does not allow the change asked for (the transition table in domain/account-status.ts). */
  statusChangeRefused: 'user.status_change_refused',
  passwordTooWeak: 'password.too_weak',
  resetLinkInvalid: 'password.reset_link_invalid',
  csrfInvalid: 'csrf.invalid',
  credentialsInvalid: 'credentials.invalid',
  signInRequired: 'session.sign_in_required',
  accountLocked: 'account.locked',
  throttled: 'request.throttled',
  flowExpired: 'flow.expired',
  enrolmentLinkInvalid: 'authenticator.enrolment_link_invalid',
  webPushNotConfigured: 'authenticator.web_push_not_configured',
  webPushEndpointRefused: 'authenticator.web_push_endpoint_refused',
  deviceKeyInvalid: 'authenticator.device_key_invalid',
  deviceUnauthenticated: 'authenticator.unauthenticated',
  deviceRequestStale: 'authenticator.request_stale',
  deviceRequestReplayed: 'authenticator.request_replayed',
  authenticatorUnreachable: 'authenticator.server_unreachable',
  authenticatorStoreInvalid: 'authenticator.store_invalid',
  pushNoDevice: 'push.no_device',
  pushTooManyOutstanding: 'push.too_many_outstanding',
  pushPaused: 'push.paused',
  accountHighRisk: 'account.high_risk',
  pushChallengeNotFound: 'push.challenge_not_found',
  pushNoPending: 'push.no_pending_challenge',
  pushWrongNumber: 'push.wrong_number',
  pushExpired: 'push.challenge_expired',
  pushReplayed: 'push.challenge_answered',
  pushForeignDevice: 'push.foreign_device',
  pushBadSignature: 'push.bad_signature',
  pushAnswerStale: 'push.answer_stale',
  metricsUnauthorized: 'metrics.unauthorized',
  metricsNotServed: 'metrics.not_served',
  identityProviderExists: 'idp.exists',
  identityProviderNotFound: 'idp.not_found',
  identityProviderDomainTaken: 'idp.domain_taken',
  discoveryUnreachable: 'idp.discovery_unreachable',
  discoveryNotOidc: 'idp.discovery_not_oidc',
  discoveryIssuerMismatch: 'idp.discovery_issuer_mismatch',
  discoveryNoS256: 'idp.discovery_no_s256',
  discoveryClientAuthUnsupported: 'idp.discovery_client_auth_unsupported',
  /** The inviter may not invite: not a public officer, or not active. */
  invitationNotAllowed: 'invitation.not_allowed',
  /** Another invitation to the same address was made at the same moment. */
  invitationConflict: 'invitation.conflict',
  /** A registration link that is unknown, used, replaced or expired. */
  invitationLinkInvalid: 'invitation.link_invalid',
  /** The management API (issue 19). */
  apiTokenInvalid: 'api.token_invalid',
  apiClientToken: 'api.client_token_refused',
  accessForbidden: 'access.forbidden',
  namespaceNotEmpty: 'namespace.not_empty',
  namespaceLastAdmin: 'namespace.last_admin',
  namespaceAdminNotFound: 'namespace.admin_not_found',
  secretNotFound: 'secret.not_found',
  /** Tenant requests (issue 19). */
  tenantRequestNotFound: 'tenant_request.not_found',
  tenantRequestExists: 'tenant_request.exists',
  tenantRequestNotPending: 'tenant_request.not_pending',
  factorNotFound: 'user.factor_not_found',
  groupMemberNotFound: 'group.member_not_found',
  assignmentNotFound: 'assignment.not_found',
  certificateNotFound: 'certificate.not_found',
  preconditionFailed: 'request.precondition_failed',
  preconditionRequired: 'request.precondition_required',
  routeNotFound: 'route.not_found',
  /** Changing one's own second factors needs a sign-in with a second factor in the last minutes (issue 20). */
  freshSignInRequired: 'session.fresh_sign_in_required',
  /** The last second factor of an account cannot be removed by its owner: add another first. */
  factorLast: 'user.factor_last',
  /** A factor being added: unknown, another person's, finished or expired. */
  enrolmentNotFound: 'user.enrolment_not_found',
  /** The TechPass Authenticator has not used the enrolment link yet. */
  enrolmentPending: 'user.enrolment_pending',
  internal: 'internal.error',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/**
 * The HTTP status of each code. A Record over every code, so a new code without a
 * status does not compile. Codes only the CLI or the web apps use still get the
 * status they would have if an API answered with them.
 */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  'config.invalid': 500,
  'config.public_url_mismatch': 500,
  'database.unavailable': 503,
  'input.invalid': 400,
  'namespace.exists': 409,
  'namespace.not_found': 404,
  'application.exists': 409,
  'application.not_found': 404,
  'certificate.exists': 409,
  'certificate.invalid': 400,
  'group.exists': 409,
  'group.not_found': 404,
  'group.limit_reached': 409,
  'group.cycle': 409,
  'user.exists': 409,
  'user.not_found': 404,
  'password.too_weak': 400,
  'password.reset_link_invalid': 410,
  'csrf.invalid': 403,
  'credentials.invalid': 401,
  'session.sign_in_required': 401,
  'account.locked': 423,
  'request.throttled': 429,
  'flow.expired': 400,
  'authenticator.enrolment_link_invalid': 410,
  'authenticator.web_push_not_configured': 404,
  /** A well-formed push service URL TechPass will not call (a private address, plain http). */
  'authenticator.web_push_endpoint_refused': 422,
  'authenticator.device_key_invalid': 400,
  'authenticator.unauthenticated': 401,
  'authenticator.request_stale': 401,
  'authenticator.request_replayed': 401,
  'authenticator.server_unreachable': 502,
  'authenticator.store_invalid': 500,
  'push.no_device': 409,
  'push.too_many_outstanding': 429,
  'push.paused': 429,
  'account.high_risk': 403,
  'user.status_change_refused': 409,
  'push.challenge_not_found': 404,
  'push.no_pending_challenge': 404,
  'push.wrong_number': 422,
  'invitation.not_allowed': 403,
  'invitation.conflict': 409,
  'invitation.link_invalid': 410,
  'push.challenge_expired': 410,
  'push.challenge_answered': 409,
  'push.foreign_device': 403,
  'push.bad_signature': 401,
  'push.answer_stale': 401,
  'metrics.unauthorized': 401,
  'metrics.not_served': 404,
  'idp.exists': 409,
  'idp.not_found': 404,
  /** A domain pattern that another identity provider's patterns overlap. */
  'idp.domain_taken': 409,
  /** The issuer's discovery document could not be fetched: a network error, a timeout, a 5xx, a refused address. */
  'idp.discovery_unreachable': 502,
  /** What the issuer serves is not an OpenID Connect discovery document (not JSON, a required endpoint missing…). */
  'idp.discovery_not_oidc': 422,
  /** The document's `issuer` is not the configured issuer, character for character. */
  'idp.discovery_issuer_mismatch': 422,
  /** The provider does not offer PKCE with S256. */
  'idp.discovery_no_s256': 422,
  /** The provider's token endpoint does not take the client authentication chosen (client secret or private_key_jwt). */
  'idp.discovery_client_auth_unsupported': 422,
  /** No access token, or one that is not a live TechPass token for `<issuer>/api` naming an active person. */
  'api.token_invalid': 401,
  /** An application's own token (client credentials): not an admin credential. */
  'api.client_token_refused': 403,
  'access.forbidden': 403,
  'namespace.not_empty': 409,
  'namespace.last_admin': 409,
  'namespace.admin_not_found': 404,
  'secret.not_found': 404,
  'tenant_request.not_found': 404,
  /** A pending request for the same namespace name exists already. */
  'tenant_request.exists': 409,
  /** The request was approved, rejected or withdrawn already: it no longer changes. */
  'tenant_request.not_pending': 409,
  'user.factor_not_found': 404,
  'group.member_not_found': 404,
  'assignment.not_found': 404,
  'certificate.not_found': 404,
  /** If-Match names a version the object no longer has: someone changed it meanwhile. */
  'request.precondition_failed': 412,
  /** An update without If-Match (RFC 6585): read the object first, send its ETag back. */
  'request.precondition_required': 428,
  'route.not_found': 404,
  'session.fresh_sign_in_required': 403,
  'user.factor_last': 409,
  'user.enrolment_not_found': 404,
  'user.enrolment_pending': 409,
  'internal.error': 500,
};

/**
 * A refusal a route answers with: thrown (or passed to reply.send) in a route, turned
 * by the one error handler into an ErrorBody with the code's status. `details` are
 * extra fields of the body the code's API documents (e.g. `pausedUntil`).
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly details: Readonly<Record<string, unknown>>;
  /**
   * Only for an answer released with a status other than its code's (see its use in
   * the authenticator API) and for the web framework's own refusals of a request
   * (body too large: 413), answered as input.invalid with their status; new answers
   * take the table's status.
   */
  readonly status: number;

  constructor(code: ErrorCode, message: string, options: { field?: string; details?: Record<string, unknown>; status?: number } = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.field = options.field;
    this.details = options.details ?? {};
    this.status = options.status ?? ERROR_STATUS[code];
  }
}

/** The JSON body every TechPass API answers with on failure. */
export interface ErrorBody {
  error: ErrorCode;
  message: string;
  field?: string;
  correlationId?: string;
}

/**
 * ErrorBody as a schema, for the routes' response schemas (and so the OpenAPI
 * document). Loose: a code's API may document extra fields (`details`), which the
 * response serializer must not strip.
 */
export const ErrorBodySchema = z.looseObject({
  error: z.enum(ErrorCodes),
  message: z.string(),
  field: z.string().optional(),
  correlationId: z.string().optional(),
});
