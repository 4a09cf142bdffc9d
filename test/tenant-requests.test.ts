/**
 * Tenant requests through the management API (/api/v1/tenant-requests) as people use
 * it, with real access tokens: a person requests a tenant, the platform admins are
 * mailed; a platform admin approves (the namespace exists, the requester is its admin
 * and sees it) or rejects with a reason (mailed); the requester withdraws. Refusals:
 * bad input (400 with fields, nothing stored), duplicates and taken names (409), other
 * people's requests (403), decisions on decided requests (409, nothing changes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, apiToken, person } from './helpers/api.js';
import { engine } from './helpers/database.js';
import { application, namespace } from './helpers/directory.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { updateApplication } from '../src/flows/applications.js';
import { administrationDeps } from '../src/cli/demo.js';
import { systemClock } from '../src/platform/clock.js';

const TR = '/api/v1/tenant-requests';

describe(`tenant requests (${engine})`, () => {
  let tp: TestServer;
  const tokens: Record<'root' | 'rita' | 'sam' | 'pat', string> = { root: '', rita: '', sam: '', pat: '' };
  const ids: Record<string, string> = {};

  const request = (who: keyof typeof tokens, body: Record<string, unknown>) => api(tp, 'POST', TR, { token: tokens[who], body });
  const ask = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    displayName: `${name} service`,
    description: `The ${name} service`,
    justification: `${name} needs single sign-on for its officers`,
    ...extra,
  });
  const mails = async (to: string) => tp.server.store.outbox.recent(100, to);
  const events = async (action: string) => (await tp.server.store.audit.list({ limit: 1000 })).filter((e) => e.action === action);

  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'ops');
    const console_ = await application(tp, { namespace: 'ops', name: 'Console', isPublic: true, redirectUris: ['http://127.0.0.1/cb'] });
    const deps = administrationDeps(tp.server.store, systemClock);
    expect((await updateApplication(deps, 'test', { namespace: 'ops', clientId: console_.clientId, changes: { managementApi: true } })).ok).toBe(
      true,
    );
    ids.root = (await person(tp, 'root@agency.gov.sg', { platformAdmin: true })).id;
    ids.root2 = (await person(tp, 'root2@agency.gov.sg', { platformAdmin: true })).id;
    ids.rita = (await person(tp, 'rita@agency.gov.sg')).id;
    ids.sam = (await person(tp, 'sam@agency.gov.sg')).id;
    ids.pat = (await person(tp, 'pat@agency.gov.sg')).id;
    tokens.root = await apiToken(tp, console_, 'root@agency.gov.sg');
    tokens.rita = await apiToken(tp, console_, 'rita@agency.gov.sg');
    tokens.sam = await apiToken(tp, console_, 'sam@agency.gov.sg');
    tokens.pat = await apiToken(tp, console_, 'pat@agency.gov.sg');
  }, 60_000);
  afterAll(() => tp?.close());

  it('takes a request from any signed-in person, and mails every platform admin about it', async () => {
    const sent = await request('rita', ask('payments'));
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({
      id: expect.stringMatching(/^tr_/),
      name: 'payments',
      displayName: 'payments service',
      description: 'The payments service',
      justification: 'payments needs single sign-on for its officers',
      status: 'pending',
      requester: { userId: ids.rita, email: 'rita@agency.gov.sg' },
      requestedAt: expect.any(Number),
      decidedBy: null,
      decidedAt: null,
      reason: null,
      namespace: null,
    });
    ids.payments = sent.body.id;
    for (const admin of ['root@agency.gov.sg', 'root2@agency.gov.sg']) {
      const mail = (await mails(admin)).find((m) => m.subject === 'Tenant request: payments');
      expect(mail, admin).toBeDefined();
      expect(mail!.text).toContain('rita Tester (rita@agency.gov.sg) asks for a TechPass tenant');
      expect(mail!.text).toContain('Justification: payments needs single sign-on for its officers');
      expect(mail!.text).toContain(`techpass tenant approve --id ${ids.payments}`);
      expect(mail!.html).toContain('<div style="font-size:20px;font-weight:bold;color:#5925dc;margin-bottom:16px">TechPass</div>');
    }
    // Nobody else hears of it.
    expect((await mails('sam@agency.gov.sg')).length).toBe(0);
    expect(await events('tenant_request.created')).toEqual([
      expect.objectContaining({ actor: ids.rita, targetId: ids.payments, data: expect.objectContaining({ role: 'user', before: null }) }),
    ]);
  });

  it('refuses bad input with 400 and the field, and stores nothing', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [ask('Bad Name'), 'name'],
      [ask('ok-name', { displayName: '  ' }), 'displayName'],
      [ask('ok-name', { justification: ' ' }), 'justification'],
      [ask('ok-name', { description: 'x'.repeat(1001) }), 'description'],
    ];
    for (const [body, field] of cases) {
      const refused = await request('sam', body);
      expect(refused.status, field).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'input.invalid', fields: [field] });
    }
    const unknownField = await request('sam', { ...ask('ok-name'), colour: 'blue' });
    expect(unknownField.status).toBe(400);
    const missing = await api(tp, 'POST', TR, { token: tokens.sam, body: { name: 'ok-name' } });
    expect(missing.status).toBe(400);
    expect((await api(tp, 'GET', TR, { token: tokens.sam })).body.items).toEqual([]);
  });

  it('refuses a second pending request for a name, and a name a namespace has (409)', async () => {
    const duplicate = await request('sam', ask('payments'));
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error).toMatchObject({ code: 'tenant_request.exists', fields: ['name'] });
    const taken = await request('sam', ask('ops'));
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'namespace.exists', fields: ['name'] });
    const anonymous = await api(tp, 'POST', TR, { body: ask('anon') });
    expect(anonymous.status).toBe(401);
  });

  it('shows a requester their own requests only; a platform admin every one, filtered and paged', async () => {
    const samsOwn = await request('sam', ask('ledger'));
    expect(samsOwn.status).toBe(201);
    ids.ledger = samsOwn.body.id;
    const rita = await api(tp, 'GET', TR, { token: tokens.rita });
    expect(rita.body.items.map((r: { name: string }) => r.name)).toEqual(['payments']);
    const sam = await api(tp, 'GET', TR, { token: tokens.sam });
    expect(sam.body.items.map((r: { name: string }) => r.name)).toEqual(['ledger']);
    const others = await api(tp, 'GET', `${TR}/${ids.payments}`, { token: tokens.sam });
    expect(others.status).toBe(403);
    expect(others.body.error.code).toBe('access.forbidden');
    expect((await api(tp, 'GET', `${TR}/${ids.payments}`, { token: tokens.rita })).body.name).toBe('payments');

    const first = await api(tp, 'GET', `${TR}?status=pending&limit=1`, { token: tokens.root });
    expect(first.body.items.map((r: { name: string }) => r.name)).toEqual(['payments']);
    const second = await api(tp, 'GET', `${TR}?status=pending&limit=1&cursor=${first.body.nextCursor}`, { token: tokens.root });
    expect(second.body.items.map((r: { name: string }) => r.name)).toEqual(['ledger']);
    expect(second.body.nextCursor).toBeNull();
    expect((await api(tp, 'GET', `${TR}?status=approved`, { token: tokens.root })).body.items).toEqual([]);
    expect((await api(tp, 'GET', `${TR}?status=nonsense`, { token: tokens.root })).status).toBe(400);
    const missing = await api(tp, 'GET', `${TR}/tr_nothing`, { token: tokens.root });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('tenant_request.not_found');
  });

  it('lets only a platform admin approve: neither a plain user nor the requester, and nothing changes', async () => {
    for (const who of ['pat', 'rita'] as const) {
      const refused = await api(tp, 'POST', `${TR}/${ids.payments}/approve`, { token: tokens[who] });
      expect(refused.status, who).toBe(403);
      expect(refused.body.error.code).toBe('access.forbidden');
      expect((await api(tp, 'POST', `${TR}/${ids.payments}/reject`, { token: tokens[who], body: { reason: 'no' } })).status).toBe(403);
    }
    expect(await tp.server.store.namespaces.findByName('payments')).toBeNull();
    expect((await api(tp, 'GET', `${TR}/${ids.payments}`, { token: tokens.root })).body.status).toBe('pending');
  });

  it('approves: the namespace exists, the requester is its admin and sees it, is mailed; audited in one go', async () => {
    const approved = await api(tp, 'POST', `${TR}/${ids.payments}/approve`, { token: tokens.root });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', namespace: 'payments', decidedBy: ids.root, decidedAt: expect.any(Number) });
    const created = await tp.server.store.namespaces.findByName('payments');
    expect(created).toMatchObject({ displayName: 'payments service', description: 'The payments service' });
    const admins = await api(tp, 'GET', '/api/v1/namespaces/payments/admins', { token: tokens.root });
    expect(admins.body.items.map((a: { email: string }) => a.email)).toEqual(['rita@agency.gov.sg']);
    // Rita's token now acts as the tenant's admin.
    const listed = await api(tp, 'GET', '/api/v1/namespaces', { token: tokens.rita });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((n: { name: string }) => n.name)).toEqual(['payments']);
    expect((await api(tp, 'GET', '/api/v1/me', { token: tokens.rita })).body).toMatchObject({ role: 'tenant_admin', adminOf: ['payments'] });

    const mail = (await mails('rita@agency.gov.sg')).filter((m) => m.subject === 'Your TechPass tenant payments is ready');
    expect(mail).toHaveLength(1);
    expect(mail[0]!.text).toContain('Its namespace is payments, and you are its first admin.');
    expect(mail[0]!.html).toContain('you are its first admin');
    expect(await events('tenant_request.approved')).toEqual([
      expect.objectContaining({
        actor: ids.root,
        targetId: ids.payments,
        namespaceId: created!.id,
        data: expect.objectContaining({
          before: expect.objectContaining({ status: 'pending' }),
          after: expect.objectContaining({ status: 'approved' }),
        }),
      }),
    ]);
    expect((await events('namespace.created')).filter((e) => e.namespaceId === created!.id)).toHaveLength(1);
    expect((await events('namespace.admin_added')).filter((e) => e.namespaceId === created!.id)).toHaveLength(1);
  });

  it('refuses approving twice (409) and changes nothing; the name is no longer free', async () => {
    const again = await api(tp, 'POST', `${TR}/${ids.payments}/approve`, { token: tokens.root });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('tenant_request.not_pending');
    expect((await api(tp, 'POST', `${TR}/${ids.payments}/reject`, { token: tokens.root, body: { reason: 'late' } })).status).toBe(409);
    expect((await mails('rita@agency.gov.sg')).filter((m) => m.subject.startsWith('Your TechPass tenant'))).toHaveLength(1);
    expect(await events('tenant_request.approved')).toHaveLength(1);
    expect((await request('sam', ask('payments'))).body.error.code).toBe('namespace.exists');
  });

  it('rejects with a reason (required), mails it to the requester; a rejected request is final', async () => {
    const noReason = await api(tp, 'POST', `${TR}/${ids.ledger}/reject`, { token: tokens.root, body: { reason: '  ' } });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error).toMatchObject({ code: 'input.invalid', fields: ['reason'] });
    const rejected = await api(tp, 'POST', `${TR}/${ids.ledger}/reject`, {
      token: tokens.root,
      body: { reason: 'Ledger is run by Finance; ask them.' },
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', reason: 'Ledger is run by Finance; ask them.', decidedBy: ids.root, namespace: null });
    const mail = (await mails('sam@agency.gov.sg')).filter((m) => m.subject === 'Your TechPass tenant request for ledger was not approved');
    expect(mail).toHaveLength(1);
    expect(mail[0]!.text).toContain('Reason: Ledger is run by Finance; ask them.');
    expect(mail[0]!.html).toContain('Reason: Ledger is run by Finance; ask them.');
    const approve = await api(tp, 'POST', `${TR}/${ids.ledger}/approve`, { token: tokens.root });
    expect(approve.status).toBe(409);
    expect(await tp.server.store.namespaces.findByName('ledger')).toBeNull();
    expect((await api(tp, 'GET', `${TR}/${ids.ledger}`, { token: tokens.sam })).body.status).toBe('rejected');
  });

  it('lets only the requester withdraw a pending request; a withdrawn request cannot be approved, and frees its name', async () => {
    const sent = await request('rita', ask('archive'));
    const id = sent.body.id as string;
    for (const who of ['sam', 'root'] as const) {
      const refused = await api(tp, 'POST', `${TR}/${id}/withdraw`, { token: tokens[who] });
      expect(refused.status, who).toBe(403);
    }
    const withdrawn = await api(tp, 'POST', `${TR}/${id}/withdraw`, { token: tokens.rita });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn', decidedBy: ids.rita });
    expect((await api(tp, 'POST', `${TR}/${id}/withdraw`, { token: tokens.rita })).status).toBe(409);
    const approve = await api(tp, 'POST', `${TR}/${id}/approve`, { token: tokens.root });
    expect(approve.status).toBe(409);
    expect(approve.body.error.code).toBe('tenant_request.not_pending');
    expect(await tp.server.store.namespaces.findByName('archive')).toBeNull();
    expect(await events('tenant_request.withdrawn')).toHaveLength(1);
    expect((await request('sam', ask('archive'))).status).toBe(201);
  });

  it('refuses an approval when the name was taken meanwhile (409), leaving the request pending', async () => {
    const sent = await request('sam', ask('shared'));
    await namespace(tp, 'shared');
    const approve = await api(tp, 'POST', `${TR}/${sent.body.id}/approve`, { token: tokens.root });
    expect(approve.status).toBe(409);
    expect(approve.body.error.code).toBe('namespace.exists');
    expect((await api(tp, 'GET', `${TR}/${sent.body.id}`, { token: tokens.root })).body.status).toBe('pending');
    expect((await tp.server.store.forNamespace((await tp.server.store.namespaces.findByName('shared'))!.id).admins.list()).length).toBe(0);
  });
});
