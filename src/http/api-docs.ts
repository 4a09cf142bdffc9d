/**
 * The readable page of the OpenAPI document, GET /api/docs: every operation with its
 * parameters, body and answers, rendered here from the same document (no script, no
 * CDN, no inline style: the page CSP of every TechPass page applies). For a richer
 * view, load /api/openapi.json into any OpenAPI tool.
 */
import type { FastifyInstance } from 'fastify';
import { setPageHeaders } from './security-headers.js';

export const API_DOCS_PATH = '/api/docs';

type Operation = {
  summary?: string;
  description?: string;
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: unknown }>;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
};
type Document = {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
};

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const json = (value: unknown) => `<pre>${escape(JSON.stringify(value, null, 2))}</pre>`;
const anchor = (method: string, path: string) => `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, '-');

function operation(path: string, method: string, op: Operation): string {
  const parts = [`<h3 id="${anchor(method, path)}"><code>${method.toUpperCase()} ${escape(path)}</code></h3>`];
  if (op.summary || op.description) parts.push(`<p>${escape(op.summary ?? op.description ?? '')}</p>`);
  if (op.parameters?.length) {
    const rows = op.parameters.map(
      (p) => `<li><code>${escape(p.name)}</code> (${escape(p.in)}${p.required ? ', required' : ''}) ${p.schema ? json(p.schema) : ''}</li>`,
    );
    parts.push(`<h4>Parameters</h4><ul>${rows.join('')}</ul>`);
  }
  const body = op.requestBody?.content?.['application/json']?.schema;
  if (body) parts.push(`<h4>Body</h4>${json(body)}`);
  for (const [status, response] of Object.entries(op.responses ?? {})) {
    const schema = response.content?.['application/json']?.schema;
    parts.push(`<h4>${escape(status)}</h4>${schema ? json(schema) : `<p>${escape(response.description ?? 'no body')}</p>`}`);
  }
  return `<section>${parts.join('')}</section>`;
}

export function renderApiDocs(doc: Document): string {
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op })),
  );
  const index = operations.map(
    ({ path, method }) => `<li><a href="#${anchor(method, path)}"><code>${method.toUpperCase()} ${escape(path)}</code></a></li>`,
  );
  const schemas = Object.entries(doc.components?.schemas ?? {}).map(
    ([name, schema]) => `<h3 id="schema-${escape(name)}">${escape(name)}</h3>${json(schema)}`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(doc.info.title)} ${escape(doc.info.version)}</title></head>
<body>
<h1>${escape(doc.info.title)} <small>${escape(doc.info.version)}</small></h1>
<p>${escape(doc.info.description ?? '')}</p>
<p>The machine-readable document: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>
<h2>Operations</h2><ul>${index.join('')}</ul>
${operations.map(({ path, method, op }) => operation(path, method, op)).join('\n')}
<h2>Schemas</h2>${schemas.join('\n')}
</body></html>`;
}

export function registerApiDocs(app: FastifyInstance, options: { secure: boolean }): void {
  app.get(API_DOCS_PATH, { schema: { hide: true } }, async (_request, reply) => {
    setPageHeaders(reply, options.secure);
    return reply.type('text/html; charset=utf-8').send(renderApiDocs(app.swagger() as unknown as Document));
  });
}
