/**
 * The management API (/api/v1) as its callers use it: people's access tokens for
 * `<issuer>/api` from a real code + PKCE sign-in; namespaces, admins, applications and
 * client secrets through their whole life; ETag/If-Match; one error shape; the
 * OpenAPI document and its page. The authorization matrix is in
 * management-api-matrix.test.ts.
 */
import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { api, apiResource, apiToken, person, signInForResource } from './helpers/api.js';
import { engine } from './helpers/database.js';
import { application, namespace } from './helpers/directory.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { rpConfig, signIn } from './helpers/sign-in.js';
import { PASSWORD } from './helpers/directory.js';

type App = Awaited<ReturnType<typeof application>>;

/** The token endpoint's refusal of a client it cannot authenticate (openid-client reports it as a challenge). */
const INVALID_CLIENT = { status: 401, cause: [{ parameters: { error: 'invalid_client' } }] };

describe(`management API (${engine})`, () => {
  let tp: TestServer;
  let console_: App;
  let plainApp: App;
  const tokens: Record<'platform' | 'alphaAdmin' | 'betaAdmin' | 'plain', string> = { platform: '', alphaAdmin: '', betaAdmin: '', plain: '' };

  beforeAll(async () => {
    tp = await startTestServer({ env: { KEY_REFRESH_SECONDS: '1' } });
    await namespace(tp, 'ops');
    await namespace(tp, 'alpha');
    await namespace(tp, 'beta');
    console_ = await application(tp, { namespace: 'ops', name: 'Admin console', isPublic: true, redirectUris: ['http://127.0.0.1/console/cb'] });
    // The operator lets the console ask for management API tokens (a platform admin's decision).
    const allowed = await runCli(['app', 'update', '--namespace', 'ops', '--app', console_.clientId, '--management-api', 'true', '--json'], tp.env);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(JSON.parse(allowed.stdout)).toMatchObject({ managementApi: true });
    plainApp = await application(tp, { namespace: 'alpha', name: 'Alpha web' });
    await person(tp, 'root@agency.gov.sg', { platformAdmin: true });
    await person(tp, 'alice@agency.gov.sg');
    await person(tp, 'bob@agency.gov.sg');
    await person(tp, 'pat@agency.gov.sg');
    tokens.platform = await apiToken(tp, console_, 'root@agency.gov.sg');
    // The platform admin makes the tenant admins, through the API.
    expect(
      (await api(tp, 'POST', '/api/v1/namespaces/alpha/admins', { token: tokens.platform, body: { email: 'alice@agency.gov.sg' } })).status,
    ).toBe(201);
    expect((await api(tp, 'POST', '/api/v1/namespaces/beta/admins', { token: tokens.platform, body: { email: 'bob@agency.gov.sg' } })).status).toBe(
      201,
    );
    tokens.alphaAdmin = await apiToken(tp, console_, 'alice@agency.gov.sg');
    tokens.betaAdmin = await apiToken(tp, console_, 'bob@agency.gov.sg');
    tokens.plain = await apiToken(tp, console_, 'pat@agency.gov.sg');
  }, 60_000);
  afterAll(() => tp?.close());

  it("issues a person's access token for <issuer>/api through code + PKCE, and /me answers their role", async () => {
    const claims = decodeJwt(tokens.alphaAdmin);
    expect(claims.aud).toBe(apiResource(tp));
    expect(claims.iss).toBe(tp.issuer);
    const me = await api(tp, 'GET', '/api/v1/me', { token: tokens.alphaAdmin });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: 'alice@agency.gov.sg', role: 'tenant_admin', adminOf: ['alpha'] });
    expect((await api(tp, 'GET', '/api/v1/me', { token: tokens.platform })).body.role).toBe('platform_admin');
    expect((await api(tp, 'GET', '/api/v1/me', { token: tokens.plain })).body).toMatchObject({ role: 'user', adminOf: [] });
  });

  it('refuses the resource to an application a platform admin has not allowed', async () => {
    const { tokens: none, error } = await signInForResource(tp, plainApp, 'alice@agency.gov.sg');
    expect(none).toBeUndefined();
    expect(error).toBe('invalid_target');
  });

  it('refuses anonymous callers, forged tokens, ID tokens and client-credentials tokens, each with its code', async () => {
    const anonymous = await api(tp, 'GET', '/api/v1/namespaces');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('api.token_invalid');
    const [head, body] = tokens.alphaAdmin.split('.');
    const forged = `${head}.${body}.${'A'.repeat(86)}`;
    expect((await api(tp, 'GET', '/api/v1/me', { token: forged })).body.error.code).toBe('api.token_invalid');

    const signedIn = await signIn(tp, { ...plainApp, login: 'alice@agency.gov.sg', password: PASSWORD });
    const idToken = await api(tp, 'GET', '/api/v1/me', { token: signedIn.tokens.id_token! });
    expect(idToken.status).toBe(401);

    const config = await rpConfig(tp, plainApp.clientId, plainApp.clientSecret);
    const machine = await client.clientCredentialsGrant(config, {});
    const refused = await api(tp, 'GET', '/api/v1/me', { token: machine.access_token });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('api.client_token_refused');
    // Nor can an application ask for the management API with its own credentials.
    await expect(client.clientCredentialsGrant(config, { resource: apiResource(tp) })).rejects.toMatchObject({ error: 'invalid_target' });
  });

  it('lists namespaces with cursor pagination: a platform admin every one, a tenant admin theirs, a plain user none', async () => {
    const first = await api(tp, 'GET', '/api/v1/namespaces?limit=2', { token: tokens.platform });
    expect(first.status).toBe(200);
    expect(first.body.items.map((n: { name: string }) => n.name)).toEqual(['alpha', 'beta']);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api(tp, 'GET', `/api/v1/namespaces?limit=2&cursor=${first.body.nextCursor}`, { token: tokens.platform });
    expect(second.body.items.map((n: { name: string }) => n.name)).toEqual(['ops']);
    expect(second.body.nextCursor).toBeNull();
    const mine = await api(tp, 'GET', '/api/v1/namespaces', { token: tokens.alphaAdmin });
    expect(mine.body.items.map((n: { name: string }) => n.name)).toEqual(['alpha']);
    const plain = await api(tp, 'GET', '/api/v1/namespaces', { token: tokens.plain });
    expect(plain.status).toBe(403);
    expect(plain.body.error.code).toBe('access.forbidden');
  });

  it('updates a namespace only with the ETag it last read: 428 without If-Match, 412 when it changed meanwhile; audited before and after', async () => {
    const read = await api(tp, 'GET', '/api/v1/namespaces/alpha', { token: tokens.alphaAdmin });
    const etag = read.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const missing = await api(tp, 'PATCH', '/api/v1/namespaces/alpha', { token: tokens.alphaAdmin, body: { displayName: 'Alpha Agency' } });
    expect(missing.status).toBe(428);
    expect(missing.body.error.code).toBe('request.precondition_required');
    // Someone not allowed learns nothing more than that.
    expect((await api(tp, 'PATCH', '/api/v1/namespaces/alpha', { token: tokens.betaAdmin, body: { displayName: 'x' } })).status).toBe(403);
    const first = await api(tp, 'PATCH', '/api/v1/namespaces/alpha', {
      token: tokens.alphaAdmin,
      body: { displayName: 'Alpha Agency', description: 'Alpha services' },
      headers: { 'if-match': etag },
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ displayName: 'Alpha Agency', description: 'Alpha services' });
    expect(first.headers.get('etag')).not.toBe(etag);
    // A second admin who read before the change cannot overwrite it.
    const stale = await api(tp, 'PATCH', '/api/v1/namespaces/alpha', {
      token: tokens.platform,
      body: { displayName: 'Mine' },
      headers: { 'if-match': etag },
    });
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('request.precondition_failed');
    expect((await api(tp, 'GET', '/api/v1/namespaces/alpha', { token: tokens.platform })).body.displayName).toBe('Alpha Agency');
    const events = await tp.server.store.audit.list({ targetId: read.body.id });
    const updated = events.find((e) => e.action === 'namespace.updated')!;
    expect(updated.data).toMatchObject({
      before: { displayName: 'alpha' },
      after: { displayName: 'Alpha Agency', description: 'Alpha services' },
      role: 'tenant_admin',
    });
  });

  it('keeps a list of namespace admins: add by e-mail, remove, never the last one', async () => {
    const added = await api(tp, 'POST', '/api/v1/namespaces/beta/admins', { token: tokens.betaAdmin, body: { email: 'pat@agency.gov.sg' } });
    expect(added.status).toBe(201);
    expect(added.body.items.map((a: { email: string }) => a.email)).toEqual(['bob@agency.gov.sg', 'pat@agency.gov.sg']);
    const again = await api(tp, 'POST', '/api/v1/namespaces/beta/admins', { token: tokens.betaAdmin, body: { email: 'pat@agency.gov.sg' } });
    expect(again.status).toBe(200);
    const unknown = await api(tp, 'POST', '/api/v1/namespaces/beta/admins', { token: tokens.betaAdmin, body: { email: 'nobody@agency.gov.sg' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'user.not_found', fields: ['email'] });
    const pat = added.body.items.find((a: { email: string }) => a.email === 'pat@agency.gov.sg');
    const bob = added.body.items.find((a: { email: string }) => a.email === 'bob@agency.gov.sg');
    const removed = await api(tp, 'DELETE', `/api/v1/namespaces/beta/admins/${pat.userId}`, { token: tokens.betaAdmin });
    expect(removed.status).toBe(200);
    expect(removed.body.items.map((a: { email: string }) => a.email)).toEqual(['bob@agency.gov.sg']);
    const last = await api(tp, 'DELETE', `/api/v1/namespaces/beta/admins/${bob.userId}`, { token: tokens.platform });
    expect(last.status).toBe(409);
    expect(last.body.error.code).toBe('namespace.last_admin');
    const events = await tp.server.store.audit.list();
    expect(events.filter((e) => e.action === 'namespace.admin_removed')).toHaveLength(1);
  });

  it('updates every property of an application with the rules of create, and answers errors in one shape', async () => {
    const path = `/api/v1/namespaces/alpha/applications/${plainApp.clientId}`;
    const read = await api(tp, 'GET', path, { token: tokens.alphaAdmin });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ clientId: plainApp.clientId, namespace: 'alpha', name: 'Alpha web', public: false, managementApi: false });
    const etag = read.headers.get('etag')!;
    const badUri = await api(tp, 'PATCH', path, {
      token: tokens.alphaAdmin,
      body: { redirectUris: ['http://evil.example/cb'] },
      headers: { 'if-match': etag },
    });
    expect(badUri.status).toBe(400);
    expect(badUri.body).toEqual({
      error: { code: 'input.invalid', message: expect.stringContaining('https'), fields: ['redirectUris'], correlationId: expect.any(String) },
    });
    const unknownField = await api(tp, 'PATCH', path, { token: tokens.alphaAdmin, body: { colour: 'red' }, headers: { 'if-match': etag } });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.code).toBe('input.invalid');
    // Only a platform admin lets an application ask for management API tokens.
    const escalate = await api(tp, 'PATCH', path, { token: tokens.alphaAdmin, body: { managementApi: true }, headers: { 'if-match': etag } });
    expect(escalate.status).toBe(403);
    const changes = {
      name: 'Alpha portal',
      homepageUrl: 'https://alpha.example.gov.sg/',
      logoutUrl: 'https://alpha.example.gov.sg/bye',
      redirectUris: ['https://alpha.example.gov.sg/cb', 'https://alpha.example.gov.sg/cb2'],
      signInEnabled: true,
      assignmentRequired: true,
      implicitGrant: false,
      backchannelLogoutUri: null,
      termsVersion: 2,
    };
    const updated = await api(tp, 'PATCH', path, { token: tokens.alphaAdmin, body: changes, headers: { 'if-match': etag } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject(changes);
    const down = await api(tp, 'PATCH', path, {
      token: tokens.alphaAdmin,
      body: { termsVersion: 1 },
      headers: { 'if-match': updated.headers.get('etag')! },
    });
    expect(down.body.error).toMatchObject({ code: 'input.invalid', fields: ['termsVersion'] });
    const audit = (await tp.server.store.audit.list({ targetId: plainApp.clientId })).filter((e) => e.action === 'application.updated').at(-1)!;
    expect(audit.data).toMatchObject({ before: { name: 'Alpha web' }, after: { name: 'Alpha portal', termsVersion: 2 } });
    // Back as it was, for the other tests.
    const restore = await api(tp, 'PATCH', path, {
      token: tokens.alphaAdmin,
      body: { name: 'Alpha web', assignmentRequired: false, redirectUris: [plainApp.redirectUri] },
      headers: { 'if-match': '*' },
    });
    expect(restore.status).toBe(200);
  });

  it('refuses cross-namespace reads and writes', async () => {
    const betaApp = await application(tp, { namespace: 'beta', name: 'Beta web' });
    const elsewhere = await api(tp, 'GET', `/api/v1/namespaces/beta/applications/${betaApp.clientId}`, { token: tokens.alphaAdmin });
    expect(elsewhere.status).toBe(403);
    // Through their own namespace's path, another namespace's application does not exist.
    const smuggled = await api(tp, 'GET', `/api/v1/namespaces/alpha/applications/${betaApp.clientId}`, { token: tokens.alphaAdmin });
    expect(smuggled.status).toBe(404);
    const write = await api(tp, 'PATCH', `/api/v1/namespaces/alpha/applications/${betaApp.clientId}`, {
      token: tokens.alphaAdmin,
      body: { name: 'Taken' },
      headers: { 'if-match': '*' },
    });
    expect(write.status).toBe(404);
    const remove = await api(tp, 'DELETE', `/api/v1/namespaces/alpha/applications/${betaApp.clientId}`, { token: tokens.alphaAdmin });
    expect(remove.status).toBe(404);
    const secrets = await api(tp, 'GET', `/api/v1/namespaces/alpha/applications/${betaApp.clientId}/secrets`, { token: tokens.alphaAdmin });
    expect(secrets.status).toBe(404);
    expect((await api(tp, 'GET', `/api/v1/namespaces/beta/applications/${betaApp.clientId}`, { token: tokens.betaAdmin })).body.name).toBe(
      'Beta web',
    );
  });

  it('manages client secrets: listed without values, added with a name (the value once), revoked and refused at once', async () => {
    const base = `/api/v1/namespaces/alpha/applications/${plainApp.clientId}/secrets`;
    const added = await api(tp, 'POST', base, { token: tokens.alphaAdmin, body: { name: 'CI deploy', expiresInDays: 30 } });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ name: 'CI deploy', lastUsedAt: null, value: expect.any(String) });
    const config = await rpConfig(tp, plainApp.clientId, added.body.value);
    expect((await client.clientCredentialsGrant(config, {})).access_token).toBeTruthy();
    let listed = await api(tp, 'GET', base, { token: tokens.alphaAdmin });
    for (let i = 0; i < 20 && !listed.body.items.find((s: { id: string }) => s.id === added.body.id).lastUsedAt; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      listed = await api(tp, 'GET', base, { token: tokens.alphaAdmin });
    }
    const entry = listed.body.items.find((s: { id: string }) => s.id === added.body.id);
    expect(Object.keys(entry).sort()).toEqual(['createdAt', 'expiresAt', 'hint', 'id', 'lastUsedAt', 'name']);
    expect(entry.lastUsedAt).toEqual(expect.any(Number));
    expect(JSON.stringify(listed.body)).not.toContain(added.body.value);
    const revoked = await api(tp, 'DELETE', `${base}/${added.body.id}`, { token: tokens.alphaAdmin });
    expect(revoked.status).toBe(200);
    await expect(client.clientCredentialsGrant(config, {})).rejects.toMatchObject(INVALID_CLIENT);
    expect((await api(tp, 'DELETE', `${base}/${added.body.id}`, { token: tokens.alphaAdmin })).body.error.code).toBe('secret.not_found');
    const audit = (await tp.server.store.audit.list({ targetId: plainApp.clientId })).filter((e) => e.action.startsWith('application.secret_'));
    expect(JSON.stringify(audit)).not.toContain(added.body.value);
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['application.secret_added', 'application.secret_revoked']));
  });

  it('deletes an application irreversibly: its refresh tokens stop working; a namespace is deleted only when empty', async () => {
    await namespace(tp, 'gamma');
    const doomed = await application(tp, { namespace: 'gamma', name: 'Doomed' });
    const signedIn = await signIn(tp, { ...doomed, login: 'pat@agency.gov.sg', password: PASSWORD });
    expect(signedIn.tokens.refresh_token).toBeTruthy();
    const notEmpty = await api(tp, 'DELETE', '/api/v1/namespaces/gamma', { token: tokens.platform });
    expect(notEmpty.status).toBe(409);
    expect(notEmpty.body.error.code).toBe('namespace.not_empty');
    const deleted = await api(tp, 'DELETE', `/api/v1/namespaces/gamma/applications/${doomed.clientId}`, { token: tokens.platform });
    expect(deleted.status).toBe(204);
    await expect(client.refreshTokenGrant(signedIn.config, signedIn.tokens.refresh_token!)).rejects.toMatchObject(INVALID_CLIENT);
    expect((await api(tp, 'GET', `/api/v1/namespaces/gamma/applications/${doomed.clientId}`, { token: tokens.platform })).status).toBe(404);
    const gone = await api(tp, 'DELETE', '/api/v1/namespaces/gamma', { token: tokens.platform });
    expect(gone.status).toBe(204);
    expect((await api(tp, 'GET', '/api/v1/namespaces/gamma', { token: tokens.platform })).status).toBe(404);
  });

  it('ends the tokens issued through an application once its management API access is turned off', async () => {
    const token = await apiToken(tp, console_, 'pat@agency.gov.sg');
    expect((await api(tp, 'GET', '/api/v1/me', { token })).status).toBe(200);
    const read = await api(tp, 'GET', `/api/v1/namespaces/ops/applications/${console_.clientId}`, { token: tokens.platform });
    const off = await api(tp, 'PATCH', `/api/v1/namespaces/ops/applications/${console_.clientId}`, {
      token: tokens.platform,
      body: { managementApi: false },
      headers: { 'if-match': read.headers.get('etag')! },
    });
    expect(off.status).toBe(200);
    const refused = await api(tp, 'GET', '/api/v1/me', { token });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('api.token_invalid');
    // Only a platform admin turns it back on, with a token issued before (none can be issued meanwhile).
    const on = await runCli(['app', 'update', '--namespace', 'ops', '--app', console_.clientId, '--management-api', 'true'], tp.env);
    expect(on.code, on.stderr).toBe(0);
    // Seen at once on SQLite; on PostgreSQL within KEY_REFRESH_SECONDS (another process changed it).
    let again = await api(tp, 'GET', '/api/v1/me', { token });
    for (let i = 0; i < 30 && again.status !== 200; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      again = await api(tp, 'GET', '/api/v1/me', { token });
    }
    expect(again.status).toBe(200);
  });

  it('never leaves a namespace without an admin, even when two admins are removed at once', async () => {
    await namespace(tp, 'delta');
    for (const email of ['alice@agency.gov.sg', 'bob@agency.gov.sg']) {
      expect((await api(tp, 'POST', '/api/v1/namespaces/delta/admins', { token: tokens.platform, body: { email } })).status).toBe(201);
    }
    const admins = (await api(tp, 'GET', '/api/v1/namespaces/delta/admins', { token: tokens.platform })).body.items as Array<{ userId: string }>;
    const answers = await Promise.all(
      admins.map((a) => api(tp, 'DELETE', `/api/v1/namespaces/delta/admins/${a.userId}`, { token: tokens.platform })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect((await api(tp, 'GET', '/api/v1/namespaces/delta/admins', { token: tokens.platform })).body.items).toHaveLength(1);
  });

  it("refuses a token at once when its person's account may no longer sign in", async () => {
    await person(tp, 'dan@agency.gov.sg');
    const token = await apiToken(tp, console_, 'dan@agency.gov.sg');
    expect((await api(tp, 'GET', '/api/v1/me', { token })).status).toBe(200);
    const disabled = await runCli(['user', 'set-status', '--email', 'dan@agency.gov.sg', '--status', 'disabled'], tp.env);
    expect(disabled.code, disabled.stderr).toBe(0);
    const refused = await api(tp, 'GET', '/api/v1/me', { token });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('api.token_invalid');
  });

  it('serves the OpenAPI document at /api/openapi.json (and /api/v1/openapi.json) and a readable page at /api/docs', async () => {
    const doc = (await (await fetch(`${tp.url}/api/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toMatch(/^3\.1\./);
    for (const path of [
      '/api/v1/namespaces',
      '/api/v1/namespaces/{namespace}',
      '/api/v1/namespaces/{namespace}/applications/{clientId}/secrets/{secretId}',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(Object.keys(doc.paths['/api/v1/namespaces/{namespace}']!).sort()).toEqual(['delete', 'get', 'patch']);
    expect(await (await fetch(`${tp.url}/api/v1/openapi.json`)).json()).toEqual(doc);
    const page = await fetch(`${tp.url}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('PATCH /api/v1/namespaces/{namespace}/applications/{clientId}');
    expect(html).not.toMatch(/<script|https?:\/\/cdn/i);
  });
});
