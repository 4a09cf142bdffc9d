/**
 * The portal's single-page app (portal/, built by Vite into dist/portal-app): its
 * hashed assets under /portal/assets (cached for a year, @fastify/static), and its
 * index.html for every other page of /portal/… that no route of portal-routes.ts
 * answers, under a CSP that allows only this origin's scripts, styles and calls.
 * Not built (a checkout without `npm run build`): a page that says how to build it.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pageHeaders } from '../platform/page-policy.js';

/** src/http and dist/http are both two levels below the package root. */
export const PORTAL_APP_DIR = fileURLToPath(new URL('../../dist/portal-app/', import.meta.url));

const PORTAL_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export async function registerPortalApp(app: FastifyInstance, options: { secure: boolean; dir?: string }): Promise<void> {
  const dir = options.dir ?? PORTAL_APP_DIR;
  const index = existsSync(`${dir}index.html`) ? readFileSync(`${dir}index.html`, 'utf8') : null;
  if (index) {
    await app.register(fastifyStatic, {
      root: `${dir}assets`,
      prefix: '/portal/assets/',
      index: false,
      wildcard: true,
      immutable: true,
      maxAge: '365d',
      // The source maps stay on the server's disk.
      allowedPath: (path) => !path.endsWith('.map'),
    });
  }
  const page = async (_request: unknown, reply: import('fastify').FastifyReply) => {
    reply.headers({ ...pageHeaders(options.secure), 'content-security-policy': PORTAL_CSP });
    if (!index) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The TechPass portal is not built on this server: run `npm run build` (or `npm start`), then start TechPass again.');
    }
    return reply.type('text/html; charset=utf-8').send(index);
  };
  app.get('/portal', async (_request, reply) => reply.redirect('/portal/', 301));
  app.get('/portal/', page);
  app.get('/portal/*', page);
}
