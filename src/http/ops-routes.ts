/**
 * Operations: liveness, readiness (the database answers) and Prometheus metrics.
 *
 * /metrics is not public: on the main port it answers only a bearer METRICS_TOKEN;
 * with METRICS_PORT it is served by a listener of its own (metricsListener) and not
 * on the main port at all; with neither, it is not served.
 */
import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, ErrorBodySchema, ErrorCodes } from '../contracts/errors.js';
import { constantTimeEqual } from '../platform/secrets.js';
import type { DatabaseHealth } from './database-health.js';
import type { Metrics } from './metrics.js';

export interface MetricsAccess {
  /** The bearer token that reads /metrics on the main port. */
  token?: string;
  /** /metrics has a listener of its own (METRICS_PORT): the main port never serves it. */
  separateListener: boolean;
}

async function metricsPage(deps: { health: DatabaseHealth; metrics: Metrics }): Promise<string> {
  deps.metrics.databaseUp.set(deps.health.up ? 1 : 0);
  return deps.metrics.registry.metrics();
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '';
  return constantTimeEqual(presented, token);
}

const Liveness = z.object({ status: z.literal('ok') });
const Readiness = z.object({ status: z.enum(['ready', 'unavailable']), database: z.enum(['up', 'down']) });

export function registerOpsRoutes(app: FastifyInstance, deps: { health: DatabaseHealth; metrics: Metrics; access: MetricsAccess }): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.get('/healthz', { schema: { response: { 200: Liveness } } }, async () => ({ status: 'ok' as const }));

  routes.get('/readyz', { schema: { response: { 200: Readiness, 503: Readiness } } }, async (_request, reply) => {
    const up = await deps.health.check();
    deps.metrics.databaseUp.set(up ? 1 : 0);
    return reply.code(up ? 200 : 503).send({ status: up ? 'ready' : 'unavailable', database: up ? 'up' : 'down' });
  });

  const { token, separateListener } = deps.access;
  // The page is Prometheus' text format, sent as text (a string with its own content type is not serialized).
  const metricsSchema = { response: { 200: z.string(), 401: ErrorBodySchema, 404: ErrorBodySchema } };
  routes.get('/metrics', { schema: metricsSchema }, async (request, reply) => {
    if (separateListener || !token) {
      throw new ApiError(
        ErrorCodes.metricsNotServed,
        separateListener
          ? 'Metrics are served on the metrics listener (METRICS_PORT), not on this port.'
          : 'Metrics are not served: set METRICS_TOKEN (a bearer token for this port) or METRICS_PORT (a listener of their own).',
      );
    }
    if (!bearerMatches(request.headers.authorization, token)) {
      // The challenge header stays on the reply the error handler sends.
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw new ApiError(ErrorCodes.metricsUnauthorized, 'Reading metrics needs the METRICS_TOKEN as a bearer token.');
    }
    return reply.header('content-type', deps.metrics.registry.contentType).send(await metricsPage(deps));
  });
}

/**
 * The metrics listener (METRICS_PORT): GET /metrics and nothing else, for a port only
 * the monitoring network reaches. It answers with the token too when one is set.
 */
export async function metricsListener(
  deps: { health: DatabaseHealth; metrics: Metrics; token?: string },
  where: { host: string; port: number },
): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    if (deps.token && !bearerMatches(req.headers.authorization, deps.token)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer realm="metrics"' }).end('unauthorized\n');
      return;
    }
    metricsPage(deps).then(
      (page) => res.writeHead(200, { 'content-type': deps.metrics.registry.contentType }).end(page),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(where.port, where.host, () => resolve());
  });
  return server;
}
