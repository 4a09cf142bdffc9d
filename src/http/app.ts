/**
 * The HTTP server: one Fastify instance serving every surface. The OpenID
 * provider's paths (token, JWKS, discovery…) are answered by the provider
 * straight from the node:http server, in front of Fastify's routing: they are
 * the hottest paths, the provider parses its own bodies, and Fastify would only
 * hand them on (npm run bench). Every request, on either path, gets the same
 * correlation id, log line, metrics and 503 while the database is away
 * (`observe`). The operations endpoints answer here; the other surfaces (sign-in
 * pages, portal API, automation API) register as plugins.
 */
import cookie from '@fastify/cookie';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RouteOptions,
} from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import inject from 'light-my-request';
import { ERROR_STATUS, ErrorCodes, type ErrorBody } from '../contracts/errors.js';
import type { TrustProxy } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import { clientAddress, pinRequestOrigin, proxyTrust, type ProxyTrust } from './client-address.js';
import type { DatabaseHealth } from './database-health.js';
import { loggablePath } from './log-path.js';
import { UNMATCHED_ROUTE, type Metrics } from './metrics.js';
import { registerOpenApi } from './openapi.js';
import { refusalOf } from './refusals.js';
import { cookieParsing } from './request-cookies.js';

/** The provider's request handler; swapped (e.g. when signing keys change) without a restart. */
export interface ProviderHandler {
  handle(req: IncomingMessage, res: ServerResponse): void;
  readonly pathPrefixes: readonly string[];
}

export interface HttpDeps {
  logger: Logger;
  metrics: Metrics;
  health: DatabaseHealth;
  provider: ProviderHandler;
  /** TRUST_PROXY: who may name the client in X-Forwarded-For (client-address.ts). */
  trustProxy: TrustProxy;
  /** PUBLIC_URL: the scheme and host the provider's URLs are made of, whatever the request's Host says. */
  publicUrl: string;
  /** Whether an error means the database is unreachable (answered with 503, not 500). */
  isDatabaseUnavailable(error: unknown): boolean;
}

const ALWAYS_AVAILABLE = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * The metrics label of a provider path: the provider's route (`/authorize`), or the
 * route with `/*` for what lies under it (`/authorize/:uid` resumes, `/logout/confirm`).
 */
function providerRoute(prefixes: readonly string[], path: string): string {
  const prefix = prefixes.find((p) => path === p || path.startsWith(`${p}/`));
  if (!prefix) return UNMATCHED_ROUTE;
  return path === prefix ? prefix : `${prefix}/*`;
}

const DATABASE_UNAVAILABLE = 'TechPass cannot reach its database right now. Try again in a few seconds.';

/** A request URL without its query string. */
const pathOf = (url: string | undefined) => (url ?? '/').split('?')[0] ?? '/';

/** Whether `path` (no query string) belongs to the provider. */
function isProviderPath(prefixes: readonly string[], path: string): boolean {
  return prefixes.some((p) => path === p || path.startsWith(`${p}/`));
}

/**
 * What every request gets, whoever answers it: the correlation id header (on the raw
 * response, so pages the provider writes carry it too), one log line and one metrics
 * sample when it completes, labelled with `route()` (a route pattern, never the raw
 * path). Only the path is logged, without the secrets a path may carry (log-path.ts):
 * query strings carry codes, tokens and hints, and are never logged.
 * Answers false when the database is away and the request must get a 503 instead.
 */
function observe(
  deps: HttpDeps,
  req: IncomingMessage,
  res: ServerResponse,
  reqId: string,
  ip: string | undefined,
  path: string,
  route: () => string,
): boolean {
  const started = process.hrtime.bigint();
  res.setHeader('x-correlation-id', reqId);
  res.once('finish', () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const status = res.statusCode;
    deps.metrics.requestDuration.observe({ method: req.method ?? 'GET', route: route(), status: String(status) }, seconds);
    deps.logger.info({ reqId, method: req.method, path: loggablePath(path), status, ms: Math.round(seconds * 1e5) / 100, ip }, 'request');
  });
  return deps.health.up || ALWAYS_AVAILABLE.has(path);
}

/**
 * The front of the server, for every request: the client address is computed once
 * (client-address.ts) and the origin the provider sees is pinned to PUBLIC_URL; then
 * the provider's paths are answered here and every other path goes to Fastify.
 */
function frontHandler(deps: HttpDeps, trust: ProxyTrust | false, fastify: (req: IncomingMessage, res: ServerResponse) => void) {
  const prefixes = deps.provider.pathPrefixes;
  const publicUrl = new URL(deps.publicUrl);
  return (req: IncomingMessage, res: ServerResponse) => {
    const ip = clientAddress(req, trust);
    pinRequestOrigin(req, publicUrl, ip);
    const path = pathOf(req.url);
    if (!isProviderPath(prefixes, path)) return fastify(req, res);
    const reqId = randomUUID();
    if (observe(deps, req, res, reqId, ip, path, () => providerRoute(prefixes, path))) return deps.provider.handle(req, res);
    res.writeHead(ERROR_STATUS[ErrorCodes.databaseUnavailable], { 'content-type': 'application/json; charset=utf-8', 'retry-after': '5' });
    res.end(JSON.stringify({ error: ErrorCodes.databaseUnavailable, message: DATABASE_UNAVAILABLE, correlationId: reqId }));
  };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * How the route's errors look: the management API's routes answer
     * `{ "error": { "code", "message", "fields"? } }` (contracts/management.ts); every
     * other API route keeps the flat ErrorBody it was released with.
     */
    errorShape?: 'nested';
  }
}

