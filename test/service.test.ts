/** The running service: discovery, JWKS, operations endpoints and request logs. */
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from './helpers/database.js';
import { startTestServer, type TestServer } from './helpers/server.js';

describe(`service (${engine})`, () => {
  let tp: TestServer;
  beforeAll(async () => {
    tp = await startTestServer();
  });
  afterAll(() => tp?.close());

  it('serves a discovery document whose issuer is PUBLIC_URL, accepted by openid-client', async () => {
    const config = await client.discovery(new URL(tp.issuer), 'any-client', undefined, undefined, {
      execute: [client.allowInsecureRequests],
    });
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(tp.config.PUBLIC_URL);
    expect(metadata.token_endpoint).toBe(`${tp.issuer}/token`);
    expect(metadata.jwks_uri).toBe(`${tp.issuer}/jwks`);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
    expect(metadata.id_token_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256', 'RS256']));
  });

  it('publishes a current and a next key for ES256 and RS256, only the current ones able to sign', async () => {
    const res = await fetch(`${tp.url}/jwks`);
    expect(res.status).toBe(200);
    const { keys } = (await res.json()) as { keys: Array<Record<string, unknown>> };
    expect(keys).toHaveLength(4);
    for (const alg of ['ES256', 'RS256']) {
      const ofAlg = keys.filter((k) => k.alg === alg);
      expect(ofAlg).toHaveLength(2);
      expect(ofAlg.filter((k) => k.key_ops === undefined)).toHaveLength(1);
      expect(ofAlg.filter((k) => JSON.stringify(k.key_ops) === '["verify"]')).toHaveLength(1);
    }
    expect(keys[0]!.alg).toBe('ES256');
    for (const key of keys) expect(key).not.toHaveProperty('d');
  });

  it('answers health and readiness (metrics: test/metrics.test.ts)', async () => {
    expect(await (await fetch(`${tp.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${tp.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'up' });
  });

  it('writes one JSON log line per request, without the query string', async () => {
    const before = tp.logs.length;
    const res = await fetch(`${tp.url}/authorize?client_id=nobody&login_hint=secret-hint&code_challenge=abc`);
    await res.text();
    await new Promise((r) => setTimeout(r, 50));
    const lines = tp.logs.slice(before).filter((l) => l.msg === 'request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ method: 'GET', path: '/authorize', status: res.status });
    expect(JSON.stringify(tp.logs.slice(before))).not.toContain('secret-hint');
    expect(res.headers.get('x-correlation-id')).toBe(lines[0]!.reqId);
  });

  it('gives pages served by Fastify (not the provider) the same log line and correlation id', async () => {
    const before = tp.logs.length;
    const res = await fetch(`${tp.url}/login/assets/techpass.css?secret=secret-query`);
    await res.text();
    await new Promise((r) => setTimeout(r, 50));
    const lines = tp.logs.slice(before).filter((l) => l.msg === 'request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ method: 'GET', path: '/login/assets/techpass.css', status: 200 });
    expect(JSON.stringify(tp.logs.slice(before))).not.toContain('secret-query');
    expect(res.headers.get('x-correlation-id')).toBe(lines[0]!.reqId);
  });

  it('answers 404 in JSON for unknown paths', async () => {
    const res = await fetch(`${tp.url}/no/such/thing`);
    expect(res.status).toBe(404);
  });
});
