/**
 * Issue 18's routes of the management API, as their callers use them with people's
 * access tokens: a namespace's vendors (created by its tenant admin or a platform
 * admin; the username by e-mail and the one-time activation code by SMS, both through
 * the outbox; refused to a plain user and to an admin of another namespace) and
 * invitations on behalf of the caller (any active public officer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { administrationDeps } from '../src/cli/demo.js';
import { createUser } from '../src/flows/administration.js';
import { updateApplication } from '../src/flows/applications.js';
import { asUserId } from '../src/domain/ids.js';
import { systemClock } from '../src/platform/clock.js';
import { api, apiToken, person } from './helpers/api.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD } from './helpers/directory.js';
import { givePhone } from './helpers/phone.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { smsCode, smsTo } from './helpers/vendors.js';

type Who = 'platform' | 'alphaAdmin' | 'betaAdmin' | 'plain' | 'temp';

describe(`management API: vendors and invitations (${engine})`, () => {
  let tp: TestServer;
  const tokens: Partial<Record<Who, string>> = {};
  const ids: Partial<Record<Who, string>> = {};
  const call = (who: Who | undefined, method: string, path: string, body?: unknown) =>
    api(tp, method, `/api/v1${path}`, { token: who ? tokens[who] : undefined, ...(body !== undefined ? { body } : {}) });

  beforeAll(async () => {
    tp = await startTestServer();
    for (const name of ['ops', 'alpha', 'beta']) await namespace(tp, name);
    const console_ = await application(tp, { namespace: 'ops', name: 'Console', isPublic: true, redirectUris: ['http://127.0.0.1/console/cb'] });
    const deps = administrationDeps(tp.server.store, systemClock);
    expect((await updateApplication(deps, 'test', { namespace: 'ops', clientId: console_.clientId, changes: { managementApi: true } })).ok).toBe(
      true,
    );
    const people: Array<[Exclude<Who, 'temp'>, string, boolean]> = [
      ['platform', 'root@agency.gov.sg', true],
      ['alphaAdmin', 'alice@agency.gov.sg', false],
      ['betaAdmin', 'bob@agency.gov.sg', false],
      ['plain', 'pat@agency.gov.sg', false],
    ];
    for (const [who, email, platformAdmin] of people) ids[who] = (await person(tp, email, { platformAdmin })).id;
    // A temporary account: not a public officer, so it may not invite.
    const temp = await createUser(deps, 'test', {
      email: 'tim@agency.gov.sg',
      givenName: 'Tim',
      familyName: 'Temp',
      password: PASSWORD,
      type: 'temp',
    });
    if (!temp.ok) throw new Error(temp.message);
    await givePhone(tp, temp.value.id, ['tim@agency.gov.sg']);
    ids.temp = temp.value.id;
    for (const [ns, who] of [
      ['alpha', 'alphaAdmin'],
      ['beta', 'betaAdmin'],
    ] as const) {
      const found = await tp.server.store.namespaces.findByName(ns);
      await tp.server.store.forNamespace(found!.id).admins.add(asUserId(ids[who]!));
    }
    for (const [who, email] of [...people, ['temp', 'tim@agency.gov.sg'] as const]) tokens[who] = await apiToken(tp, console_, email);
  }, 60_000);
  afterAll(() => tp?.close());

  it("creates a vendor in the tenant admin's namespace: the TechPass ID by e-mail, the activation code by SMS through the outbox", async () => {
    const created = await call('alphaAdmin', 'POST', '/namespaces/alpha/vendors', {
      email: 'Vic@Vendor.example.com',
      username: 'vic_tan',
      mobile: '+65 8111 0001',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      techpassId: `vic_tan@${tp.config.LOCAL_ID_DOMAIN}`,
      email: 'vic@vendor.example.com',
      mobile: '+6581110001',
      givenName: 'Vic',
      familyName: 'Tan',
      status: 'pending',
      activationCode: 'live',
      activationCodeExpiresAt: expect.any(Number),
      createdBy: ids.alphaAdmin,
    });
    const code = await smsCode(tp, '+6581110001');
    expect(code).toMatch(/^\d{8}$/);
    expect(JSON.stringify(created.body)).not.toContain(code);
    const mail = (await tp.server.store.outbox.recent(10, 'vic@vendor.example.com')).find((m) => m.subject === 'Your TechPass account');
    expect(mail?.text).toContain(`vic_tan@${tp.config.LOCAL_ID_DOMAIN}`);
    const [event] = (await tp.server.store.audit.list({ targetId: created.body.id })).filter((e) => e.action === 'user.created');
    expect(event!.actor).toBe(ids.alphaAdmin);

    const listed = await call('alphaAdmin', 'GET', '/namespaces/alpha/vendors');
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: created.body.id, activationCode: 'live' })]);
    expect((await call('platform', 'GET', '/namespaces/beta/vendors')).body.items).toEqual([]);
    expect(
      (await call('platform', 'POST', '/namespaces/beta/vendors', { email: 'val@vendor.example.com', username: 'val_ng', mobile: '+6581110002' }))
        .status,
    ).toBe(201);
  });

  it('refuses a plain user and an admin of another namespace, and bad or taken identifiers, creating nothing', async () => {
    const body = { email: 'wes@vendor.example.com', username: 'wes_lee', mobile: '+6581110009' };
    for (const who of ['plain', 'betaAdmin'] as const) {
      const refused = await call(who, 'POST', '/namespaces/alpha/vendors', body);
      expect(refused.status, who).toBe(403);
      expect(refused.body.error.code).toBe('access.forbidden');
      expect((await call(who, 'GET', '/namespaces/alpha/vendors')).status).toBe(403);
    }
    expect((await call(undefined, 'POST', '/namespaces/alpha/vendors', body)).status).toBe(401);
    const taken: Array<[unknown, number, string]> = [
      [{ ...body, mobile: '+65 8111 0001' }, 409, 'mobile'],
      [{ ...body, email: 'pat@agency.gov.sg' }, 409, 'email'],
      [{ ...body, username: 'vic_tan' }, 409, 'username'],
      [{ ...body, mobile: 'call me' }, 400, 'mobile'],
      [{ email: body.email, username: body.username }, 400, 'mobile'],
    ];
    for (const [input, status, field] of taken) {
      const refused = await call('alphaAdmin', 'POST', '/namespaces/alpha/vendors', input);
      expect(refused.status, JSON.stringify(input)).toBe(status);
      expect(refused.body.error.fields).toEqual([field]);
    }
    expect(await tp.server.store.users.findByLogin('wes@vendor.example.com')).toBeNull();
    expect(await smsTo(tp, '+6581110009')).toEqual([]);
    expect((await call('platform', 'POST', '/namespaces/nowhere/vendors', body)).status).toBe(404);
    // The vendor's mobile is one of TechPass' identifiers: no other account may take it.
    const pat = await call('platform', 'GET', `/users/${ids.plain}`);
    const clash = await api(tp, 'PATCH', `/api/v1/users/${ids.plain}`, {
      token: tokens.platform,
      body: { mobile: '+6581110001' },
      headers: { 'if-match': pat.headers.get('etag')! },
    });
    expect(clash.status).toBe(409);
    expect(clash.body.error.fields).toEqual(['mobile']);
  });

  it('invites on behalf of the caller, an active public officer: { status, expiresAt }, the link e-mailed through the outbox', async () => {
    const sent = await call('plain', 'POST', '/invitations', { email: 'Newbie@Example.com' });
    expect(sent.status).toBe(201);
    expect(sent.body).toEqual({ status: 'pending', expiresAt: expect.any(Number) });
    expect(sent.body.expiresAt).toBeGreaterThan(Date.now());
    const mail = (await tp.server.store.outbox.recent(10, 'newbie@example.com')).find((m) => m.subject === 'You are invited to TechPass');
    expect(mail?.text).toContain('/login/register/');
    const events = (await tp.server.store.audit.list()).filter((e) => e.action === 'invitation.sent' && e.data.email === 'newbie@example.com');
    expect(events.map((e) => e.actor)).toEqual([ids.plain]);

    const temp = await call('temp', 'POST', '/invitations', { email: 'friend@example.com' });
    expect(temp.status).toBe(403);
    expect(temp.body.error.code).toBe('invitation.not_allowed');
    expect(temp.body.error.fields).toBeUndefined();
    const exists = await call('alphaAdmin', 'POST', '/invitations', { email: 'bob@agency.gov.sg' });
    expect(exists.status).toBe(409);
    expect(exists.body.error).toMatchObject({ code: 'user.exists', fields: ['email'] });
    const bad = await call('platform', 'POST', '/invitations', { email: 'not an address' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual(['email']);
    expect((await call(undefined, 'POST', '/invitations', { email: 'x@example.com' })).status).toBe(401);
    expect(await tp.server.store.outbox.recent(10, 'friend@example.com')).toEqual([]);
  });
});
