/**
 * GET /dev/outbox, registered in embedded mode only (platform/config.ts
 * isEmbeddedMode: SQLite, loopback, no SMTP and no SMS gateway). Any other
 * configuration does not have the route at all, so it answers 404 like any unknown
 * path: the messages hold reset links and codes.
 */
import type { FastifyInstance } from 'fastify';
import { DevOutboxPage, type DevOutboxMessage } from '../ui/dev-outbox-page.js';
import { renderPage } from '../ui/layout.js';
import { setPageHeaders } from './security-headers.js';

export const DEV_OUTBOX_LIMIT = 50;

export interface DevOutboxDeps {
  secure: boolean;
  /** The newest messages, newest first. */
  recent(limit: number): Promise<DevOutboxMessage[]>;
}

export function registerDevOutboxRoutes(app: FastifyInstance, deps: DevOutboxDeps): void {
  app.get('/dev/outbox', async (_request, reply) => {
    const messages = await deps.recent(DEV_OUTBOX_LIMIT);
    setPageHeaders(reply, deps.secure);
    return reply.type('text/html; charset=utf-8').send(renderPage(DevOutboxPage({ messages })));
  });
}
