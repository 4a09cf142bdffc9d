/**
 * The management API on two nodes of one deployment: a secret revoked (or a certificate removed) through one
 * node's API is refused by the other within KEY_REFRESH_SECONDS (at once on SQLite,
 * whose nodes see each other's commits), though that node was serving the client
 * from its cache; and a token issued by one node is accepted by the other's API.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { administrationDeps } from '../src/cli/demo.js';
import { updateApplication } from '../src/flows/applications.js';
import { systemClock } from '../src/platform/clock.js';
import { api, apiToken, person } from './helpers/api.js';
import { engine, freshDatabaseTarget } from './helpers/database.js';
import { application, namespace } from './helpers/directory.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { selfSignedCertificate } from './helpers/x509.js';

const REFRESH_SECONDS = 1;

describe(`management API on two nodes (${engine})`, () => {
  let nodeA: TestServer;
  let nodeB: TestServer;
  let token = '';

  const clientCredentials = async (node: TestServer, clientId: string, secret: string) => {
    const res = await fetch(`${node.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }),
    });
    return res.status;
  };

  beforeAll(async () => {
    const target = await freshDatabaseTarget();
    const env = { KEY_REFRESH_SECONDS: String(REFRESH_SECONDS) };
    nodeA = await startTestServer({ target, env });
    // One deployment: the same master key and the same public URL (the issuer) behind a load balancer.
    nodeB = await startTestServer({ target, env: { ...env, MASTER_KEY: nodeA.env.MASTER_KEY!, PUBLIC_URL: nodeA.issuer } });
    await namespace(nodeA, 'ops');
    await namespace(nodeA, 'alpha');
    const console_ = await application(nodeA, { namespace: 'ops', name: 'Console', isPublic: true, redirectUris: ['http://127.0.0.1/cb'] });
    const deps = administrationDeps(nodeA.server.store, systemClock);
    expect((await updateApplication(deps, 'test', { namespace: 'ops', clientId: console_.clientId, changes: { managementApi: true } })).ok).toBe(
      true,
    );
    await person(nodeA, 'root@agency.gov.sg', { platformAdmin: true });
    token = await apiToken(nodeA, console_, 'root@agency.gov.sg');
  }, 60_000);
  afterAll(async () => {
    await nodeB?.close();
    await nodeA?.close();
  });

  it("accepts one node's token on the other node's API", async () => {
    const me = await api(nodeB, 'GET', '/api/v1/me', { token });
    expect(me.status).toBe(200);
    expect(me.body.role).toBe('platform_admin');
  });

  it(`refuses a secret revoked through one node on the other ${engine === 'sqlite' ? 'at once' : 'within KEY_REFRESH_SECONDS'}`, async () => {
    const app = await application(nodeA, { namespace: 'alpha', name: 'Service' });
    const base = `/api/v1/namespaces/alpha/applications/${app.clientId}/secrets`;
    const added = await api(nodeA, 'POST', base, { token, body: { name: 'deploy' } });
    expect(added.status).toBe(201);
    // Node B serves the client from its cache.
    for (let i = 0; i < 3; i += 1) expect(await clientCredentials(nodeB, app.clientId, added.body.value)).toBe(200);
    expect((await api(nodeA, 'DELETE', `${base}/${added.body.id}`, { token })).status).toBe(200);
    const started = Date.now();
    const limit = engine === 'sqlite' ? 0 : REFRESH_SECONDS * 1000 + 1500;
    let status = await clientCredentials(nodeB, app.clientId, added.body.value);
    while (status === 200 && Date.now() - started <= limit) {
      await new Promise((r) => setTimeout(r, 100));
      status = await clientCredentials(nodeB, app.clientId, added.body.value);
    }
    expect(status).toBe(401);
    // The application's first secret still works there.
    expect(await clientCredentials(nodeB, app.clientId, app.clientSecret!)).toBe(200);
  });
  it(`refuses a certificate removed through one node on the other ${engine === 'sqlite' ? 'at once' : 'within KEY_REFRESH_SECONDS'}`, async () => {
    const app = await application(nodeA, { namespace: 'alpha', name: 'Signer' });
    const cert = selfSignedCertificate({ notAfter: new Date(Date.now() + 24 * 3600 * 1000) });
    const base = `/api/v1/namespaces/alpha/applications/${app.clientId}/certificates`;
    const added = await api(nodeA, 'POST', base, { token, body: { pem: cert.pem } });
    expect(added.status).toBe(201);
    const assertion = () =>
      new SignJWT({})
        .setProtectedHeader({ alg: cert.alg, kid: cert.x5tS256 })
        .setIssuer(app.clientId)
        .setSubject(app.clientId)
        .setAudience(nodeB.issuer)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime('60s')
        .sign(cert.privateKey);
    const withAssertion = async () =>
      (
        await fetch(`${nodeB.url}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: app.clientId,
            client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            client_assertion: await assertion(),
          }),
        })
      ).status;
    // Node B serves the client, certificate included, from its cache.
    for (let i = 0; i < 3; i += 1) expect(await withAssertion()).toBe(200);
    expect((await api(nodeA, 'DELETE', `${base}/${added.body.id}`, { token })).status).toBe(200);
    const started = Date.now();
    const limit = engine === 'sqlite' ? 0 : REFRESH_SECONDS * 1000 + 1500;
    let status = await withAssertion();
    while (status === 200 && Date.now() - started <= limit) {
      await new Promise((r) => setTimeout(r, 100));
      status = await withAssertion();
    }
    expect(status).toBe(401);
  });
});
