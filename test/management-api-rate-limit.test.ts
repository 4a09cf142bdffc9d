/**
 * The management API's rate limit (API_RATE_LIMIT_PER_MINUTE): a caller over the limit
 * is answered 429 in the API's error shape (`request.throttled`) with Retry-After, per
 * person (another person is not slowed down), and per client address for requests
 * that authenticate as nobody. The CLI's in-process API (the operator) is never
 * counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { administrationDeps } from '../src/cli/demo.js';
import { managementDeps } from '../src/cli/management-deps.js';
import { updateApplication } from '../src/flows/applications.js';
import { buildLocalManagementApi } from '../src/http/management-local.js';
import { systemClock } from '../src/platform/clock.js';
import { api, apiToken, person } from './helpers/api.js';
import { engine } from './helpers/database.js';
import { application, namespace } from './helpers/directory.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const LIMIT = 3;

/** The limit counts in one-minute windows: start a burst well inside one, so it is not split by a window's end. */
async function awayFromWindowEnd(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 10_000) await new Promise((r) => setTimeout(r, left + 100));
}

describe(`management API rate limit (${engine})`, () => {
  let tp: TestServer;
  const tokens: Record<'ann' | 'ben', string> = { ann: '', ben: '' };

  beforeAll(async () => {
    tp = await startTestServer({ env: { API_RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
    await namespace(tp, 'ops');
    const console_ = await application(tp, { namespace: 'ops', name: 'Console', isPublic: true, redirectUris: ['http://127.0.0.1/cb'] });
    const deps = administrationDeps(tp.server.store, systemClock);
    expect((await updateApplication(deps, 'test', { namespace: 'ops', clientId: console_.clientId, changes: { managementApi: true } })).ok).toBe(
      true,
    );
    await person(tp, 'ann@agency.gov.sg');
    await person(tp, 'ben@agency.gov.sg');
    tokens.ann = await apiToken(tp, console_, 'ann@agency.gov.sg');
    tokens.ben = await apiToken(tp, console_, 'ben@agency.gov.sg');
  }, 60_000);
  afterAll(() => tp?.close());

  it('answers 429 request.throttled with Retry-After once a person is over the limit; another person is not slowed down', async () => {
    await awayFromWindowEnd();
    for (let i = 0; i < LIMIT; i += 1) expect((await api(tp, 'GET', '/api/v1/me', { token: tokens.ann })).status).toBe(200);
    const throttled = await api(tp, 'GET', '/api/v1/tenant-requests', { token: tokens.ann });
    expect(throttled.status).toBe(429);
    expect(throttled.body).toEqual({
      error: { code: 'request.throttled', message: expect.stringContaining(`at most ${LIMIT} a minute`), correlationId: expect.any(String) },
    });
    const retryAfter = Number(throttled.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // A refused request changes nothing either.
    const write = await api(tp, 'POST', '/api/v1/tenant-requests', {
      token: tokens.ann,
      body: { name: 'too-many', displayName: 'Too many', justification: 'testing' },
    });
    expect(write.status).toBe(429);
    expect(await tp.server.store.tenantRequests.list({ limit: 10 })).toEqual([]);
    expect((await api(tp, 'GET', '/api/v1/me', { token: tokens.ben })).status).toBe(200);
  });

  it('counts requests without a valid token per client address: 401 until the limit, then 429', async () => {
    await awayFromWindowEnd();
    for (let i = 0; i < LIMIT; i += 1) expect((await api(tp, 'GET', '/api/v1/me', { token: 'not-a-token' })).status).toBe(401);
    const throttled = await api(tp, 'GET', '/api/v1/me');
    expect(throttled.status).toBe(429);
    expect(throttled.body.error.code).toBe('request.throttled');
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it("never counts the CLI's in-process API (the operator), whatever the limit", async () => {
    const local = await buildLocalManagementApi({ ...managementDeps(tp.server.store, tp.config, systemClock), operator: 'cli:test' });
    try {
      for (let i = 0; i < LIMIT * 3; i += 1) {
        const reply = await local.inject({ method: 'GET', url: '/api/v1/tenant-requests' });
        expect(reply.statusCode).toBe(200);
      }
    } finally {
      await local.close();
    }
  });
});
