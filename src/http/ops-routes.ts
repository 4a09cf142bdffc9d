/** Operations: liveness, readiness (the database answers) and Prometheus metrics. */
import type { FastifyInstance } from 'fastify';
import type { DatabaseHealth } from './database-health.js';
import type { Metrics } from './metrics.js';

export function registerOpsRoutes(app: FastifyInstance, deps: { health: DatabaseHealth; metrics: Metrics }): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const up = await deps.health.check();
    deps.metrics.databaseUp.set(up ? 1 : 0);
    return reply.code(up ? 200 : 503).send({ status: up ? 'ready' : 'unavailable', database: up ? 'up' : 'down' });
  });

  app.get('/metrics', async (_request, reply) => {
    deps.metrics.databaseUp.set(deps.health.up ? 1 : 0);
    return reply.header('content-type', deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
}
