/**
 * Integrated identity providers through the management API, as a platform admin's
 * client uses it (a person's access token for `<issuer>/api`), against discovery
 * documents served on 127.0.0.1: add, list, show with an ETag, update with If-Match
 * (428, 412), disable and enable, remove; refusals with their field that change
 * nothing; no answer or audit event ever carries the secret or private key; tenant
 * admins and plain users are refused (403), and anonymous callers (401).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { administrationDeps } from '../src/cli/demo.js';
import { updateApplication } from '../src/flows/applications.js';
import { systemClock } from '../src/platform/clock.js';
import { api, apiToken, person } from './helpers/api.js';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { startDiscoveryServer, type DiscoveryServer } from './helpers/discovery-server.js';
import { application, namespace } from './helpers/directory.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { selfSignedCertificate } from './helpers/x509.js';

const IDPS = '/api/v1/identity-providers';
const SECRET = 'upstream-client-secret-Zq81~Pw.4';

describe(`management API: integrated identity providers (${engine})`, () => {
  let tp: TestServer;
  let upstream: DiscoveryServer;
  const tokens = { platform: '', tenant: '', plain: '' };
  let consoleClientId = '';

  beforeAll(async () => {
    upstream = await startDiscoveryServer();
    tp = await startTestServer({ env: { OUTBOUND_ALLOW_PRIVATE: 'true' } });
    for (const name of ['ops', 'alpha']) await namespace(tp, name);
    const console_ = await application(tp, { namespace: 'ops', name: 'Console', isPublic: true, redirectUris: ['http://127.0.0.1/cb'] });
    consoleClientId = console_.clientId;
    const deps = administrationDeps(tp.server.store, systemClock);
    expect((await updateApplication(deps, 'test', { namespace: 'ops', clientId: console_.clientId, changes: { managementApi: true } })).ok).toBe(
      true,
    );
    for (const email of ['root@agency.gov.sg', 'alice@agency.gov.sg', 'pat@agency.gov.sg']) {
      await person(tp, email, { platformAdmin: email.startsWith('root') });
    }
    tokens.platform = await apiToken(tp, console_, 'root@agency.gov.sg');
    expect(
      (await api(tp, 'POST', '/api/v1/namespaces/alpha/admins', { token: tokens.platform, body: { email: 'alice@agency.gov.sg' } })).status,
    ).toBe(201);
    tokens.tenant = await apiToken(tp, console_, 'alice@agency.gov.sg');
    tokens.plain = await apiToken(tp, console_, 'pat@agency.gov.sg');
  }, 90_000);
  afterAll(async () => {
    await tp?.close();
    await upstream?.close();
  });

  const as = (token: string) => ({
    get: (path: string) => api(tp, 'GET', path, { token }),
    post: (path: string, body?: unknown) => api(tp, 'POST', path, { token, ...(body === undefined ? {} : { body }) }),
    patch: (path: string, body: unknown, etag?: string) => api(tp, 'PATCH', path, { token, body, headers: etag ? { 'if-match': etag } : {} }),
    delete: (path: string, etag?: string) => api(tp, 'DELETE', path, { token, headers: etag ? { 'if-match': etag } : {} }),
  });
  const root = () => as(tokens.platform);
  const provider = (name: string, over: Record<string, unknown> = {}) => ({
    name,
    displayName: `Provider ${name}`,
    issuer: upstream.issuer('good'),
    clientId: `client-${name}`,
    clientSecret: SECRET,
    domains: [`${name}.gov.sg`],
    ...over,
  });
  const names = async () => (await root().get(IDPS)).body.items.map((p: { name: string }) => p.name);
  const auditCount = async () => (await tp.server.store.audit.list({ limit: 10_000 })).length;

  /** Refused with `status`, the code and field named, and nothing changed (no provider, no audit event). */
  async function refusedWithoutChange(call: () => Promise<{ status: number; body: any }>, status: number, code: string, field?: string) {
    const [before, events] = [await tp.server.store.identityProviders.list(), await auditCount()];
    const res = await call();
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.error.code).toBe(code);
    if (field) expect(res.body.error.fields).toEqual([field]);
    expect(await tp.server.store.identityProviders.list()).toEqual(before);
    expect(await auditCount()).toBe(events);
  }

  it('adds a provider with a client secret, answers the callback URL and whether a secret is set, never the secret, and audits it', async () => {
    const created = await root().post(IDPS, provider('wog-entra', { domains: ['*.Gov.sg ', 'gov.sg'], endSession: true }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      name: 'wog-entra',
      enabled: true,
      domains: ['*.gov.sg', 'gov.sg'],
      scopes: ['openid', 'email', 'profile'],
      endSession: true,
      clientAuthentication: { method: 'client_secret', secretSet: true, certificate: null },
      callbackUrl: `${tp.issuer}/login/federation/callback`,
      warnings: [],
    });
    expect(created.headers.get('etag')).toMatch(/^"/);
    const [event] = (await tp.server.store.audit.list({ targetId: created.body.id })).slice(-1);
    expect(event).toMatchObject({
      action: 'identity_provider.added',
      data: { role: 'platform_admin', before: null, after: { name: 'wog-entra', domains: ['*.gov.sg', 'gov.sg'], clientAuth: 'client_secret' } },
    });
    const everything = JSON.stringify([created.body, await root().get(IDPS), await tp.server.store.audit.list({ limit: 10_000 })]);
    expect(everything).not.toContain(SECRET);
  });

  it('adds one with a certificate and key for private_key_jwt, and lists and shows providers by id or name', async () => {
    const cert = selfSignedCertificate({ notAfter: new Date(Date.now() + 90 * 24 * 3600 * 1000) });
    const keyPem = cert.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const body = provider('hive', {
      clientSecret: undefined,
      certificatePem: cert.pem,
      privateKeyPem: keyPem,
      claims: { subject: 'oid' },
      domains: ['hive.example.com'],
    });
    const created = await root().post(IDPS, body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.clientAuthentication).toMatchObject({
      method: 'private_key_jwt',
      secretSet: false,
      certificate: { alg: expect.any(String) },
    });
    expect(created.body.claims.subject).toBe('oid');
    const keyBody = keyPem.split('\n')[1]!;
    expect(JSON.stringify([created.body, await tp.server.store.audit.list({ limit: 10_000 })])).not.toContain(keyBody);

    expect(await names()).toEqual(['hive', 'wog-entra']);
    const byId = await root().get(`${IDPS}/${created.body.id}`);
    const byName = await root().get(`${IDPS}/hive`);
    expect(byId.status).toBe(200);
    expect(byName.body).toEqual(byId.body);
    expect(byId.headers.get('etag')).toBe(byName.headers.get('etag'));
    const unknown = await root().get(`${IDPS}/nobody`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'idp.not_found', fields: ['id'] });
  });

  it('refuses bad input with its field, a name taken, a domain another serves and a broken discovery document, changing nothing', async () => {
    const r = root();
    await refusedWithoutChange(() => r.post(IDPS, provider('Bad Name!')), 400, 'input.invalid', 'name');
    await refusedWithoutChange(() => r.post(IDPS, provider('plain-http', { issuer: 'http://idp.example.com' })), 400, 'input.invalid', 'issuer');
    await refusedWithoutChange(() => r.post(IDPS, provider('no-domains', { domains: [] })), 400, 'input.invalid', 'domains');
    await refusedWithoutChange(() => r.post(IDPS, provider('bad-domain', { domains: ['not a domain'] })), 400, 'input.invalid', 'domains');
    await refusedWithoutChange(() => r.post(IDPS, provider('no-openid', { scopes: ['email'] })), 400, 'input.invalid', 'scopes');
    await refusedWithoutChange(() => r.post(IDPS, provider('no-secret', { clientSecret: undefined })), 400, 'input.invalid', 'clientSecret');
    await refusedWithoutChange(
      () =>
        r.post(
          IDPS,
          provider('half-cert', {
            clientSecret: undefined,
            certificatePem: selfSignedCertificate({ notAfter: new Date(Date.now() + 86_400_000) }).pem,
          }),
        ),
      400,
      'input.invalid',
      'privateKeyPem',
    );
    await refusedWithoutChange(
      () => r.post(IDPS, provider('bad-cert', { clientSecret: undefined, certificatePem: 'not pem', privateKeyPem: 'not pem' })),
      400,
      'certificate.invalid',
      'certificatePem',
    );
    await refusedWithoutChange(() => r.post(IDPS, { ...provider('extra'), colour: 'red' }), 400, 'input.invalid');
    await refusedWithoutChange(() => r.post(IDPS, provider('wog-entra', { domains: ['new.example.com'] })), 409, 'idp.exists', 'name');
    await refusedWithoutChange(() => r.post(IDPS, provider('moh', { domains: ['moh.gov.sg'] })), 409, 'idp.domain_taken', 'domains');
    const broken = await r.post(IDPS, provider('broken', { issuer: upstream.issuer('broken'), domains: ['broken.example'] }));
    expect(broken.status).toBe(502);
    expect(broken.body.error).toMatchObject({ code: 'idp.discovery_unreachable', fields: ['issuer'] });
    expect(await names()).toEqual(['hive', 'wog-entra']);
  });

  it('updates settings and domains only with the ETag it last read (428, 412), audited before and after', async () => {
    const r = root();
    const read = await r.get(`${IDPS}/hive`);
    const etag = read.headers.get('etag')!;
    await refusedWithoutChange(() => r.patch(`${IDPS}/hive`, { displayName: 'Hive' }), 428, 'request.precondition_required');
    await refusedWithoutChange(() => r.patch(`${IDPS}/hive`, { domains: ['x.gov.sg'] }, etag), 409, 'idp.domain_taken', 'domains');
    await refusedWithoutChange(() => r.patch(`${IDPS}/hive`, { domains: [] }, etag), 400, 'input.invalid', 'domains');
    const updated = await r.patch(`${IDPS}/hive`, { displayName: 'The Hive', domains: ['hive.example.com', 'hive.example.org'] }, etag);
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body).toMatchObject({ displayName: 'The Hive', domains: ['hive.example.com', 'hive.example.org'], unlinked: 0 });
    expect(updated.headers.get('etag')).toBe((await r.get(`${IDPS}/hive`)).headers.get('etag'));
    await refusedWithoutChange(() => r.patch(`${IDPS}/hive`, { displayName: 'Stale' }, etag), 412, 'request.precondition_failed');
    const [event] = (await tp.server.store.audit.list({ targetId: read.body.id })).slice(-1);
    expect(event).toMatchObject({
      action: 'identity_provider.updated',
      data: { role: 'platform_admin', before: { displayName: 'Provider hive', domains: ['hive.example.com'] }, after: { displayName: 'The Hive' } },
    });

    const rekeyed = await r.patch(`${IDPS}/hive`, { clientSecret: 'a-new-secret-9Q' }, updated.headers.get('etag')!);
    expect(rekeyed.body.clientAuthentication).toMatchObject({ method: 'client_secret', secretSet: true });
    expect(JSON.stringify([rekeyed.body, await tp.server.store.audit.list({ limit: 10_000 })])).not.toContain('a-new-secret-9Q');
  });

  it('disables and enables a provider (saying when it already was), audited', async () => {
    const r = root();
    const off = await r.post(`${IDPS}/wog-entra/disable`);
    expect(off.body).toMatchObject({ name: 'wog-entra', enabled: false, changed: true });
    expect((await r.post(`${IDPS}/wog-entra/disable`)).body).toMatchObject({ enabled: false, changed: false });
    expect((await tp.server.store.identityProviders.findByName('wog-entra'))!.enabled).toBe(false);
    const on = await r.post(`${IDPS}/${off.body.id}/enable`);
    expect(on.body).toMatchObject({ enabled: true, changed: true });
    const events = (await tp.server.store.audit.list({ targetId: off.body.id })).map((e) => e.action);
    expect(events.slice(-2)).toEqual(['identity_provider.disabled', 'identity_provider.enabled']);
  });

  it('refuses every route to a tenant admin and a plain user (403), and to anonymous callers (401), changing nothing', async () => {
    for (const token of [tokens.tenant, tokens.plain]) {
      const who = as(token);
      await refusedWithoutChange(() => who.get(IDPS), 403, 'access.forbidden');
      await refusedWithoutChange(() => who.get(`${IDPS}/hive`), 403, 'access.forbidden');
      await refusedWithoutChange(() => who.post(IDPS, provider('intruder')), 403, 'access.forbidden');
      await refusedWithoutChange(() => who.patch(`${IDPS}/hive`, { domains: ['evil.example.com'] }, '*'), 403, 'access.forbidden');
      await refusedWithoutChange(() => who.post(`${IDPS}/hive/disable`), 403, 'access.forbidden');
      await refusedWithoutChange(() => who.delete(`${IDPS}/hive`), 403, 'access.forbidden');
      // An unknown provider is refused the same way: nothing says whether it exists.
      await refusedWithoutChange(() => who.get(`${IDPS}/nobody`), 403, 'access.forbidden');
    }
    await refusedWithoutChange(() => api(tp, 'GET', IDPS), 401, 'api.token_invalid');
    await refusedWithoutChange(() => api(tp, 'POST', IDPS, { body: provider('anon') }), 401, 'api.token_invalid');
    await refusedWithoutChange(() => api(tp, 'DELETE', `${IDPS}/hive`), 401, 'api.token_invalid');
  });

  it('removes a provider (If-Match honoured when sent), audited with what it was; a second try answers 404', async () => {
    const r = root();
    const read = await r.get(`${IDPS}/hive`);
    await r.patch(`${IDPS}/hive`, { displayName: 'Changed meanwhile' }, read.headers.get('etag')!);
    await refusedWithoutChange(() => r.delete(`${IDPS}/hive`, read.headers.get('etag')!), 412, 'request.precondition_failed');
    const removed = await r.delete(`${IDPS}/hive`, (await r.get(`${IDPS}/hive`)).headers.get('etag')!);
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ id: read.body.id, name: 'hive', removed: true, unlinked: 0 });
    const [event] = (await tp.server.store.audit.list({ targetId: read.body.id })).slice(-1);
    expect(event).toMatchObject({ action: 'identity_provider.removed', data: { role: 'platform_admin', before: { name: 'hive' }, after: null } });
    await refusedWithoutChange(() => r.delete(`${IDPS}/hive`), 404, 'idp.not_found', 'id');
    expect(await names()).toEqual(['wog-entra']);
    expect((await tp.server.store.audit.verify()).ok).toBe(true);
  });

  /** A workstation's `techpass … --server` as the person whose access token is stored (as `techpass login` leaves it). */
  function workstation(token: string, email: string) {
    const dir = mkdtempSync(path.join(tmpdir(), 'techpass-config-'));
    const entry = {
      clientId: consoleClientId,
      accessToken: token,
      refreshToken: null,
      expiresAt: Date.now() + 3_600_000,
      tokenEndpoint: `${tp.issuer}/token`,
      revocationEndpoint: null,
      email,
    };
    writeFileSync(path.join(dir, 'credentials.json'), JSON.stringify({ default: tp.url, servers: { [tp.url]: entry } }), { mode: 0o600 });
    return (...args: string[]) => runCli([...args, '--server', '--json'], { TECHPASS_CONFIG_DIR: dir });
  }

  it('the idp commands work with --server as the platform admin, and are refused to a tenant admin', async () => {
    const root_ = workstation(tokens.platform, 'root@agency.gov.sg');
    const added = await root_(
      'idp',
      'add',
      '--name',
      'remote-idp',
      '--display-name',
      'Remote',
      '--issuer',
      upstream.issuer('other'),
      '--client-id',
      'remote',
      '--client-secret',
      SECRET,
      '--domains',
      'remote.example.sg',
    );
    expect(added.code, added.stderr).toBe(0);
    expect(added.json).toEqual({ name: 'remote-idp', callbackUrl: `${tp.issuer}/login/federation/callback` });
    const updated = await root_('idp', 'update', '--name', 'remote-idp', '--domains', 'remote.example.sg,remote2.example.sg');
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.json).toMatchObject({ name: 'remote-idp', domains: ['remote.example.sg', 'remote2.example.sg'], unlinked: 0 });
    expect((await root_('idp', 'disable', '--name', 'remote-idp')).json).toEqual({ name: 'remote-idp', enabled: false, changed: true });
    expect(((await root_('idp', 'list')).json as { providers: Array<{ name: string }> }).providers.map((p) => p.name)).toContain('remote-idp');
    const [event] = (await tp.server.store.audit.list({ limit: 10_000 })).filter((e) => e.action === 'identity_provider.added').slice(-1);
    expect(event).toMatchObject({ data: { name: 'remote-idp', role: 'platform_admin', via: 'access_token' } });

    const tenant = workstation(tokens.tenant, 'alice@agency.gov.sg');
    const refused = await tenant('idp', 'remove', '--name', 'remote-idp');
    expect(refused.code).toBe(1);
    expect(refused.json).toMatchObject({ error: 'access.forbidden' });
    expect(await tp.server.store.identityProviders.findByName('remote-idp')).not.toBeNull();
    expect((await root_('idp', 'remove', '--name', 'remote-idp')).json).toEqual({ name: 'remote-idp', removed: true, unlinked: 0 });
    const gone = await root_('idp', 'show', '--name', 'remote-idp');
    expect(gone.json).toMatchObject({ error: 'idp.not_found', field: 'name' });

    // Locally (the operator, on the server's database): the server's URL, and a PUBLIC_URL set here that differs is refused.
    const local = await runCli(['idp', 'show', '--name', 'wog-entra', '--json'], tp.env);
    expect(local.code, local.stderr).toBe(0);
    expect(local.json).toMatchObject({ name: 'wog-entra', callbackUrl: `${tp.issuer}/login/federation/callback` });
    const elsewhere = await runCli(['idp', 'list', '--json'], { ...tp.env, PUBLIC_URL: 'https://elsewhere.example.gov.sg' });
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.json).toMatchObject({ error: 'config.public_url_mismatch' });
  }, 60_000);
});
