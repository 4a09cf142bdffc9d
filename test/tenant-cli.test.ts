/**
 * `techpass tenant list|show|approve|reject` spawned on the local database, as the
 * operator, through the management API in process: people's requests (sent over HTTP
 * with their access tokens) are listed, approved (the namespace exists, the requester
 * is its admin, mailed, audited as the operator) or rejected with a reason; decided
 * requests stay decided; requesting needs a person (`--server`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { administrationDeps } from '../src/cli/demo.js';
import { updateApplication } from '../src/flows/applications.js';
import { systemClock } from '../src/platform/clock.js';
import { api, apiToken, person } from './helpers/api.js';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { application, namespace } from './helpers/directory.js';
import { startTestServer, type TestServer } from './helpers/server.js';

type Listed = {
  id: string;
  name: string;
  status: string;
  requestedAt: string;
  decidedAt: string | null;
  namespace: string | null;
  reason: string | null;
};

describe(`techpass tenant list|show|approve|reject (${engine})`, () => {
  let tp: TestServer;
  const ids: Record<string, string> = {};
  const cli = (...args: string[]) => runCli([...args, '--json'], tp.env);

  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'ops');
    const console_ = await application(tp, { namespace: 'ops', name: 'Console', isPublic: true, redirectUris: ['http://127.0.0.1/cb'] });
    const deps = administrationDeps(tp.server.store, systemClock);
    expect((await updateApplication(deps, 'test', { namespace: 'ops', clientId: console_.clientId, changes: { managementApi: true } })).ok).toBe(
      true,
    );
    ids.rita = (await person(tp, 'rita@agency.gov.sg')).id;
    await person(tp, 'sam@agency.gov.sg');
    for (const [who, name] of [
      ['rita@agency.gov.sg', 'payments'],
      ['sam@agency.gov.sg', 'ledger'],
    ] as const) {
      const token = await apiToken(tp, console_, who);
      const sent = await api(tp, 'POST', '/api/v1/tenant-requests', {
        token,
        body: { name, displayName: `${name} service`, justification: `${name} needs sign-in` },
      });
      expect(sent.status).toBe(201);
      ids[name] = sent.body.id;
    }
  }, 60_000);
  afterAll(() => tp?.close());

  it('lists every request oldest first (ISO times), by status, and shows one', async () => {
    const all = await cli('tenant', 'list');
    expect(all.code, all.stderr).toBe(0);
    const listed = all.json as Listed[];
    expect(listed.map((r) => [r.name, r.status])).toEqual([
      ['payments', 'pending'],
      ['ledger', 'pending'],
    ]);
    expect(listed[0]!.requestedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(((await cli('tenant', 'list', '--status', 'approved')).json as Listed[]).length).toBe(0);
    const text = await runCli(['tenant', 'list', '--status', 'pending'], tp.env);
    expect(text.stdout).toContain(`${ids.payments}  pending  payments  payments service  by rita@agency.gov.sg`);
    expect((await cli('tenant', 'show', '--id', ids.ledger!)).json).toMatchObject({
      id: ids.ledger,
      name: 'ledger',
      justification: 'ledger needs sign-in',
      requester: { email: 'sam@agency.gov.sg' },
    });
    const missing = await cli('tenant', 'show', '--id', 'tr_nothing');
    expect(missing).toMatchObject({ code: 1, json: { error: 'tenant_request.not_found', field: 'id' } });
    const badStatus = await cli('tenant', 'list', '--status', 'maybe');
    expect(badStatus.code).toBe(1);
  });

  it('approves: the namespace exists with the requester as its admin, who is mailed; audited as the operator; not twice', async () => {
    const approved = await cli('tenant', 'approve', '--id', ids.payments!);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.json).toMatchObject({ status: 'approved', namespace: 'payments', decidedAt: expect.stringMatching(/T/) });
    const shown = await cli('namespace', 'show', '--name', 'payments');
    expect(shown.json).toMatchObject({ name: 'payments', displayName: 'payments service', admins: [{ email: 'rita@agency.gov.sg' }] });
    const mail = (await tp.server.store.outbox.recent(20, 'rita@agency.gov.sg')).filter(
      (m) => m.subject === 'Your TechPass tenant payments is ready',
    );
    expect(mail).toHaveLength(1);
    const audit = (await tp.server.store.audit.list({ limit: 1000 })).filter((e) => e.action === 'tenant_request.approved');
    expect(audit).toEqual([expect.objectContaining({ actor: expect.stringMatching(/^cli:/), data: expect.objectContaining({ via: 'operator' }) })]);

    const again = await cli('tenant', 'approve', '--id', ids.payments!);
    expect(again).toMatchObject({ code: 1, json: { error: 'tenant_request.not_pending' } });
    expect((await tp.server.store.outbox.recent(20, 'rita@agency.gov.sg')).length).toBe(1);
  });

  it('rejects with a reason (required, named by its flag), mailed to the requester; a rejected request cannot be approved', async () => {
    const noFlag = await cli('tenant', 'reject', '--id', ids.ledger!);
    expect(noFlag.code).toBe(1);
    expect(noFlag.stdout + noFlag.stderr).toContain('--reason');
    const blank = await cli('tenant', 'reject', '--id', ids.ledger!, '--reason', ' ');
    expect(blank).toMatchObject({
      code: 1,
      json: { error: 'input.invalid', field: 'reason', message: expect.stringMatching(/^--reason is required/) },
    });
    const rejected = await cli('tenant', 'reject', '--id', ids.ledger!, '--reason', 'Finance runs the ledger');
    expect(rejected.code, rejected.stderr).toBe(0);
    expect(rejected.json).toMatchObject({ status: 'rejected', reason: 'Finance runs the ledger' });
    const mail = (await tp.server.store.outbox.recent(20, 'sam@agency.gov.sg')).filter((m) => m.subject.includes('was not approved'));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.text).toContain('Reason: Finance runs the ledger');
    expect(await cli('tenant', 'approve', '--id', ids.ledger!)).toMatchObject({ code: 1, json: { error: 'tenant_request.not_pending' } });
    expect(await tp.server.store.namespaces.findByName('ledger')).toBeNull();
  });

  it('refuses to request a tenant as the operator: a person asks, with --server', async () => {
    const refused = await cli('tenant', 'request', '--name', 'opsy', '--display-name', 'Opsy', '--justification', 'why not');
    expect(refused).toMatchObject({ code: 1, json: { error: 'access.forbidden', message: expect.stringContaining('--server') } });
    expect(((await cli('tenant', 'list')).json as Listed[]).map((r) => r.name)).toEqual(['payments', 'ledger']);
  });
});
