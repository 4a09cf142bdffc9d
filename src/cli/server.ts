/**
 * The composition root: reads nothing itself, wires every layer together and
 * starts the HTTP server, the provider and the background jobs.
 */
import { relyingPartyFor } from '../strategies/passkey/passkey.js';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { systemClock, type Clock } from '../platform/clock.js';
import { isEmbeddedMode, type Config } from '../platform/config.js';
import { createLogger, type Logger } from '../platform/logger.js';
import { buildHttpApp, inProcessFetch, type ProviderHandler } from '../http/app.js';
import { registerPortalRoutes } from '../http/portal-routes.js';
import { registerPortalApp } from '../http/portal-app-routes.js';
import type { PortalSessionDeps } from '../flows/portal-session.js';
import { ensurePortalApplication } from '../flows/platform-applications.js';
import { administrationDeps } from './demo.js';
import { DatabaseHealth } from '../http/database-health.js';
import { createMetrics } from '../http/metrics.js';
import { metricsListener, registerOpsRoutes } from '../http/ops-routes.js';
import { endedSessionBrowsersCleanup, expiredPortalSessionsCleanup, expiredRowsCleanup, signInLogCleanup } from '../jobs/cleanup.js';
import { mailDelivery } from '../jobs/mail-delivery.js';
import { smtpTransport } from '../platform/mail.js';
import { smsProvider } from '../platform/sms.js';
import { startScheduler, type Scheduler } from '../jobs/scheduler.js';
import { ensureSigningKeys, loadJwks } from '../oidc/keys.js';
import { buildProvider, PROVIDER_PATH_PREFIXES } from '../oidc/provider.js';
import { isConnectionError, type Store } from '../persistence/store.js';
import type Provider from 'oidc-provider';
import type { UserId } from '../domain/ids.js';
import { enrolledFactors, type SignInDeps } from '../flows/sign-in.js';
import { pushSignals } from '../platform/notices.js';
import { registerAccountRoutes } from '../http/account-routes.js';
import { registerInvitationRoutes } from '../http/invitation-routes.js';
import { invitationExpiry } from '../jobs/invitation-expiry.js';
import { invitationDeps, registrationDeps } from './invitation-deps.js';
import { registerDevOutboxRoutes } from '../http/dev-outbox-routes.js';
import { registerAuthenticatorApi } from '../http/authenticator-api.js';
import { registerAuthenticatorApp } from '../http/authenticator-app.js';
import { registerManagementApi } from '../http/management-api.js';
import { registerApiDocs } from '../http/api-docs.js';
import type { JSONWebKeySet } from 'jose';
import { managementDeps } from './management-deps.js';
import { registerSignInRoutes } from '../http/sign-in-routes.js';
import { checkApplicationAccess } from '../oidc/access-policy.js';
import { interactionPort, type InteractionDeps } from '../oidc/interactions.js';
import { providerPages } from '../ui/provider-pages.js';
import { checkLibraryPatches } from './library-patches.js';
import { resolveMasterKey } from './master-key.js';
import { openStore } from './open-store.js';
import { lockoutPolicy, pushDeps } from './push-deps.js';
import type { PasswordDeps } from '../flows/passwords.js';
import { passwordResetMail, PASSWORD_RESET_MAIL_JOB } from '../jobs/password-reset-mail.js';
import { backchannelLogout } from '../jobs/backchannel-logout.js';
import { backchannelLogoutSender } from '../oidc/backchannel-logout.js';

import { StartupError } from './open-store.js';
import { federationDeps } from './federation-deps.js';
import { UPSTREAM_SIGN_OUT_KEY } from '../strategies/upstream-oidc/sign-out.js';
import type { ManagedDeviceRule } from '../domain/onboarding.js';
import { registerSignUpRoutes } from '../http/sign-up-routes.js';
import { loadPolicyTexts } from '../platform/policies.js';
import { signUpRoutesDeps } from './sign-up-deps.js';

export { StartupError };

/** A published JWK without its private members (and without key_ops, which marks a key kept for verification only). */
function publicJwk(jwk: Record<string, unknown>): JSONWebKeySet['keys'][number] {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, key_ops: _ops, ...rest } = jwk;
  return rest as JSONWebKeySet['keys'][number];
}

