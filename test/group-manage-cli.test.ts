/**
 * The CLI's group commands (create, add-member, list, show, update, delete, remove-member), `app cert
 * list|remove` and `app unassign`, spawned on the local database: they go through the
 * management API in process as the operator, audited as such; refusals are one line,
 * JSON with --json, naming the flags typed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asApplicationId, asNamespaceId } from '../src/domain/ids.js';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { user } from './helpers/directory.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { selfSignedCertificate } from './helpers/x509.js';

describe(`techpass group list|show|update|delete|remove-member, app cert list|remove, app unassign (${engine})`, () => {
  let tp: TestServer;
  let clientId: string;
  const ids: Record<string, string> = {};
  const cli = (...args: string[]) => runCli([...args, '--json'], tp.env);
  const ok = async (...args: string[]) => {
    const res = await cli(...args);
    expect(res.code, res.stderr).toBe(0);
    return res.json as Record<string, unknown>;
  };

  beforeAll(async () => {
    tp = await startTestServer();
    for (const name of ['teams', 'elsewhere']) await ok('namespace', 'create', '--name', name, '--display-name', name);
    for (const email of ['ann@agency.gov.sg', 'joe@agency.gov.sg']) ids[email] = (await user(tp, email)).id;
    for (const [name, description] of [
      ['ops', 'Operations'],
      ['oncall', 'On call this week'],
      ['finance', 'Money'],
    ]) {
      await ok('group', 'create', '--namespace', 'teams', '--name', name!, '--description', description!);
    }
    await ok('group', 'add-member', '--namespace', 'teams', '--group', 'ops', '--user', 'ann@agency.gov.sg');
    await ok('group', 'add-member', '--namespace', 'teams', '--group', 'ops', '--user', 'joe@agency.gov.sg');
    await ok('group', 'add-member', '--namespace', 'teams', '--group', 'ops', '--member-group', 'oncall');
    const app = await ok('app', 'create', '--namespace', 'teams', '--name', 'Pager', '--redirect-uri', 'https://pager.example.gov.sg/cb');
    clientId = app.clientId as string;
  }, 60_000);
  afterAll(() => tp?.close());

  it('lists groups by name (with a filter), shows one with its members, refuses an unknown one', async () => {
    const all = (await ok('group', 'list', '--namespace', 'teams')) as unknown as Array<{ name: string; qualifiedName: string; createdAt: string }>;
    expect(all.map((g) => g.qualifiedName)).toEqual(['teams:finance', 'teams:oncall', 'teams:ops']);
    expect(Date.parse(all[0]!.createdAt)).not.toBeNaN();
    expect(((await ok('group', 'list', '--namespace', 'teams', '--filter', 'call')) as unknown as unknown[]).length).toBe(1);
    expect(await ok('group', 'list', '--namespace', 'elsewhere')).toEqual([]);
    const text = await runCli(['group', 'list', '--namespace', 'teams'], tp.env);
    expect(text.stdout).toContain('teams:oncall  On call this week');

    const shown = await ok('group', 'show', '--namespace', 'teams', '--group', 'teams:ops');
    expect(shown).toMatchObject({ name: 'ops', description: 'Operations' });
    expect((shown.members as Array<{ type: string; email: string | null; name: string }>).map((m) => m.email ?? m.name)).toEqual([
      'ann@agency.gov.sg',
      'joe@agency.gov.sg',
      'teams:oncall',
    ]);
    expect(await cli('group', 'show', '--namespace', 'teams', '--group', 'nope')).toMatchObject({ code: 1, json: { error: 'group.not_found' } });
    expect(await cli('group', 'show', '--namespace', 'elsewhere', '--group', 'ops')).toMatchObject({ code: 1, json: { error: 'group.not_found' } });
    expect(await cli('group', 'list', '--namespace', 'nowhere')).toMatchObject({ code: 1, json: { error: 'namespace.not_found' } });
    // `group create` and `add-member` go through the API too: audited as the operator, with before and after.
    const created = (await tp.server.store.audit.list({ limit: 1000 })).filter((e) => e.action === 'group.created');
    expect(created.map((e) => e.data)).toContainEqual(
      expect.objectContaining({ via: 'operator', before: null, after: { name: 'teams:ops', description: 'Operations' } }),
    );
    const added = (await tp.server.store.audit.list({ limit: 1000 })).filter((e) => e.action === 'group.member_added');
    expect(added).toHaveLength(3);
  });

  it('renames and describes a group (audited as the operator), refusing a bad name with the flag', async () => {
    const updated = await ok('group', 'update', '--namespace', 'teams', '--group', 'finance', '--name', 'budget', '--description', 'Budgets');
    expect(updated).toMatchObject({ name: 'budget', qualifiedName: 'teams:budget', description: 'Budgets' });
    const bad = await cli('group', 'update', '--namespace', 'teams', '--group', 'budget', '--name', 'Not OK');
    expect(bad).toMatchObject({ code: 1, json: { error: 'input.invalid', field: 'name', message: expect.stringMatching(/^--name must be/) } });
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const taken = await cli('group', 'update', '--namespace', 'teams', '--group', 'budget', '--name', 'ops');
    expect(taken).toMatchObject({ code: 1, json: { error: 'group.exists' } });
    expect(await cli('group', 'update', '--namespace', 'teams', '--group', 'budget')).toMatchObject({ code: 1, json: { error: 'input.invalid' } });
    const events = (await tp.server.store.audit.list({ limit: 1000 })).filter((e) => e.action === 'group.updated');
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({
      before: { name: 'teams:finance' },
      after: { name: 'teams:budget', description: 'Budgets' },
      via: 'operator',
    });
  });

  it('removes a member by e-mail or a nested group, and refuses one that is not a member', async () => {
    const removed = await ok('group', 'remove-member', '--namespace', 'teams', '--group', 'ops', '--user', 'joe@agency.gov.sg');
    expect(removed).toMatchObject({ removed: true, member: { type: 'user', id: ids['joe@agency.gov.sg'] } });
    expect(await ok('group', 'remove-member', '--namespace', 'teams', '--group', 'ops', '--member-group', 'oncall')).toMatchObject({
      member: { type: 'group', name: 'teams:oncall' },
    });
    const again = await cli('group', 'remove-member', '--namespace', 'teams', '--group', 'ops', '--user', 'joe@agency.gov.sg');
    expect(again).toMatchObject({ code: 1, json: { error: 'group.member_not_found', field: 'user' } });
    const both = await cli('group', 'remove-member', '--namespace', 'teams', '--group', 'ops', '--user', 'x', '--member-group', 'y');
    expect(both).toMatchObject({ code: 1, json: { error: 'input.invalid' } });
    const members = (await ok('group', 'show', '--namespace', 'teams', '--group', 'ops')).members as Array<{ email: string }>;
    expect(members.map((m) => m.email)).toEqual(['ann@agency.gov.sg']);
  });

  it('unassigns a user or a group from an application (app assign keeps working)', async () => {
    await ok('app', 'assign', '--namespace', 'teams', '--app', clientId, '--user', 'ann@agency.gov.sg');
    await ok('app', 'assign', '--namespace', 'teams', '--app', clientId, '--group', 'ops');
    const scope = tp.server.store.forNamespace(asNamespaceId((await tp.server.store.namespaces.findByName('teams'))!.id));
    expect((await scope.assignments.list(asApplicationId(clientId))).length).toBe(2);
    expect(await ok('app', 'unassign', '--namespace', 'teams', '--app', clientId, '--user', 'ann@agency.gov.sg')).toMatchObject({
      unassigned: true,
      assignee: { type: 'user', email: 'ann@agency.gov.sg' },
    });
    expect(await ok('app', 'unassign', '--namespace', 'teams', '--app', clientId, '--group', 'teams:ops')).toMatchObject({
      assignee: { type: 'group', name: 'teams:ops' },
    });
    expect(await scope.assignments.list(asApplicationId(clientId))).toEqual([]);
    const again = await cli('app', 'unassign', '--namespace', 'teams', '--app', clientId, '--group', 'ops');
    expect(again).toMatchObject({ code: 1, json: { error: 'assignment.not_found', field: 'group' } });
    const elsewhere = await cli('app', 'unassign', '--namespace', 'elsewhere', '--app', clientId, '--group', 'ops');
    expect(elsewhere).toMatchObject({ code: 1, json: { error: 'application.not_found', field: 'app' } });
  });

  it('lists and removes certificates', async () => {
    const cert = selfSignedCertificate({ commonName: 'pager', notAfter: new Date(Date.now() + 10 * 24 * 3600 * 1000) });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'techpass-cli-cert-')), 'pager.pem');
    writeFileSync(file, cert.pem);
    const added = await ok('app', 'cert', 'add', '--namespace', 'teams', '--app', clientId, '--pem', file);
    const listed = (await ok('app', 'cert', 'list', '--namespace', 'teams', '--app', clientId)) as unknown as Array<Record<string, string>>;
    expect(listed).toEqual([expect.objectContaining({ id: added.id, x5tS256: cert.x5tS256, subject: 'CN=pager' })]);
    expect(Date.parse(listed[0]!.expiresAt!)).toBeGreaterThan(Date.now());
    const removed = await ok('app', 'cert', 'remove', '--namespace', 'teams', '--app', clientId, '--cert-id', added.id as string);
    expect(removed).toMatchObject({ removed: true, id: added.id, x5tS256: cert.x5tS256 });
    expect(await ok('app', 'cert', 'list', '--namespace', 'teams', '--app', clientId)).toEqual([]);
    const again = await cli('app', 'cert', 'remove', '--namespace', 'teams', '--app', clientId, '--cert-id', added.id as string);
    expect(again).toMatchObject({ code: 1, json: { error: 'certificate.not_found', field: 'certId' } });
    const missing = await cli('app', 'cert', 'remove', '--namespace', 'teams', '--app', clientId);
    expect(missing).toMatchObject({ code: 1, json: { error: 'usage.invalid', message: expect.stringContaining('--cert-id') } });
  });

  it('deletes a group with its memberships and assignments, audited with what went', async () => {
    await ok('app', 'assign', '--namespace', 'teams', '--app', clientId, '--group', 'ops');
    const deleted = await ok('group', 'delete', '--namespace', 'teams', '--group', 'ops');
    expect(deleted).toMatchObject({ deleted: true, name: 'teams:ops' });
    expect(((await ok('group', 'list', '--namespace', 'teams')) as unknown as Array<{ name: string }>).map((g) => g.name)).toEqual([
      'budget',
      'oncall',
    ]);
    const event = (await tp.server.store.audit.list({ limit: 1000 })).find((e) => e.action === 'group.deleted')!;
    expect(event.data).toMatchObject({
      via: 'operator',
      before: { name: 'teams:ops', members: [{ email: 'ann@agency.gov.sg' }], assignedTo: [clientId] },
      after: null,
    });
    expect(await cli('group', 'delete', '--namespace', 'teams', '--group', 'ops')).toMatchObject({ code: 1, json: { error: 'group.not_found' } });
  });
});
