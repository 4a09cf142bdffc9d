/**
 * The OpenAPI document (GET /api/v1/openapi.json) is made from the zod schemas the
 * routes validate with: a running TechPass serves an OpenAPI 3.1 document of its
 * /api/ routes and no page; an API route with a body schema appears with that
 * schema, and a body that does not match it is refused by the one error handler
 * as input.invalid naming the field.
 */
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { FastifyInstance } from 'fastify';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErrorCodes } from '../src/contracts/errors.js';
import { buildHttpApp } from '../src/http/app.js';
import { DatabaseHealth } from '../src/http/database-health.js';
import { createMetrics } from '../src/http/metrics.js';
import { OPENAPI_PATH } from '../src/http/openapi.js';
import { createLogger } from '../src/platform/logger.js';
import { engine } from './helpers/database.js';
import { startTestServer, type TestServer } from './helpers/server.js';

interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } }>>;
}

describe(`OpenAPI document (${engine})`, () => {
  let tp: TestServer;
  beforeAll(async () => {
    tp = await startTestServer();
  });
  afterAll(() => tp?.close());

  it('serves an OpenAPI 3.1 document of the API routes, without pages or operations endpoints', async () => {
    const res = await fetch(`${tp.url}${OPENAPI_PATH}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const doc = (await res.json()) as OpenApiDocument;
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info.title).toBe('TechPass API');
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(typeof doc.paths).toBe('object');
    for (const path of Object.keys(doc.paths)) expect(path.startsWith('/api/')).toBe(true);
    expect(doc.paths[OPENAPI_PATH]).toBeUndefined();
  });
});

describe('OpenAPI document of a route with a body schema', () => {
  let app: FastifyInstance;
  let url: string;
  const Enrol = z.object({ name: z.string().min(1).max(60), count: z.number().int().positive().optional() });

  beforeAll(async () => {
    app = await buildHttpApp({
      logger: createLogger('silent', new Writable({ write: (_chunk, _encoding, done) => done() })),
      metrics: createMetrics(),
      health: new DatabaseHealth(async () => true),
      provider: { handle: (_req, res) => res.writeHead(404).end(), pathPrefixes: ['/oidc'] },
      trustProxy: false,
      publicUrl: 'http://127.0.0.1',
      isDatabaseUnavailable: () => false,
    });
    app
      .withTypeProvider<ZodTypeProvider>()
      .post('/api/v1/things', { schema: { body: Enrol, response: { 201: z.object({ name: z.string() }) } } }, async (request, reply) =>
        reply.code(201).send({ name: request.body.name }),
      );
    app.get('/a-page', { schema: { querystring: z.object({ q: z.string().optional() }) } }, async () => 'page');
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app?.close());

  it('lists the route with its request body schema, and leaves out routes outside /api/', async () => {
    const doc = (await (await fetch(`${url}${OPENAPI_PATH}`)).json()) as OpenApiDocument;
    const body = doc.paths['/api/v1/things']?.post?.requestBody?.content['application/json']?.schema;
    expect(body).toMatchObject({
      type: 'object',
      properties: { name: { type: 'string', minLength: 1, maxLength: 60 }, count: { type: 'integer' } },
      required: ['name'],
    });
    expect(doc.paths['/a-page']).toBeUndefined();
  });

  it('refuses a body that does not match the schema with input.invalid naming the field', async () => {
    const res = await fetch(`${url}/api/v1/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 7 }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; field?: string; message: string; correlationId?: string };
    expect(body.error).toBe(ErrorCodes.inputInvalid);
    expect(body.field).toBe('name');
    expect(body.correlationId).toBeTruthy();
    const ok = await fetch(`${url}/api/v1/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x' }),
    });
    expect(ok.status).toBe(201);
  });
});
