/**
 * Creating an application through the management API (`POST …/applications`): an
 * admin of the namespace creates one (a confidential client's first secret answered
 * once, audited with the caller's role); an admin of another namespace is refused;
 * a bad redirect URI is refused with its field and nothing is created; a taken name
 * is a conflict.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { administrationDeps } from '../src/cli/demo.js';
import { updateApplication } from '../src/flows/applications.js';
import { systemClock } from '../src/platform/clock.js';
import { api, apiToken, person } from './helpers/api.js';
import { engine } from './helpers/database.js';
import { application, namespace } from './helpers/directory.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const APPS = '/api/v1/namespaces/alpha/applications';

describe(`management API: creating an application (${engine})`, () => {
  let tp: TestServer;
  const tokens = { alpha: '', beta: '' };

  beforeAll(async () => {
    tp = await startTestServer();
    for (const name of ['ops', 'alpha', 'beta']) await namespace(tp, name);
    const console_ = await application(tp, { namespace: 'ops', name: 'Console', isPublic: true, redirectUris: ['http://127.0.0.1/cb'] });
    const deps = administrationDeps(tp.server.store, systemClock);
    expect((await updateApplication(deps, 'test', { namespace: 'ops', clientId: console_.clientId, changes: { managementApi: true } })).ok).toBe(
      true,
    );
    await person(tp, 'root@agency.gov.sg', { platformAdmin: true });
    await person(tp, 'alice@agency.gov.sg');
    await person(tp, 'bob@agency.gov.sg');
    const root = await apiToken(tp, console_, 'root@agency.gov.sg');
    for (const [ns, email] of [
      ['alpha', 'alice@agency.gov.sg'],
      ['beta', 'bob@agency.gov.sg'],
    ]) {
      expect((await api(tp, 'POST', `/api/v1/namespaces/${ns}/admins`, { token: root, body: { email } })).status).toBe(201);
    }
    tokens.alpha = await apiToken(tp, console_, 'alice@agency.gov.sg');
    tokens.beta = await apiToken(tp, console_, 'bob@agency.gov.sg');
  }, 90_000);
  afterAll(() => tp?.close());

  const names = async () => (await api(tp, 'GET', APPS, { token: tokens.alpha })).body.items.map((a: { name: string }) => a.name);

  it('creates a confidential client with its first secret shown once, and a public one without', async () => {
    const created = await api(tp, 'POST', APPS, {
      token: tokens.alpha,
      body: { name: 'Payroll', redirectUris: ['https://payroll.example.com/cb'], public: false, homepageUrl: 'https://payroll.example.com' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      namespace: 'alpha',
      name: 'Payroll',
      public: false,
      redirectUris: ['https://payroll.example.com/cb'],
      homepageUrl: 'https://payroll.example.com',
      logoutUrl: null,
      signInEnabled: true,
    });
    expect(created.body.clientSecret).toEqual(expect.any(String));
    expect(created.body.secretExpiresAt).toBeGreaterThan(Date.now());
    const secrets = await api(tp, 'GET', `${APPS}/${created.body.clientId}/secrets`, { token: tokens.alpha });
    expect(secrets.body.items).toHaveLength(1);
    expect(JSON.stringify(secrets.body)).not.toContain(created.body.clientSecret);
    expect(secrets.body.items[0].hint).toBe(created.body.clientSecret.slice(-4));
    const shown = await api(tp, 'GET', `${APPS}/${created.body.clientId}`, { token: tokens.alpha });
    expect(shown.body).not.toHaveProperty('clientSecret');

    const spa = await api(tp, 'POST', APPS, {
      token: tokens.alpha,
      body: { name: 'Portal SPA', redirectUris: ['https://spa.example.com/cb'], public: true },
    });
    expect(spa.status).toBe(201);
    expect(spa.body).toMatchObject({ public: true, clientSecret: null, secretExpiresAt: null });

    const events = await tp.server.store.audit.list({ targetId: created.body.clientId });
    const event = events.find((e) => e.action === 'application.created');
    expect(event?.data).toMatchObject({ role: 'tenant_admin', name: 'Payroll' });
  });

  it('refuses an admin of another namespace, with nothing created', async () => {
    const refused = await api(tp, 'POST', APPS, {
      token: tokens.beta,
      body: { name: 'Intruder', redirectUris: ['https://x.example.com/cb'], public: true },
    });
    expect(refused.status).toBe(403);
    expect(await names()).not.toContain('Intruder');
  });

  it('refuses a bad redirect URI with its field, and a taken name as a conflict', async () => {
    const bad = await api(tp, 'POST', APPS, { token: tokens.alpha, body: { name: 'Broken', redirectUris: ['not a url'], public: false } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'input.invalid', fields: ['redirectUris'] });
    expect(await names()).not.toContain('Broken');

    const taken = await api(tp, 'POST', APPS, {
      token: tokens.alpha,
      body: { name: 'Payroll', redirectUris: ['https://p2.example.com/cb'], public: false },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'application.exists', fields: ['name'] });
  });
});
