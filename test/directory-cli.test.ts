/**
 * The CLI for directory objects: groups and their members, application
 * assignments, application settings, secrets and certificates. Every refusal
 * names the field, exits non-zero and changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asApplicationId } from '../src/domain/ids.js';
import { MAX_GROUPS_PER_NAMESPACE } from '../src/domain/groups.js';
import { createGroup } from '../src/flows/groups.js';
import { administrationDeps } from '../src/cli/demo.js';
import { systemClock } from '../src/platform/clock.js';
import { runCli, type CliResult } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { selfSignedCertificate } from './helpers/x509.js';

const DAY = 24 * 3600 * 1000;

describe(`directory CLI (${engine})`, () => {
  let tp: TestServer;
  let clientId: string;
  let publicClientId: string;
  let otherClientId: string;
  const dir = mkdtempSync(path.join(tmpdir(), 'techpass-cli-'));

  const run = (args: string[]) => runCli([...args, '--json'], tp.env);
  const ok = async (args: string[]) => {
    const res = await run(args);
    expect(res.code, res.stderr).toBe(0);
    return res.json as Record<string, unknown>;
  };
  /** A refusal: exit 1, a JSON error naming the field, one readable line on stderr. */
  const refused = (res: CliResult, error: string, field: string) => {
    expect(res.code).toBe(1);
    expect(res.json).toMatchObject({ error, field });
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  };
  const file = (text: string) => {
    const name = path.join(dir, `${randomUUID()}.pem`);
    writeFileSync(name, text);
    return name;
  };
  const scope = async (name = 'docs') => tp.server.store.forNamespace((await tp.server.store.namespaces.findByName(name))!.id);
  const auditCount = async () => (await tp.server.store.audit.list({ limit: 1000 })).length;

  beforeAll(async () => {
    tp = await startTestServer();
    await ok(['namespace', 'create', '--name', 'docs', '--display-name', 'Docs portal']);
    await ok(['namespace', 'create', '--name', 'pipeline', '--display-name', 'Pipeline']);
    clientId = (await ok(['app', 'create', '--namespace', 'docs', '--name', 'Docs', '--redirect-uri', 'https://docs.example.gov.sg/cb']))
      .clientId as string;
    publicClientId = (
      await ok(['app', 'create', '--namespace', 'docs', '--name', 'Docs SPA', '--redirect-uri', 'https://docs.example.gov.sg/spa', '--public'])
    ).clientId as string;
    otherClientId = (
      await ok(['app', 'create', '--namespace', 'pipeline', '--name', 'Deployer', '--redirect-uri', 'https://deploy.example.gov.sg/cb'])
    ).clientId as string;
    await ok(['user', 'create', '--email', 'ann@agency.gov.sg', '--given-name', 'Ann', '--family-name', 'Lim']);
  });
  afterAll(() => tp?.close());

  describe('groups', () => {
    it('creates groups and answers their <namespace>:<group> names', async () => {
      expect(await ok(['group', 'create', '--namespace', 'docs', '--name', 'readers'])).toMatchObject({
        name: 'docs:readers',
        namespace: 'docs',
        id: expect.stringMatching(/^grp_/),
      });
      expect(await ok(['group', 'create', '--namespace', 'docs', '--name', 'docs:editors'])).toMatchObject({ name: 'docs:editors' });
      expect((await (await scope()).groups.list()).map((g) => g.name)).toEqual(['editors', 'readers']);
    });

    it('adds a user and a nested group to a group, once', async () => {
      expect(await ok(['group', 'add-member', '--namespace', 'docs', '--group', 'readers', '--user', 'ANN@agency.gov.sg'])).toMatchObject({
        group: 'docs:readers',
        member: { type: 'user', name: 'ann@agency.gov.sg' },
        added: true,
      });
      expect(await ok(['group', 'add-member', '--namespace', 'docs', '--group', 'readers', '--member-group', 'editors'])).toMatchObject({
        member: { type: 'group', name: 'docs:editors' },
        added: true,
      });
      expect(await ok(['group', 'add-member', '--namespace', 'docs', '--group', 'readers', '--user', 'ann@agency.gov.sg'])).toMatchObject({
        added: false,
      });
      const user = await tp.server.store.users.findByLogin('ann@agency.gov.sg');
      expect((await (await scope()).groups.directGroupsOf(user!.id)).map((g) => g.name)).toEqual(['readers']);
    });

    it('refuses a group name with characters outside the allowed set, naming the field', async () => {
      refused(await run(['group', 'create', '--namespace', 'docs', '--name', 'Two Words']), 'input.invalid', 'name');
      expect(await (await scope()).groups.findByName('two words')).toBeNull();
    });

    it('refuses a group name qualified with another namespace', async () => {
      refused(await run(['group', 'create', '--namespace', 'docs', '--name', 'pipeline:ops']), 'input.invalid', 'name');
      expect(await (await scope()).groups.findByName('ops')).toBeNull();
    });

    it('refuses a second group with the same name', async () => {
      const before = await auditCount();
      refused(await run(['group', 'create', '--namespace', 'docs', '--name', 'readers']), 'group.exists', 'name');
      expect(await auditCount()).toBe(before);
    });

    it('refuses a group in a namespace that does not exist', async () => {
      refused(await run(['group', 'create', '--namespace', 'nowhere', '--name', 'readers']), 'namespace.not_found', 'namespace');
    });

    it(`refuses a group beyond the ${MAX_GROUPS_PER_NAMESPACE} a namespace may hold`, async () => {
      await ok(['namespace', 'create', '--name', 'crowded', '--display-name', 'Crowded']);
      const deps = administrationDeps(tp.server.store, systemClock);
      for (let i = 1; i < MAX_GROUPS_PER_NAMESPACE; i += 1) {
        expect((await createGroup(deps, 'test', { namespace: 'crowded', name: `team-${i}` })).ok).toBe(true);
      }
      await ok(['group', 'create', '--namespace', 'crowded', '--name', 'the-fiftieth']);
      const res = await run(['group', 'create', '--namespace', 'crowded', '--name', 'one-too-many']);
      refused(res, 'group.limit_reached', 'name');
      expect(res.stderr).toContain(String(MAX_GROUPS_PER_NAMESPACE));
      expect(await (await scope('crowded')).groups.list()).toHaveLength(MAX_GROUPS_PER_NAMESPACE);
    });

    it('refuses to nest a group inside itself', async () => {
      refused(
        await run(['group', 'add-member', '--namespace', 'docs', '--group', 'readers', '--member-group', 'readers']),
        'group.cycle',
        'memberGroup',
      );
    });

    it('refuses to nest a group inside a group it already contains', async () => {
      // editors is inside readers: readers cannot go inside editors.
      refused(
        await run(['group', 'add-member', '--namespace', 'docs', '--group', 'editors', '--member-group', 'readers']),
        'group.cycle',
        'memberGroup',
      );
      expect(await (await scope()).groups.nestings()).toHaveLength(1);
    });

    it('refuses add-member with both --user and --member-group', async () => {
      refused(
        await run(['group', 'add-member', '--namespace', 'docs', '--group', 'readers', '--user', 'ann@agency.gov.sg', '--member-group', 'editors']),
        'input.invalid',
        'user',
      );
    });

    it('refuses add-member with neither --user nor --member-group', async () => {
      refused(await run(['group', 'add-member', '--namespace', 'docs', '--group', 'readers']), 'input.invalid', 'user');
    });

    it('refuses an account that does not exist', async () => {
      refused(
        await run(['group', 'add-member', '--namespace', 'docs', '--group', 'readers', '--user', 'ghost@agency.gov.sg']),
        'user.not_found',
        'user',
      );
    });

    it('refuses a group that does not exist', async () => {
      refused(
        await run(['group', 'add-member', '--namespace', 'docs', '--group', 'writers', '--user', 'ann@agency.gov.sg']),
        'group.not_found',
        'group',
      );
    });
  });

  describe('assignments', () => {
    it('assigns a user and a group to an application, once', async () => {
      expect(await ok(['app', 'assign', '--namespace', 'docs', '--app', clientId, '--user', 'ann@agency.gov.sg'])).toMatchObject({
        clientId,
        assignee: { type: 'user', name: 'ann@agency.gov.sg' },
        added: true,
      });
      expect(await ok(['app', 'assign', '--namespace', 'docs', '--app', clientId, '--group', 'docs:readers'])).toMatchObject({
        assignee: { type: 'group', name: 'docs:readers' },
        added: true,
      });
      expect(await ok(['app', 'assign', '--namespace', 'docs', '--app', clientId, '--group', 'readers'])).toMatchObject({ added: false });
      const user = await tp.server.store.users.findByLogin('ann@agency.gov.sg');
      const facts = await (await scope()).assignments.accessFacts(asApplicationId(clientId), user!.id);
      expect(facts.userAssigned).toBe(true);
      expect(facts.assignedGroupIds).toHaveLength(1);
      expect((await tp.server.store.audit.list({ limit: 1000 })).filter((e) => e.action === 'application.assigned')).toHaveLength(2);
    });

    it("refuses an application of another namespace (the namespace's scope does not see it)", async () => {
      refused(
        await run(['app', 'assign', '--namespace', 'docs', '--app', otherClientId, '--user', 'ann@agency.gov.sg']),
        'application.not_found',
        'app',
      );
    });

    it('refuses a group of another namespace', async () => {
      refused(await run(['app', 'assign', '--namespace', 'pipeline', '--app', otherClientId, '--group', 'docs:readers']), 'input.invalid', 'group');
    });

    it('refuses a group that does not exist', async () => {
      refused(await run(['app', 'assign', '--namespace', 'docs', '--app', clientId, '--group', 'nobody']), 'group.not_found', 'group');
    });

    it('refuses assign with both --user and --group', async () => {
      refused(
        await run(['app', 'assign', '--namespace', 'docs', '--app', clientId, '--user', 'ann@agency.gov.sg', '--group', 'readers']),
        'input.invalid',
        'user',
      );
    });
  });

  describe('application settings', () => {
    it('updates the switches, logout URLs and terms version, and audits the change', async () => {
      const res = await ok([
        'app',
        'update',
        '--namespace',
        'docs',
        '--app',
        clientId,
        '--sign-in-enabled',
        'false',
        '--assignment-required',
        'true',
        '--implicit-grant',
        'true',
        '--logout-url',
        'https://docs.example.gov.sg/bye',
        '--backchannel-logout-uri',
        'https://docs.example.gov.sg/bcl',
        '--terms-version',
        '2',
      ]);
      expect(res).toMatchObject({
        clientId,
        signInEnabled: false,
        assignmentRequired: true,
        implicitGrant: true,
        logoutUrl: 'https://docs.example.gov.sg/bye',
        backchannelLogoutUri: 'https://docs.example.gov.sg/bcl',
        termsVersion: 2,
      });
      expect(
        await ok(['app', 'update', '--namespace', 'docs', '--app', clientId, '--sign-in-enabled', 'true', '--backchannel-logout-uri', '']),
      ).toMatchObject({
        signInEnabled: true,
        backchannelLogoutUri: null,
        assignmentRequired: true,
      });
      const events = (await tp.server.store.audit.list({ limit: 1000 })).filter((e) => e.action === 'application.updated');
      expect(events).toHaveLength(2);
    });

    it.each([
      [['--sign-in-enabled', 'yes'], 'signInEnabled'],
      [['--assignment-required', '1'], 'assignmentRequired'],
      [['--implicit-grant', 'TRUE'], 'implicitGrant'],
    ])('refuses a switch value other than true or false: %j', async (args, field) => {
      const before = await (await scope()).applications.get(asApplicationId(clientId));
      refused(await run(['app', 'update', '--namespace', 'docs', '--app', clientId, ...args]), 'input.invalid', field);
      expect(await (await scope()).applications.get(asApplicationId(clientId))).toEqual(before);
    });

    it('refuses a logout URL over plain http', async () => {
      refused(
        await run(['app', 'update', '--namespace', 'docs', '--app', clientId, '--logout-url', 'http://docs.example.gov.sg/bye']),
        'input.invalid',
        'logoutUrl',
      );
    });

    it('refuses a back-channel logout URI that is not an absolute URL', async () => {
      refused(
        await run(['app', 'update', '--namespace', 'docs', '--app', clientId, '--backchannel-logout-uri', '/bcl']),
        'input.invalid',
        'backchannelLogoutUri',
      );
    });

    it('refuses lowering the terms version', async () => {
      refused(await run(['app', 'update', '--namespace', 'docs', '--app', clientId, '--terms-version', '1']), 'input.invalid', 'termsVersion');
      expect((await (await scope()).applications.get(asApplicationId(clientId)))?.termsVersion).toBe(2);
    });

    it('refuses a terms version that is not a whole number', async () => {
      refused(await run(['app', 'update', '--namespace', 'docs', '--app', clientId, '--terms-version', 'two']), 'input.invalid', 'termsVersion');
    });

    it('refuses an update that changes nothing', async () => {
      refused(await run(['app', 'update', '--namespace', 'docs', '--app', clientId]), 'input.invalid', 'changes');
    });

    it('refuses an application that does not exist', async () => {
      refused(await run(['app', 'update', '--namespace', 'docs', '--app', 'app_nope', '--sign-in-enabled', 'false']), 'application.not_found', 'app');
    });
  });

  describe('secrets and certificates', () => {
    it('adds a secret valid one year by default', async () => {
      const res = await ok(['app', 'secret', 'add', '--namespace', 'docs', '--app', clientId]);
      expect(Date.parse(res.expiresAt as string) - Date.now()).toBeGreaterThan(364 * DAY);
      expect((await (await scope()).applications.listSecrets(asApplicationId(clientId))).map((s) => s.hint)).toContain(
        (res.clientSecret as string).slice(-4),
      );
    });

    it.each(['0', '731', 'ten'])('refuses --expires-in-days %s', async (days) => {
      const before = (await (await scope()).applications.listSecrets(asApplicationId(clientId))).length;
      refused(
        await run(['app', 'secret', 'add', '--namespace', 'docs', '--app', clientId, '--expires-in-days', days]),
        'input.invalid',
        'expiresInDays',
      );
      expect(await (await scope()).applications.listSecrets(asApplicationId(clientId))).toHaveLength(before);
    });

    it('refuses a secret for a public application', async () => {
      refused(await run(['app', 'secret', 'add', '--namespace', 'docs', '--app', publicClientId]), 'input.invalid', 'app');
      expect(await (await scope()).applications.listSecrets(asApplicationId(publicClientId))).toEqual([]);
    });

    it('refuses a certificate file that cannot be read', async () => {
      refused(
        await run(['app', 'cert', 'add', '--namespace', 'docs', '--app', clientId, '--pem', path.join(dir, 'missing.pem')]),
        'input.invalid',
        'pem',
      );
    });

    it('refuses a PEM file that holds a private key', async () => {
      const cert = selfSignedCertificate({ notAfter: new Date(Date.now() + DAY) });
      const withKey = cert.pem + cert.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const res = await run(['app', 'cert', 'add', '--namespace', 'docs', '--app', clientId, '--pem', file(withKey)]);
      refused(res, 'certificate.invalid', 'pem');
      expect(res.stderr).toContain('private key');
      expect(await (await scope()).applications.listCertificates(asApplicationId(clientId))).toEqual([]);
    });

    it('refuses a file that is not a certificate', async () => {
      refused(await run(['app', 'cert', 'add', '--namespace', 'docs', '--app', clientId, '--pem', file('hello')]), 'certificate.invalid', 'pem');
    });

    it('refuses a certificate that has already expired', async () => {
      const old = selfSignedCertificate({ notBefore: new Date(Date.now() - 3 * DAY), notAfter: new Date(Date.now() - DAY) });
      const res = await run(['app', 'cert', 'add', '--namespace', 'docs', '--app', clientId, '--pem', file(old.pem)]);
      refused(res, 'certificate.invalid', 'pem');
      expect(res.stderr).toContain('expired');
    });

    it('refuses the same certificate twice', async () => {
      const cert = selfSignedCertificate({ notAfter: new Date(Date.now() + DAY) });
      const pem = file(cert.pem);
      expect(await ok(['app', 'cert', 'add', '--namespace', 'docs', '--app', clientId, '--pem', pem])).toMatchObject({ 'x5t#S256': cert.x5tS256 });
      refused(await run(['app', 'cert', 'add', '--namespace', 'docs', '--app', clientId, '--pem', pem]), 'certificate.exists', 'pem');
      expect(await (await scope()).applications.listCertificates(asApplicationId(clientId))).toHaveLength(1);
    });

    it('refuses a certificate for a public application', async () => {
      const cert = selfSignedCertificate({ notAfter: new Date(Date.now() + DAY) });
      refused(await run(['app', 'cert', 'add', '--namespace', 'docs', '--app', publicClientId, '--pem', file(cert.pem)]), 'input.invalid', 'app');
    });
  });
});
