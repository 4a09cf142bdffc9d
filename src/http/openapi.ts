/**
 * The OpenAPI 3.1 document of TechPass' JSON APIs, served at GET /api/openapi.json
 * (and, as first released, at /api/v1/openapi.json), read as a page at /api/docs.
 * @fastify/swagger makes it from the zod schemas the routes validate with
 * (fastify-type-provider-zod), so the document and the checks cannot drift apart.
 *
 * Only routes under /api/ that have a schema are in it. The rule is by path, not by
 * a `hide` on every page: a new page or form cannot enter the API's contract by a
 * forgotten flag, and the operations endpoints (/healthz, /readyz, /metrics) are for
 * probes and Prometheus, documented in the README. A route without a schema
 * is left out: a path in the document is one the server checks.
 *
 * Registered before the routes it documents (it collects them as they are added).
 */
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const OPENAPI_PATH = '/api/v1/openapi.json';
/** Where the document lives now: it describes every version under /api/. */
export const OPENAPI_DOCUMENT_PATH = '/api/openapi.json';

/** The package root, from src/http or dist/http alike. */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };

type TransformInput = Parameters<typeof jsonSchemaTransform>[0];

/** An API route with a schema goes through the zod transform; every other route is hidden. */
function apiRoutesOnly(input: TransformInput) {
  const schema = input.schema as Record<string, unknown> | undefined;
  const hasSchema = Boolean(schema && (schema.body || schema.querystring || schema.params || schema.headers || schema.response));
  if (!input.url.startsWith('/api/') || !hasSchema) return { schema: { hide: true }, url: input.url };
  return jsonSchemaTransform(input);
}

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'TechPass API',
        version,
        description:
          'TechPass\' JSON APIs. The management API (`/api/v1/namespaces/…`, `/api/v1/me`) takes `Authorization: Bearer <access token>` issued by TechPass to a person for the resource `<issuer>/api`, and answers errors as `{ "error": { "code", "message", "fields"? } }`; a single object\'s GET answers an ETag, which an update must send back in If-Match (428 without it, 412 when the object changed). The authenticator API (`/api/v1/authenticator/…`) answers errors with a flat ErrorBody: a dotted `error` code, a `message`, the `field` at fault if any, and the `correlationId`.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A TechPass access token for the resource <issuer>/api' },
        },
      },
    },
    transform: apiRoutesOnly,
    transformObject: jsonSchemaTransformObject,
  });
  app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());
  app.get(OPENAPI_DOCUMENT_PATH, { schema: { hide: true } }, async () => app.swagger());
}
