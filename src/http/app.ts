/**
 * The HTTP server: one Fastify instance serving every surface. The OpenID
 * provider is mounted as middleware for its own paths; the operations endpoints
 * answer here; later surfaces (sign-in pages, portal API, automation API)
 * register as plugins.
 */
import middie from '@fastify/middie';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCodes } from '../contracts/errors.js';
import type { Logger } from '../platform/logger.js';
import type { DatabaseHealth } from './database-health.js';
import type { Metrics } from './metrics.js';

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
  trustProxy: boolean;
  /** Whether an error means the database is unreachable (answered with 503, not 500). */
  isDatabaseUnavailable(error: unknown): boolean;
}

const ALWAYS_AVAILABLE = new Set(['/healthz', '/readyz', '/metrics']);

/** A coarse route label for metrics: never the raw path (unbounded cardinality). */
function routeGroup(path: string): string {
  if (path.startsWith('/.well-known/')) return path;
  const first = `/${path.split('/')[1] ?? ''}`;
  return first.length > 24 ? 'other' : first;
}

export async function buildHttpApp(deps: HttpDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Fastify's two lines per request are replaced by our one (see the onRequest hook).
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: deps.trustProxy,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
  });

  // One log line per request, after it completes. Only the path is logged: query
  // strings carry codes, tokens and hints.
  app.addHook('onRequest', async (request, reply) => {
    const started = process.hrtime.bigint();
    const path = request.url.split('?')[0] ?? '/';
    // Set on the raw response so pages the provider writes carry it too.
    reply.raw.setHeader('x-correlation-id', request.id);
    reply.raw.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = reply.raw.statusCode;
      deps.metrics.requestDuration.observe({ method: request.method, route: routeGroup(path), status: String(status) }, seconds);
      deps.logger.info({ reqId: request.id, method: request.method, path, status, ms: Math.round(seconds * 1e5) / 100, ip: request.ip }, 'request');
    });
    if (!deps.health.up && !ALWAYS_AVAILABLE.has(path)) {
      reply.code(503).header('retry-after', '5').send({
        error: ErrorCodes.databaseUnavailable,
        message: 'TechPass cannot reach its database right now. Try again in a few seconds.',
        correlationId: request.id,
      });
    }
  });

  app.setErrorHandler((error, request, reply) => {
    if (deps.isDatabaseUnavailable(error)) {
      void deps.health.check();
      return reply.code(503).header('retry-after', '5').send({
        error: ErrorCodes.databaseUnavailable,
        message: 'TechPass cannot reach its database right now. Try again in a few seconds.',
        correlationId: request.id,
      });
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error, reqId: request.id }, 'unhandled error');
    return reply.code(status).send({
      error: status >= 500 ? ErrorCodes.internal : ErrorCodes.inputInvalid,
      message: status >= 500 ? 'Something went wrong on our side. Quote the correlation id if you contact support.' : (error as Error).message,
      correlationId: request.id,
    });
  });

  await app.register(middie);
  const prefixes = deps.provider.pathPrefixes;
  app.use((req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const mine = prefixes.some((p) => path === p || path.startsWith(`${p}/`));
    if (!mine || res.writableEnded) return next();
    deps.provider.handle(req, res);
  });

  return app;
}
