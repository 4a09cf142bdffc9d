/**
 * Groups, their members, the assignments of an application and its certificates
 * through the management API, as its callers use it (people's access tokens for
 * `<issuer>/api`): whole life, ETag/If-Match, refusals (wrong role, other namespace,
 * bad input with `fields` and nothing changed, not found), audit with before and
 * after; a person assigned through a group signs in to an assignment-required
 * application and is refused once taken out; a removed certificate's client
 * assertions are refused at once.
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { administrationDeps } from '../src/cli/demo.js';
import { updateApplication } from '../src/flows/applications.js';
import { systemClock } from '../src/platform/clock.js';
import { api, apiToken, person } from './helpers/api.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD } from './helpers/directory.js';
import { HttpBrowser, text } from './helpers/http-browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { completeSignIn, finishAuthorization, startAuthorization } from './helpers/sign-in.js';
import { selfSignedCertificate } from './helpers/x509.js';

type App = Awaited<ReturnType<typeof application>>;
const DAY = 24 * 3600 * 1000;
const GROUPS = '/api/v1/namespaces/alpha/groups';

describe(`management API: groups, members, assignments, certificates (${engine})`, () => {
  let tp: TestServer;
  let tool: App;
  const tokens = { platform: '', alpha: '', beta: '', plain: '' };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    tp = await startTestServer({ env: { KEY_REFRESH_SECONDS: '1' } });
    for (const name of ['ops', 'alpha', 'beta']) await namespace(tp, name);
    const console_ = await application(tp, { namespace: 'ops', name: 'Console', isPublic: true, redirectUris: ['http://127.0.0.1/cb'] });
    const deps = administrationDeps(tp.server.store, systemClock);
    expect((await updateApplication(deps, 'test', { namespace: 'ops', clientId: console_.clientId, changes: { managementApi: true } })).ok).toBe(
      true,
    );
    tool = await application(tp, { namespace: 'alpha', name: 'Tool' });
    for (const email of ['root@agency.gov.sg', 'alice@agency.gov.sg', 'bob@agency.gov.sg', 'pat@agency.gov.sg', 'carol@agency.gov.sg']) {
      ids[email.split('@')[0]!] = (await person(tp, email, { platformAdmin: email.startsWith('root') })).id;
    }
    tokens.platform = await apiToken(tp, console_, 'root@agency.gov.sg');
    for (const [ns, email] of [
      ['alpha', 'alice@agency.gov.sg'],
      ['beta', 'bob@agency.gov.sg'],
    ]) {
      expect((await api(tp, 'POST', `/api/v1/namespaces/${ns}/admins`, { token: tokens.platform, body: { email } })).status).toBe(201);
    }
    tokens.alpha = await apiToken(tp, console_, 'alice@agency.gov.sg');
    tokens.beta = await apiToken(tp, console_, 'bob@agency.gov.sg');
    tokens.plain = await apiToken(tp, console_, 'pat@agency.gov.sg');
  }, 90_000);
  afterAll(() => tp?.close());

  const as = (token: string) => ({
    get: (path: string) => api(tp, 'GET', path, { token }),
    post: (path: string, body: unknown) => api(tp, 'POST', path, { token, body }),
    patch: (path: string, body: unknown, etag?: string) => api(tp, 'PATCH', path, { token, body, headers: etag ? { 'if-match': etag } : {} }),
    delete: (path: string, etag?: string) => api(tp, 'DELETE', path, { token, headers: etag ? { 'if-match': etag } : {} }),
  });
  const names = async () => (await as(tokens.alpha).get(GROUPS)).body.items.map((g: { name: string }) => g.name);

  it('creates groups, refuses a bad or taken name with its field, and lists them by name with a filter and a cursor', async () => {
    const alice = as(tokens.alpha);
    const created = await alice.post(GROUPS, { name: 'staff', description: 'Everyone on staff' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'staff', qualifiedName: 'alpha:staff', namespace: 'alpha', description: 'Everyone on staff' });
    for (const name of ['alpha:contractors', 'auditors']) expect((await alice.post(GROUPS, { name })).status).toBe(201);

    const bad = await alice.post(GROUPS, { name: 'Bad Name!' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'input.invalid', fields: ['name'] });
    const elsewhere = await alice.post(GROUPS, { name: 'beta:spies' });
    expect(elsewhere.body.error).toMatchObject({ code: 'input.invalid', fields: ['name'] });
    const taken = await alice.post(GROUPS, { name: 'staff' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('group.exists');
    const unknownField = await alice.post(GROUPS, { name: 'x', colour: 'red' });
    expect(unknownField.status).toBe(400);
    expect(await names()).toEqual(['auditors', 'contractors', 'staff']);

    const first = await alice.get(`${GROUPS}?limit=2`);
    expect(first.body.items.map((g: { name: string }) => g.name)).toEqual(['auditors', 'contractors']);
    const second = await alice.get(`${GROUPS}?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ items: [{ name: 'staff' }], nextCursor: null });
    expect((await alice.get(`${GROUPS}?q=TRACT`)).body.items.map((g: { name: string }) => g.name)).toEqual(['contractors']);
  });

  it('refuses groups to callers who do not administer the namespace, and answers 404 for an unknown group', async () => {
    for (const token of [tokens.beta, tokens.plain]) {
      expect((await as(token).get(GROUPS)).status).toBe(403);
      expect((await as(token).get(`${GROUPS}/staff`)).status).toBe(403);
      expect((await as(token).post(GROUPS, { name: 'intruders' })).status).toBe(403);
      expect((await as(token).delete(`${GROUPS}/staff`)).body.error.code).toBe('access.forbidden');
    }
    expect((await api(tp, 'GET', GROUPS)).status).toBe(401);
    expect(await names()).toEqual(['auditors', 'contractors', 'staff']);
    expect((await as(tokens.platform).get(`${GROUPS}/staff`)).status).toBe(200);
    const unknown = await as(tokens.alpha).get(`${GROUPS}/nobody`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'group.not_found', fields: ['group'] });
  });

  it('renames and describes a group only with the ETag it last read (428, 412), audited before and after', async () => {
    const alice = as(tokens.alpha);
    const read = await alice.get(`${GROUPS}/auditors`);
    const etag = read.headers.get('etag')!;
    expect((await alice.patch(`${GROUPS}/auditors`, { description: 'x' })).status).toBe(428);
    expect((await as(tokens.beta).patch(`${GROUPS}/auditors`, { description: 'x' }, etag)).status).toBe(403);
    const clash = await alice.patch(`${GROUPS}/auditors`, { name: 'staff' }, etag);
    expect(clash.status).toBe(409);
    expect(clash.body.error).toMatchObject({ code: 'group.exists', fields: ['name'] });
    const renamed = await alice.patch(`${GROUPS}/auditors`, { name: 'reviewers', description: 'Read-only reviewers' }, etag);
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: read.body.id, name: 'reviewers', qualifiedName: 'alpha:reviewers', description: 'Read-only reviewers' });
    const stale = await as(tokens.platform).patch(`${GROUPS}/reviewers`, { description: 'mine' }, etag);
    expect(stale.status).toBe(412);
    expect((await alice.get(`${GROUPS}/reviewers`)).body.description).toBe('Read-only reviewers');
    const event = (await tp.server.store.audit.list({ targetId: read.body.id })).find((e) => e.action === 'group.updated')!;
    expect(event.data).toMatchObject({
      role: 'tenant_admin',
      before: { name: 'alpha:auditors', description: '' },
      after: { name: 'alpha:reviewers', description: 'Read-only reviewers' },
    });
  });

  it('adds members by e-mail, user id or group, refuses cycles and bad input with its field, lists and removes them', async () => {
    const alice = as(tokens.alpha);
    const members = `${GROUPS}/staff/members`;
    const added = await alice.post(members, { email: 'carol@agency.gov.sg' });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ type: 'user', id: ids.carol, email: 'carol@agency.gov.sg', name: 'carol Tester' });
    expect((await alice.post(members, { email: 'carol@agency.gov.sg' })).status).toBe(200);
    expect((await alice.post(members, { userId: ids.pat })).status).toBe(201);
    expect((await alice.post(members, { group: 'contractors' })).body).toMatchObject({ type: 'group', name: 'alpha:contractors', email: null });
    const cycle = await alice.post(`${GROUPS}/contractors/members`, { group: 'alpha:staff' });
    expect(cycle.status).toBe(409);
    expect(cycle.body.error.code).toBe('group.cycle');
    const both = await alice.post(members, { email: 'bob@agency.gov.sg', userId: ids.bob });
    expect(both.status).toBe(400);
    expect(both.body.error).toMatchObject({ code: 'input.invalid', fields: ['userId'] });
    expect((await alice.post(members, {})).body.error).toMatchObject({ code: 'input.invalid', fields: ['email'] });
    expect((await alice.post(members, { email: 'nobody@agency.gov.sg' })).body.error).toMatchObject({ code: 'user.not_found', fields: ['email'] });
    expect((await alice.post(members, { group: 'beta:team' })).body.error).toMatchObject({ code: 'input.invalid', fields: ['group'] });
    expect((await as(tokens.beta).post(members, { email: 'bob@agency.gov.sg' })).status).toBe(403);

    const listed = await alice.get(members);
    expect(listed.body.items.map((m: { type: string; name: string }) => `${m.type}:${m.name}`)).toEqual([
      'user:carol Tester',
      'user:pat Tester',
      'group:alpha:contractors',
    ]);
    const removed = await alice.delete(`${members}/users/${ids.pat}`);
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ type: 'user', id: ids.pat });
    const again = await alice.delete(`${members}/users/${ids.pat}`);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('group.member_not_found');
    expect((await alice.delete(`${members}/groups/contractors`)).body).toMatchObject({ type: 'group', name: 'alpha:contractors' });
    expect((await alice.delete(`${members}/people/x`)).status).toBe(400);
    expect((await alice.get(members)).body.items.map((m: { email: string }) => m.email)).toEqual(['carol@agency.gov.sg']);
    const staffId = (await alice.get(`${GROUPS}/staff`)).body.id;
    const actions = (await tp.server.store.audit.list({ targetId: staffId })).map((e) => e.action);
    expect(actions.filter((a) => a === 'group.member_added')).toHaveLength(3);
    expect(actions.filter((a) => a === 'group.member_removed')).toHaveLength(2);
  });

  /** Signs `login` in to the tool: `in` with its claims' e-mail, or `refused` with the page's words. */
  async function signInToTool(login: string): Promise<string> {
    const browser = new HttpBrowser();
    const start = await startAuthorization(tp, tool);
    const first = await browser.follow(start.url, {}, (u) => u.startsWith(tool.redirectUri));
    const page = await completeSignIn(browser, first, { ...tool, login, password: PASSWORD });
    if (page.stopped) return `in as ${(await finishAuthorization(start, page.url)).claims()?.email}`;
    return text(page).includes('You have not been given access') ? 'refused' : `stopped at ${page.url}`;
  }

  it('assigns people and groups to an application: a member of an assigned group signs in, and is refused once taken out', async () => {
    const alice = as(tokens.alpha);
    const assignments = `/api/v1/namespaces/alpha/applications/${tool.clientId}/assignments`;
    const appPath = `/api/v1/namespaces/alpha/applications/${tool.clientId}`;
    const read = await alice.get(appPath);
    const required = await alice.patch(appPath, { assignmentRequired: true }, read.headers.get('etag')!);
    expect(required.status).toBe(200);
    expect(await signInToTool('carol@agency.gov.sg')).toBe('refused');

    expect((await alice.post(assignments, { group: 'staff' })).status).toBe(201);
    expect((await alice.post(assignments, { group: 'staff' })).status).toBe(200);
    expect((await alice.post(assignments, { email: 'pat@agency.gov.sg' })).body).toMatchObject({ type: 'user', id: ids.pat });
    expect((await alice.post(assignments, { group: 'nope' })).body.error).toMatchObject({ code: 'group.not_found', fields: ['group'] });
    expect((await as(tokens.beta).get(assignments)).status).toBe(403);
    expect((await as(tokens.beta).post(`/api/v1/namespaces/beta/applications/${tool.clientId}/assignments`, { group: 'staff' })).status).toBe(404);
    const listed = await alice.get(assignments);
    expect(listed.body.items.map((a: { type: string; name: string }) => `${a.type}:${a.name}`)).toEqual(['user:pat Tester', 'group:alpha:staff']);

    expect(await signInToTool('carol@agency.gov.sg')).toBe('in as carol@agency.gov.sg');
    expect((await alice.delete(`${GROUPS}/staff/members/users/carol@agency.gov.sg`)).status).toBe(200);
    expect(await signInToTool('carol@agency.gov.sg')).toBe('refused');

    expect(await signInToTool('pat@agency.gov.sg')).toBe('in as pat@agency.gov.sg');
    const unassigned = await alice.delete(`${assignments}/users/${ids.pat}`);
    expect(unassigned.body).toMatchObject({ type: 'user', id: ids.pat });
    expect((await alice.delete(`${assignments}/users/${ids.pat}`)).body.error.code).toBe('assignment.not_found');
    expect(await signInToTool('pat@agency.gov.sg')).toBe('refused');
    const events = await tp.server.store.audit.list({ targetId: tool.clientId });
    expect(events.find((e) => e.action === 'application.unassigned')!.data).toMatchObject({
      before: { type: 'user', id: ids.pat, email: 'pat@agency.gov.sg' },
      after: null,
    });
  }, 60_000);

  it('deletes a group with its memberships and assignments, audited with what went', async () => {
    const alice = as(tokens.alpha);
    expect((await alice.post(`${GROUPS}/staff/members`, { email: 'carol@agency.gov.sg' })).status).toBe(201);
    expect((await alice.post(`${GROUPS}/reviewers/members`, { group: 'staff' })).status).toBe(201);
    const read = await alice.get(`${GROUPS}/staff`);
    expect((await alice.delete(`${GROUPS}/staff`, '"stale"')).status).toBe(412);
    expect((await as(tokens.beta).delete(`${GROUPS}/staff`)).status).toBe(403);
    expect((await alice.delete(`${GROUPS}/staff`, read.headers.get('etag')!)).status).toBe(204);
    expect((await alice.get(`${GROUPS}/staff`)).status).toBe(404);
    expect(await names()).toEqual(['contractors', 'reviewers']);
    expect((await alice.get(`${GROUPS}/reviewers/members`)).body.items).toEqual([]);
    expect((await alice.get(`/api/v1/namespaces/alpha/applications/${tool.clientId}/assignments`)).body.items).toEqual([]);
    const event = (await tp.server.store.audit.list({ targetId: read.body.id })).find((e) => e.action === 'group.deleted')!;
    expect(event.data).toMatchObject({
      before: {
        name: 'alpha:staff',
        members: [{ type: 'user', id: ids.carol, email: 'carol@agency.gov.sg' }],
        memberOf: ['alpha:reviewers'],
        assignedTo: [tool.clientId],
      },
      after: null,
    });
    expect(await signInToTool('carol@agency.gov.sg')).toBe('refused');
  }, 30_000);

  describe('certificates', () => {
    const certs = () => `/api/v1/namespaces/alpha/applications/${tool.clientId}/certificates`;
    const assertion = (key: KeyObject, kid: string) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid })
        .setIssuer(tool.clientId)
        .setSubject(tool.clientId)
        .setAudience(tp.issuer)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime('60s')
        .sign(key);
    const grant = async (jwt: string) =>
      (
        await fetch(`${tp.issuer}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: tool.clientId,
            client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            client_assertion: jwt,
          }),
        })
      ).status;

    it('uploads a certificate (PEM), lists its thumbprint, subject and dates, refuses bad ones with their field', async () => {
      const alice = as(tokens.alpha);
      const cert = selfSignedCertificate({ commonName: 'tool deploy', notAfter: new Date(Date.now() + 30 * DAY) });
      const added = await alice.post(certs(), { pem: cert.pem });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ x5tS256: cert.x5tS256, x5t: cert.x5t, subject: 'CN=tool deploy' });
      expect(added.body.expiresAt).toBeGreaterThan(Date.now() + 29 * DAY);
      expect((await alice.post(certs(), { pem: cert.pem })).body.error.code).toBe('certificate.exists');
      const withKey = await alice.post(certs(), { pem: `${cert.pem}\n${cert.privateKey.export({ type: 'pkcs8', format: 'pem' })}` });
      expect(withKey.status).toBe(400);
      expect(withKey.body.error).toMatchObject({ code: 'certificate.invalid', fields: ['pem'] });
      const expired = selfSignedCertificate({ notBefore: new Date(Date.now() - 10 * DAY), notAfter: new Date(Date.now() - DAY) });
      expect((await alice.post(certs(), { pem: expired.pem })).body.error).toMatchObject({ code: 'certificate.invalid', fields: ['pem'] });
      expect((await alice.post(certs(), { pem: 'hello' })).status).toBe(400);
      expect((await as(tokens.beta).post(certs(), { pem: cert.pem })).status).toBe(403);
      expect((await as(tokens.plain).get(certs())).status).toBe(403);
      const listed = await alice.get(certs());
      expect(listed.body.items).toEqual([added.body]);
    });

    it('removes a certificate: its client assertions are refused at once; removing it again is 404; audited', async () => {
      const alice = as(tokens.alpha);
      const cert = selfSignedCertificate({ notAfter: new Date(Date.now() + 30 * DAY) });
      const added = await alice.post(certs(), { pem: cert.pem });
      for (let i = 0; i < 2; i += 1) expect(await grant(await assertion(cert.privateKey, cert.x5tS256))).toBe(200);
      expect((await as(tokens.beta).delete(`${certs()}/${added.body.id}`)).status).toBe(403);
      const removed = await alice.delete(`${certs()}/${added.body.id}`);
      expect(removed.status).toBe(200);
      expect(removed.body).toMatchObject({ id: added.body.id, x5tS256: cert.x5tS256 });
      expect(await grant(await assertion(cert.privateKey, cert.x5tS256))).toBe(401);
      const again = await alice.delete(`${certs()}/${added.body.id}`);
      expect(again.status).toBe(404);
      expect(again.body.error).toMatchObject({ code: 'certificate.not_found', fields: ['certificateId'] });
      expect((await alice.get(certs())).body.items.map((c: { id: string }) => c.id)).not.toContain(added.body.id);
      const event = (await tp.server.store.audit.list({ targetId: tool.clientId })).find((e) => e.action === 'application.certificate_removed')!;
      expect(event.data).toMatchObject({ role: 'tenant_admin', before: { certificateId: added.body.id, x5tS256: cert.x5tS256 }, after: null });
    });
  });
});
