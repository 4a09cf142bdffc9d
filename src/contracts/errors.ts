/**
 * Stable, dotted error codes shared by every surface (HTTP APIs, CLI, web apps).
 * A code never changes meaning once released; add new ones instead.
 */
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
  internal: 'internal.error',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** The JSON body every TechPass API answers with on failure. */
export interface ErrorBody {
  error: ErrorCode;
  message: string;
  field?: string;
  correlationId?: string;
}
