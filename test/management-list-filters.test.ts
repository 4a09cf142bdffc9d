/**
 * The management API's lists filtered by `q` (a part of a name, ignoring case) and paged
 * by cursor together: namespaces by name or display name, applications by name or client
 * id; a tenant admin's filter never reaches past their own namespaces.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateApplication } from '../src/flows/applications.js';
import { administrationDeps } from '../src/cli/demo.js';
import { systemClock } from '../src/platform/clock.js';
import { api, apiToken, person } from './helpers/api.js';
import { engine } from './helpers/database.js';
import { application, namespace } from './helpers/directory.js';
import { startTestServer, type TestServer } from './helpers/server.js';

describe(`management API list filters (${engine})`, () => {
  let tp: TestServer;
  let root = '';
  let alice = '';

  beforeAll(async () => {
    tp = await startTestServer();
    for (const name of ['ops', 'payments-a', 'payments-b', 'payments-c', 'grants']) await namespace(tp, name);
    const console_ = await application(tp, { namespace: 'ops', name: 'Console', isPublic: true, redirectUris: ['http://127.0.0.1/cb'] });
    const allowed = await updateApplication(administrationDeps(tp.server.store, systemClock), 'test', {
      namespace: 'ops',
      clientId: console_.clientId,
      changes: { managementApi: true },
    });
    expect(allowed.ok).toBe(true);
    for (const name of ['Web portal', 'Mobile app', 'Batch jobs', 'Web admin']) await application(tp, { namespace: 'payments-a', name });
    await person(tp, 'root@agency.gov.sg', { platformAdmin: true });
    await person(tp, 'alice@agency.gov.sg');
    root = await apiToken(tp, console_, 'root@agency.gov.sg');
    expect((await api(tp, 'POST', '/api/v1/namespaces/payments-a/admins', { token: root, body: { email: 'alice@agency.gov.sg' } })).status).toBe(201);
    alice = await apiToken(tp, console_, 'alice@agency.gov.sg');
  }, 60_000);
  afterAll(() => tp?.close());

  it('filters namespaces by a part of the name, ignoring case, across cursor pages', async () => {
    const first = await api(tp, 'GET', '/api/v1/namespaces?q=PAYMENTS&limit=2', { token: root });
    expect(first.status).toBe(200);
    expect(first.body.items.map((n: { name: string }) => n.name)).toEqual(['payments-a', 'payments-b']);
    const next = await api(tp, 'GET', `/api/v1/namespaces?q=PAYMENTS&limit=2&cursor=${first.body.nextCursor}`, { token: root });
    expect(next.body).toMatchObject({ items: [{ name: 'payments-c' }], nextCursor: null });
    expect((await api(tp, 'GET', '/api/v1/namespaces?q=nothing-like-it', { token: root })).body).toEqual({ items: [], nextCursor: null });
    // A tenant admin's filter sees only their own namespaces.
    expect((await api(tp, 'GET', '/api/v1/namespaces?q=payments', { token: alice })).body.items.map((n: { name: string }) => n.name)).toEqual([
      'payments-a',
    ]);
  });

  it('filters applications by a part of the name or the client id', async () => {
    const web = await api(tp, 'GET', '/api/v1/namespaces/payments-a/applications?q=web', { token: alice });
    expect(web.status).toBe(200);
    expect(web.body.items.map((a: { name: string }) => a.name)).toEqual(['Web admin', 'Web portal']);
    const one = web.body.items[0] as { clientId: string };
    const byId = await api(tp, 'GET', `/api/v1/namespaces/payments-a/applications?q=${one.clientId.slice(-8)}`, { token: alice });
    expect(byId.body.items.map((a: { clientId: string }) => a.clientId)).toEqual([one.clientId]);
  });

  it('refuses a filter that is too long, naming it', async () => {
    const long = await api(tp, 'GET', `/api/v1/namespaces?q=${'x'.repeat(201)}`, { token: root });
    expect(long.status).toBe(400);
    expect(long.body.error.fields).toEqual(['q']);
  });
});