export interface RunningServer {
  url: string;
  port: number;
  store: Store;
  app: FastifyInstance;
  scheduler: Scheduler;
  /** The metrics listener's URL, when METRICS_PORT gives /metrics a listener of its own. */
  metricsUrl?: string;
  /** Reloads signing keys now instead of waiting for the next refresh tick. */
  refreshKeys(): Promise<boolean>;
  close(): Promise<void>;
}

export interface ServerOptions {
  clock?: Clock;
  logger?: Logger;
  /** How often device streams look in the database for prompts made on other nodes (default 1 s). */
  streamPollMs?: number;
  /** The first wait before a failed mail or SMS is tried again (default 5 s, doubling): tests shorten it. */
  deliveryRetryMs?: number;
  /** The access-rules engine's managed-device hook for sign-up (default: every device is allowed). */
  signUpDeviceRule?: ManagedDeviceRule;
}

export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const store = await openStore(config, logger, clock, { serving: true });
  const { key: masterKey } = resolveMasterKey(config);

  try {
    checkLibraryPatches(store.engine);
    await store.migrate();
    await store.withLock('signing-keys', () => ensureSigningKeys(store.signingKeys));
    // CLI commands make their links with the URL the server answers at (src/cli/server-issuer.ts).
    const previous = await store.deployment.recordPublicUrl(config.PUBLIC_URL);
    if (previous !== null && previous !== config.PUBLIC_URL) {
      logger.warn(
        { previous, publicUrl: config.PUBLIC_URL },
        'PUBLIC_URL differs from the one recorded by the last server to start; recorded the new one',
      );
    }
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }

  const secure = config.PUBLIC_URL.startsWith('https://');
  const cookieKey = masterKey.derive('remembered-accounts');
  const cookieName = secure ? '__Host-techpass_accounts' : 'techpass_accounts';
  const checkAccess = (clientId: string, userId: UserId) => checkApplicationAccess(store, clientId, userId);
  const interactions: InteractionDeps = { store, cookieKey, cookieName, pages: providerPages, checkAccess };
  // Getting an account (issue 18): the platform policies (read once; a bad file stops the start) and the onboarding cookie.
  const policyTexts = loadPolicyTexts(config);
  const onboardingCookie = { key: masterKey.derive('onboarding-browser'), name: secure ? '__Host-techpass_onboarding' : 'techpass_onboarding' };
  let current: Provider | undefined;

  // The provider is rebuilt whenever the published key set changes (a rotation on
  // any node, or a retired key's window closing), so every node follows within seconds.
  let published = '';
  let handler: (req: IncomingMessage, res: ServerResponse) => void = () => {};
  // The published keys' public parts: what the management API checks its access tokens with.
  let verificationKeys: JSONWebKeySet = { keys: [] };
  const refreshKeys = async (): Promise<boolean> => {
    const jwks = await loadJwks(store.signingKeys, clock);
    const fingerprint = jwks.keys.map((k) => `${String(k.kid)}:${k.key_ops ? 'v' : 's'}`).join(',');
    if (fingerprint === published) return false;
    const provider = buildProvider({ config, store, masterKey, clock, logger, jwks, interactions });
    handler = provider.callback();
    current = provider;
    verificationKeys = { keys: jwks.keys.map(publicJwk) };
    published = fingerprint;
    logger.info({ keys: fingerprint }, 'signing keys loaded');
    return true;
  };
  await refreshKeys();
  const providerHandler: ProviderHandler = {
    handle: (req, res) => handler(req, res),
    pathPrefixes: PROVIDER_PATH_PREFIXES,
  };

  const metrics = createMetrics();
  const health = new DatabaseHealth(
    () => store.ping(),
    (up) => {
      metrics.databaseUp.set(up ? 1 : 0);
      if (up) logger.info('database reachable again');
      else logger.error('database unreachable: answering 503 until it returns');
    },
  );
  health.start();
  metrics.databaseUp.set(1);

  const keyTimer = setInterval(() => {
    if (!health.up) return;
    refreshKeys().catch((error: unknown) => logger.warn({ err: error }, 'signing key refresh failed'));
  }, config.KEY_REFRESH_SECONDS * 1000);
  keyTimer.unref();

  const app = await buildHttpApp({
    logger,
    metrics,
    health,
    provider: providerHandler,
    trustProxy: config.TRUST_PROXY,
    publicUrl: config.PUBLIC_URL,
    isDatabaseUnavailable: isConnectionError,
  });
  registerOpsRoutes(app, {
    health,
    metrics,
    access: { ...(config.METRICS_TOKEN ? { token: config.METRICS_TOKEN } : {}), separateListener: config.METRICS_PORT !== undefined },
  });
  // Prompts made on this node reach its device streams at once; other nodes' through the database (PostgreSQL notices, SQLite commit counter).
  const signals = pushSignals(store.notices, store.externalChanges);
  const signIn: SignInDeps = {
    transaction: (fn) => store.transaction(fn),
    users: store.users,
    flows: store.flows,
    remembered: store.rememberedAccounts,
    accountSessions: store.accountSessions,
    rateLimits: store.rateLimits,
    audit: store.audit,
    signInLog: store.signInLog,
    clients: store.clients,
    forNamespace: (id) => store.forNamespace(id),
    clock,
    lockout: lockoutPolicy(config),
    federation: federationDeps(store, config),
    federatedIdentities: store.federatedIdentities,
    sessionTtlMs: config.SESSION_TTL * 1000,
    checkAccess,
    factorsOwed: enrolledFactors(store.users, store.push),
    push: pushDeps(store, clock, config, signals),
    passkeys: store.passkeys,
    relyingParty: relyingPartyFor(config.PUBLIC_URL),
    sealer: masterKey,
    platform: {
      versions: { privacy: policyTexts.privacy.version, terms: policyTexts.terms.version },
      policies: store.platformPolicies,
      onboardingLinks: store.onboardingLinks,
    },
  };
  await registerSignInRoutes(app, {
    port: interactionPort(() => current!),
    signIn,
    cookie: { key: cookieKey, name: cookieName, secure, maxAgeSeconds: 400 * 86_400 },
    upstreamSignOut: { key: masterKey.derive(UPSTREAM_SIGN_OUT_KEY), publicUrl: config.PUBLIC_URL },
    onboardingCookie,
  });
  await registerSignUpRoutes(app, signUpRoutesDeps(config, store, clock, masterKey, policyTexts, onboardingCookie, options.signUpDeviceRule));
  let scheduler: Scheduler | undefined;
  const passwords: PasswordDeps = {
    users: store.users,
    passwordResets: store.passwordResets,
    passwordResetRequests: store.passwordResetRequests,
    remembered: store.rememberedAccounts,
    accountSessions: store.accountSessions,
    outbox: store.outbox,
    audit: store.audit,
    rateLimits: store.rateLimits,
    clock,
    publicUrl: config.PUBLIC_URL,
    lockout: signIn.lockout,
    transaction: (fn) => store.transaction(fn),
    // Sent by the job, after the answer has gone out (see flows/passwords.ts).
    resetRequested: () => setImmediate(() => void scheduler?.runOnce(PASSWORD_RESET_MAIL_JOB).catch(() => undefined)),
  };
  await registerAccountRoutes(app, { secure, passwords, cookie: { key: cookieKey, name: cookieName } });
  await registerInvitationRoutes(app, {
    invitations: { ...invitationDeps(store, config, clock), remembered: store.rememberedAccounts },
    registration: registrationDeps(store, config, clock),
    cookie: { key: cookieKey, name: cookieName },
    secure,
  });
  // Embedded only: a production configuration has no such route (404).
  if (isEmbeddedMode(config)) registerDevOutboxRoutes(app, { secure, recent: (limit) => store.outbox.recent(limit) });

  await registerAuthenticatorApi(app, {
    push: pushDeps(store, clock, config, signals),
    allowPrivateEndpoints: config.OUTBOUND_ALLOW_PRIVATE,
    ...(options.streamPollMs ? { streamPollMs: options.streamPollMs } : {}),
  });
  await registerAuthenticatorApp(app, { secure });
  // The portal's backend-for-frontend session: its sign-in goes through this server's own
  // provider, in process (inProcessFetch), so it works behind any proxy.
  let portalClientId = '';
  const ensurePortal = async () => {
    const found = await ensurePortalApplication(administrationDeps(store, clock), config.PUBLIC_URL);
    if (!found.ok) throw new Error(`the portal application could not be made: ${found.message}`);
    portalClientId = found.value.id;
  };
  const portal: PortalSessionDeps = {
    issuer: config.PUBLIC_URL,
    clientId: () => portalClientId,
    fetch: inProcessFetch(app),
    sessions: store.portalSessions,
    sessionOfCode: async (code) => {
      const uid = (await store.oidcModels.find('AuthorizationCode', code))?.sessionUid;
      return typeof uid === 'string' ? uid : null;
    },
    users: store.users,
    namespaces: store.namespaces,
    audit: store.audit,
    clock,
    absoluteMs: config.PORTAL_SESSION_HOURS * 3_600_000,
    idleMs: config.PORTAL_SESSION_IDLE_MINUTES * 60_000,
  };
  registerPortalRoutes(app, { portal, ensureApplication: ensurePortal, cookieKey: masterKey.derive('portal-sign-in'), secure });
  await registerPortalApp(app, { secure });
  const management = managementDeps(store, config, clock);
  await registerManagementApi(app, {
    ...management,
    accounts: {
      ...management.accounts,
      ownFactors: {
        ...store,
        transaction: (fn) => store.transaction(fn),
        clock,
        publicUrl: config.PUBLIC_URL,
        relyingParty: signIn.relyingParty,
        sealer: masterKey,
        freshMs: config.PORTAL_FRESH_SIGN_IN_MINUTES * 60_000,
      },
    },
    portal: { deps: portal, secure },
    callers: {
      issuer: config.PUBLIC_URL,
      verificationKeys: () => verificationKeys,
      users: store.users,
      namespaces: store.namespaces,
      clients: store.clients,
      clock,
    },
  });
  registerApiDocs(app, { secure });

  const transport = config.SMTP_URL ? smtpTransport(config.SMTP_URL, config.MAIL_FROM) : null;
  const smsTransport = smsProvider(config);
  const jobs = [
    expiredRowsCleanup(store.oidcModels),
    expiredPortalSessionsCleanup(store.portalSessions, clock),
    signInLogCleanup(store.signInLog, clock),
    endedSessionBrowsersCleanup(store.ownSessions),
    passwordResetMail(passwords),
    invitationExpiry({ invitations: store.invitations, publicUrl: config.PUBLIC_URL, transaction: (fn) => store.transaction(fn) }),
    backchannelLogout(
      store.backchannelLogouts,
      backchannelLogoutSender(() => current!),
      clock,
    ),
    ...(transport || smsTransport.provider !== 'outbox'
      ? [
          mailDelivery(
            store.outbox,
            { mail: transport, sms: smsTransport.provider === 'outbox' ? null : smsTransport },
            clock,
            options.deliveryRetryMs ? { retryBaseMs: options.deliveryRetryMs } : {},
          ),
        ]
      : []),
  ];
  scheduler = startScheduler(jobs, {
    leases: store.leases,
    logger,
    onRun: (job, outcome) => metrics.jobRuns.inc({ job, outcome }),
  });

  await app.listen({ port: config.PORT, host: config.HOST });
  let metricsServer: Server | null = null;
  if (config.METRICS_PORT !== undefined) {
    try {
      metricsServer = await metricsListener(
        { health, metrics, ...(config.METRICS_TOKEN ? { token: config.METRICS_TOKEN } : {}) },
        { host: config.METRICS_HOST, port: config.METRICS_PORT },
      );
    } catch (error) {
      scheduler.stop();
      health.stop();
      clearInterval(keyTimer);
      signals.stop();
      await app.close();
      await store.close();
      throw new StartupError(`METRICS_PORT: cannot listen on ${config.METRICS_HOST}:${config.METRICS_PORT} (${(error as Error).message})`);
    }
  }
  const metricsAddress = metricsServer?.address();
  const metricsPort = typeof metricsAddress === 'object' && metricsAddress ? metricsAddress.port : undefined;
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.info({ port, publicUrl: config.PUBLIC_URL, engine: store.engine }, 'TechPass is listening');

  let closed = false;
  return {
    url: `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`,
    port,
    store,
    app,
    scheduler: scheduler as Scheduler,
    ...(metricsPort !== undefined
      ? { metricsUrl: `http://${config.METRICS_HOST.includes(':') ? `[${config.METRICS_HOST}]` : config.METRICS_HOST}:${metricsPort}` }
      : {}),
    refreshKeys,
    async close() {
      if (closed) return;
      closed = true;
      scheduler?.stop();
      transport?.close();
      health.stop();
      clearInterval(keyTimer);
      signals.stop();
      if (metricsServer) {
        metricsServer.closeAllConnections();
        await new Promise((resolve) => metricsServer!.close(resolve));
      }
      await app.close();
      await store.close();
    },
  };
}
