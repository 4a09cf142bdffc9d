/**
 * Application owners (issue 19): the people responsible for an application, shown in
 * its view and replaced as a list by PATCH …/applications/{clientId} `owners: [email…]`,
 * audited before and after; through the API with real access tokens and through the
 * spawned CLI (`app update --owner`, `app show`), on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { api, apiToken, person } from './helpers/api.js';
import { engine } from './helpers/database.js';
import { application, namespace } from './helpers/directory.js';
import { startTestServer, type TestServer } from './helpers/server.js';

type App = Awaited<ReturnType<typeof application>>;

describe(`application owners (${engine})`, () => {
  let tp: TestServer;
  let console_: App;
  let web: App;
  const tokens = { alice: '', bob: '' };
  const path = () => `/api/v1/namespaces/owned/applications/${web.clientId}`;
  const read = () => api(tp, 'GET', path(), { token: tokens.alice });
  const patch = (body: unknown, etag: string | null, token = tokens.alice) =>
    api(tp, 'PATCH', path(), { token, body, headers: etag ? { 'if-match': etag } : {} });

  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'ops');
    await namespace(tp, 'owned');
    await namespace(tp, 'other');
    console_ = await application(tp, { namespace: 'ops', name: 'Admin console', isPublic: true, redirectUris: ['http://127.0.0.1/console/cb'] });
    const allowed = await runCli(['app', 'update', '--namespace', 'ops', '--app', console_.clientId, '--management-api', 'true', '--json'], tp.env);
    expect(allowed.code, allowed.stderr).toBe(0);
    web = await application(tp, { namespace: 'owned', name: 'Owned web' });
    await person(tp, 'root@agency.gov.sg', { platformAdmin: true });
    await person(tp, 'alice@agency.gov.sg');
    await person(tp, 'bob@agency.gov.sg');
    await person(tp, 'carol@agency.gov.sg');
    const root = await apiToken(tp, console_, 'root@agency.gov.sg');
    for (const [ns, email] of [
      ['owned', 'alice@agency.gov.sg'],
      ['other', 'bob@agency.gov.sg'],
    ]) {
      expect((await api(tp, 'POST', `/api/v1/namespaces/${ns}/admins`, { token: root, body: { email } })).status).toBe(201);
    }
    tokens.alice = await apiToken(tp, console_, 'alice@agency.gov.sg');
    tokens.bob = await apiToken(tp, console_, 'bob@agency.gov.sg');
  }, 60_000);
  afterAll(() => tp?.close());

  it('replaces the owners with If-Match, shows them by e-mail, and audits before and after', async () => {
    const first = await read();
    expect(first.status).toBe(200);
    expect(first.body.owners).toEqual([]);
    const set = await patch({ owners: ['carol@agency.gov.sg', 'Bob@agency.gov.sg'] }, first.headers.get('etag'));
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.owners.map((o: { email: string }) => o.email)).toEqual(['bob@agency.gov.sg', 'carol@agency.gov.sg']);
    expect(set.body.owners[0].userId).toEqual(expect.any(String));
    const again = await read();
    expect(again.body.owners).toEqual(set.body.owners);
    expect(again.headers.get('etag')).not.toBe(first.headers.get('etag'));

    // The old ETag is stale now: 412, nothing changed; none at all: 428.
    expect((await patch({ owners: [] }, first.headers.get('etag'))).status).toBe(412);
    expect((await patch({ owners: [] }, null)).status).toBe(428);
    expect((await read()).body.owners).toHaveLength(2);

    const replaced = await patch({ owners: ['alice@agency.gov.sg'] }, again.headers.get('etag'));
    expect(replaced.body.owners.map((o: { email: string }) => o.email)).toEqual(['alice@agency.gov.sg']);
    const audit = (await tp.server.store.audit.list({ targetId: web.clientId })).filter((e) => e.action === 'application.updated').at(-1)!;
    expect(audit.data).toMatchObject({
      before: { owners: [{ email: 'bob@agency.gov.sg' }, { email: 'carol@agency.gov.sg' }] },
      after: { owners: [{ email: 'alice@agency.gov.sg' }] },
    });
    // The list shows them too.
    const list = await api(tp, 'GET', '/api/v1/namespaces/owned/applications', { token: tokens.alice });
    expect(list.body.items.find((a: { clientId: string }) => a.clientId === web.clientId).owners).toEqual(replaced.body.owners);
  });

  it('refuses an unknown e-mail with 400 naming owners, and changes nothing', async () => {
    const before = await read();
    const refused = await patch({ owners: ['alice@agency.gov.sg', 'nobody@agency.gov.sg'], signInEnabled: false }, before.headers.get('etag'));
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'input.invalid', fields: ['owners'] });
    const bad = await patch({ owners: 'alice@agency.gov.sg' }, before.headers.get('etag'));
    expect(bad.status).toBe(400);
    const after = await read();
    expect(after.body).toEqual(before.body);
  });

  it("refuses another namespace's admin (403) and an unknown application (404)", async () => {
    const before = await read();
    const other = await patch({ owners: ['bob@agency.gov.sg'] }, before.headers.get('etag'), tokens.bob);
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('access.forbidden');
    const missing = await api(tp, 'PATCH', '/api/v1/namespaces/owned/applications/app_nope', {
      token: tokens.alice,
      body: { owners: [] },
      headers: { 'if-match': '*' },
    });
    expect(missing.status).toBe(404);
    expect((await read()).body.owners).toEqual(before.body.owners);
  });

  it('the CLI sets owners with --owner (repeatable), clears them, and app show lists them', async () => {
    const set = await runCli(
      ['app', 'update', '--namespace', 'owned', '--app', web.clientId, '--owner', 'bob@agency.gov.sg', '--owner', 'carol@agency.gov.sg', '--json'],
      tp.env,
    );
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ clientId: web.clientId, owners: ['bob@agency.gov.sg', 'carol@agency.gov.sg'] });
    const shown = await runCli(['app', 'show', '--namespace', 'owned', '--app', web.clientId, '--json'], tp.env);
    expect(JSON.parse(shown.stdout).owners).toEqual(['bob@agency.gov.sg', 'carol@agency.gov.sg']);
    const text = await runCli(['app', 'show', '--namespace', 'owned', '--app', web.clientId], tp.env);
    expect(text.stdout).toContain('owners: bob@agency.gov.sg carol@agency.gov.sg');

    const unknown = await runCli(['app', 'update', '--namespace', 'owned', '--app', web.clientId, '--owner', 'nobody@agency.gov.sg', '--json'], tp.env);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ error: 'input.invalid', field: 'owner' });

    const cleared = await runCli(['app', 'update', '--namespace', 'owned', '--app', web.clientId, '--clear-owners', '--json'], tp.env);
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(JSON.parse(cleared.stdout).owners).toEqual([]);
    expect((await read()).body.owners).toEqual([]);
  });

  it('app secret add --name names the secret (the API), keeps its JSON keys', async () => {
    const added = await runCli(['app', 'secret', 'add', '--namespace', 'owned', '--app', web.clientId, '--name', 'rollover 2027', '--json'], tp.env);
    expect(added.code, added.stderr).toBe(0);
    const body = JSON.parse(added.stdout);
    expect(body).toMatchObject({ id: expect.any(String), name: 'rollover 2027', clientSecret: expect.any(String), expiresAt: expect.any(String) });
    const listed = await api(tp, 'GET', `${path()}/secrets`, { token: tokens.alice });
    expect(listed.body.items.find((s: { id: string }) => s.id === body.id)).toMatchObject({ name: 'rollover 2027', hint: body.clientSecret.slice(-4) });
  });
});
