/**
 * /metrics: not public (a bearer METRICS_TOKEN on the main port, or a listener of its
 * own on METRICS_PORT; with neither it is not served), requests labelled by route
 * pattern and never by raw path (random URLs add no series), and the process and
 * Node.js metrics under Prometheus' standard names.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from './helpers/database.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const TOKEN = randomBytes(32).toString('hex');
const random = () => randomBytes(6).toString('hex');
const seriesOf = (page: string) => page.split('\n').filter((l) => l.startsWith('techpass_http_request_duration_seconds_count{'));

describe(`metrics with METRICS_TOKEN (${engine})`, () => {
  let tp: TestServer;
  const read = async (authorization?: string) => {
    const res = await fetch(`${tp.url}/metrics`, authorization ? { headers: { authorization } } : {});
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
  };
  beforeAll(async () => {
    tp = await startTestServer({ env: { METRICS_TOKEN: TOKEN } });
  });
  afterAll(() => tp?.close());

  it('answers only the bearer token', async () => {
    expect((await read()).status).toBe(401);
    expect((await read(`Bearer ${'0'.repeat(64)}`)).status).toBe(401);
    expect((await read(`Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`)).status).toBe(401);
    const page = await read(`Bearer ${TOKEN}`);
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/plain');
    expect(page.body).toContain('techpass_database_up 1');
  });

  it("names the process and Node.js metrics as Prometheus' defaults do, and TechPass' own with techpass_", async () => {
    const { body } = await read(`Bearer ${TOKEN}`);
    for (const name of [
      'process_resident_memory_bytes',
      'process_cpu_seconds_total',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(body).toMatch(new RegExp(`^${name}[ {]`, 'm'));
    }
    expect(body).not.toContain('techpass_process_');
    expect(body).not.toContain('techpass_nodejs_');
    expect(body).toContain('techpass_http_request_duration_seconds_bucket');
  });

  it('labels requests by route pattern: three hundred random URLs add no series and no path', async () => {
    const probes: string[] = [];
    for (let i = 0; i < 100; i += 1) probes.push(`/${random()}/${random()}`, `/login/${random()}`, `/authorize/${random()}`);
    for (let i = 0; i < probes.length; i += 20) {
      await Promise.all(probes.slice(i, i + 20).map(async (p) => (await fetch(`${tp.url}${p}`)).arrayBuffer()));
    }
    const { body } = await read(`Bearer ${TOKEN}`);
    const series = seriesOf(body);
    for (const p of probes.slice(0, 30)) expect(body).not.toContain(p.split('/').at(-1)!);
    const routes = new Set(series.map((l) => /route="([^"]*)"/.exec(l)![1]));
    expect(routes).toContain('unmatched');
    expect(routes).toContain('/login/:uid');
    expect(routes).toContain('/authorize/*');
    expect(series.length).toBeLessThan(40);
    expect(body.length).toBeLessThan(60_000);
  });
});

describe(`metrics without METRICS_TOKEN or METRICS_PORT (${engine})`, () => {
  let tp: TestServer;
  beforeAll(async () => {
    tp = await startTestServer();
  });
  afterAll(() => tp?.close());

  it('are not served', async () => {
    const res = await fetch(`${tp.url}/metrics`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'metrics.not_served' });
  });
});

describe(`metrics on METRICS_PORT (${engine})`, () => {
  let tp: TestServer;
  beforeAll(async () => {
    tp = await startTestServer({ env: { METRICS_PORT: '0' } });
  });
  afterAll(() => tp?.close());

  it('are served on their own listener and not on the main port', async () => {
    expect(tp.server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${tp.server.metricsUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('process_resident_memory_bytes');
    expect((await fetch(`${tp.server.metricsUrl}/healthz`)).status).toBe(404);
    expect((await fetch(`${tp.url}/metrics`)).status).toBe(404);
  });
});