const routeTables = new WeakMap<FastifyInstance, RouteOptions[]>();

/** Every route the app registered: method(s), URL and config (as the route's own hooks left it). */
export function routeTable(app: FastifyInstance): ReadonlyArray<{ method: string | string[]; url: string; config?: unknown }> {
  return routeTables.get(app) ?? [];
}

/** Sends an error in the shape the route answers with (`config.errorShape`). */
function sendError(request: FastifyRequest, reply: FastifyReply, status: number, body: ErrorBody & Record<string, unknown>) {
  if (request.routeOptions.config?.errorShape !== 'nested') return reply.code(status).send(body);
  const { error: code, message, field, correlationId, ...details } = body;
  return reply.code(status).send({
    error: { code, message, ...(field ? { fields: [field] } : {}), ...details, ...(correlationId ? { correlationId } : {}) },
  });
}

/** Each app's whole handler (the provider's paths and Fastify's), as its HTTP server runs it. */
const frontHandlers = new WeakMap<FastifyInstance, () => RequestListener | undefined>();

/**
 * A `fetch` that answers from this app in process, through the same handler as its HTTP
 * server (the provider's endpoints included), without a socket: the portal's backend
 * talks to TechPass' own token endpoint this way, whatever proxy stands in front of it.
 */
function headersOf(headers: Headers): Record<string, string> {
  const all: Record<string, string> = {};
  headers.forEach((value, name) => (all[name] = value));
  return all;
}

export function inProcessFetch(app: FastifyInstance): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const handler = frontHandlers.get(app)?.();
    if (!handler) throw new Error('the app has no handler yet');
    const request = new Request(input, init);
    const url = new URL(request.url);
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const answer = await inject(handler, {
      method: request.method as 'GET',
      url: `${url.pathname}${url.search}`,
      headers: headersOf(request.headers),
      remoteAddress: '127.0.0.1',
      ...(body ? { payload: body } : {}),
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      for (const v of ([] as Array<string | number>).concat(value ?? [])) headers.append(name, String(v));
    }
    const empty = answer.statusCode === 204 || answer.statusCode === 304;
    return new Response(empty ? null : new Uint8Array(answer.rawPayload), { status: answer.statusCode, headers });
  }) as typeof fetch;
}

export async function buildHttpApp(deps: HttpDeps): Promise<FastifyInstance> {
  const trust = proxyTrust(deps.trustProxy);
  let front: RequestListener | undefined;
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Fastify's two lines per request are replaced by our one (see observe).
    logController: new LogController({ disableRequestLogging: true }),
    // The same trust function: request.ip is clientAddress(request.raw, trust).
    trustProxy: trust,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    serverFactory: (handler) => {
      front = frontHandler(deps, trust, handler);
      return createServer(front);
    },
  });
  frontHandlers.set(app, () => front);

  app.addHook('onRequest', async (request, reply) => {
    // The route's pattern (`/login/:uid`); a request no route matched has none.
    const route = () => request.routeOptions.url ?? UNMATCHED_ROUTE;
    if (!observe(deps, request.raw, reply.raw, request.id, request.ip, pathOf(request.url), route)) {
      sendError(request, reply.header('retry-after', '5'), ERROR_STATUS[ErrorCodes.databaseUnavailable], {
        error: ErrorCodes.databaseUnavailable,
        message: DATABASE_UNAVAILABLE,
        correlationId: request.id,
      });
    }
  });

  // Routes declare their input and output as zod schemas (fastify-type-provider-zod);
  // a request that does not match is refused by the error handler below.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // The one cookie reader and writer (request.cookies, reply.setCookie): request-cookies.ts.
  await app.register(cookie, cookieParsing);
  // Every route, as registered (the authorization matrix test walks /api/v1 from it).
  const table: RouteOptions[] = [];
  routeTables.set(app, table);
  app.addHook('onRoute', (route) => void table.push(route));
  // Before any route: the document is made of the routes registered after it.
  await registerOpenApi(app);

  // The one place an error becomes an answer: a refusal (refusals.ts: a route's
  // ApiError, a request its schema or CSRF check refused, Fastify's own refusals)
  // with its code's status, as the route's page if it answers with pages, else as
  // an ErrorBody; anything else as a logged 500 that leaks nothing.
  app.setErrorHandler((error, request, reply) => {
    if (deps.isDatabaseUnavailable(error)) {
      void deps.health.check();
      return sendError(request, reply.header('retry-after', '5'), ERROR_STATUS[ErrorCodes.databaseUnavailable], {
        error: ErrorCodes.databaseUnavailable,
        message: DATABASE_UNAVAILABLE,
        correlationId: request.id,
      });
    }
    const refusal = refusalOf(error);
    if (refusal) {
      const page = request.routeOptions.config.refusalPage;
      if (page) return page(request, reply, refusal);
      const body: ErrorBody & Record<string, unknown> = {
        error: refusal.code,
        message: refusal.message,
        ...(refusal.field ? { field: refusal.field } : {}),
        ...refusal.details,
        correlationId: request.id,
      };
      return sendError(request, reply, refusal.status, body);
    }
    const status = Math.max((error as { statusCode?: number }).statusCode ?? 500, 500);
    request.log.error({ err: error, reqId: request.id }, 'unhandled error');
    return sendError(request, reply, status, {
      error: ErrorCodes.internal,
      message: 'Something went wrong on our side. Quote the correlation id if you contact support.',
      correlationId: request.id,
    });
  });

  return app;
}
