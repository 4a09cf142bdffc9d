/**
 * The TechPass Authenticator's installable web app (`/authenticator/…`): a few
 * static files from `web/authenticator/` (no build step: plain ES modules, type-checked by
 * tsconfig.web.json against src/contracts), read once at start,
 * served with a strict CSP of their own (the app's script and styles are files,
 * never inline). The enrolment link (`/authenticator/enrol#<token>`) opens the
 * same page; the token stays in the fragment, so it never reaches the server.
 * The service worker's cache name carries a digest of the shell, so a new
 * release replaces the cached app on the phone's next visit.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** Where the app is served; the enrolment page (src/flows/authenticator-enrolment.ts) lives under it. */
export const AUTHENTICATOR_APP_PATH = '/authenticator';

export const AUTHENTICATOR_APP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; " +
  "base-uri 'none'; worker-src 'self'; manifest-src 'self'";

/** The package root, from src/http or dist/http alike. */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const AUTHENTICATOR_APP_DIR = path.join(root, 'web', 'authenticator');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** The app shell: every file the service worker caches (sw.js itself aside); sw.js gets this list from here. */
const SHELL = [
  'index.html',
  'app.js',
  'device.js',
  'state.js',
  'network.js',
  'dom.js',
  'view.js',
  'request-view.js',
  'enrol-view.js',
  'app.css',
  'manifest.webmanifest',
  'icon.svg',
  'icon-192.png',
  'icon-512.png',
  'icon-maskable-512.png',
];

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

export interface AuthenticatorAppOptions {
  /** Served over TLS: adds HSTS. */
  secure: boolean;
  /** Another folder holding the app (tests). */
  dir?: string;
}

export async function registerAuthenticatorApp(app: FastifyInstance, options: AuthenticatorAppOptions): Promise<void> {
  const dir = options.dir ?? AUTHENTICATOR_APP_DIR;
  const assets = new Map<string, Asset>();
  const asset = (name: string, body: Buffer): Asset => {
    const made = {
      body,
      type: TYPES[path.extname(name)] ?? 'application/octet-stream',
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    };
    assets.set(name, made);
    return made;
  };
  const shellDigest = createHash('sha256');
  for (const name of SHELL) {
    const body = readFileSync(path.join(dir, name));
    shellDigest.update(name).update(body);
    asset(name, body);
  }
  // The worker names its cache after the shell it caches: any change to a file is a new worker.
  const version = shellDigest.digest('base64url').slice(0, 12);
  const cached = JSON.stringify(SHELL.filter((name) => name !== 'index.html'));
  const worker = readFileSync(path.join(dir, 'sw.js'), 'utf8').replace('__SHELL_VERSION__', version).replace('__SHELL_FILES__', cached);
  asset('sw.js', Buffer.from(worker));
  const index = assets.get('index.html')!;

  const send = (request: FastifyRequest, reply: FastifyReply, file: Asset) => {
    reply
      .header('content-security-policy', AUTHENTICATOR_APP_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'no-referrer')
      // Always revalidate: the service worker keeps the offline copy, the ETag keeps revisits cheap.
      .header('cache-control', 'no-cache')
      .header('etag', file.etag)
      .header('content-type', file.type);
    if (options.secure) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
    return reply.send(file.body);
  };

  app.get(AUTHENTICATOR_APP_PATH, async (_request, reply) => reply.redirect(`${AUTHENTICATOR_APP_PATH}/`, 302));
  app.get(`${AUTHENTICATOR_APP_PATH}/`, async (request, reply) => send(request, reply, index));
  // The enrolment link opens the app itself; the token is in the fragment.
  app.get(`${AUTHENTICATOR_APP_PATH}/enrol`, async (request, reply) => send(request, reply, index));
  const AssetParams = z.object({ file: z.string() });
  app.withTypeProvider<ZodTypeProvider>().get(`${AUTHENTICATOR_APP_PATH}/:file`, { schema: { params: AssetParams } }, async (request, reply) => {
    const file = request.params.file === 'index.html' ? undefined : assets.get(request.params.file);
    if (!file) return reply.callNotFound();
    return send(request, reply, file);
  });
}
