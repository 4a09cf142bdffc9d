/**
 * The CLI's application commands on the local database (issue 19's contracts): list,
 * show and delete applications; list and revoke their secrets. They run the management
 * API's flows as the operator: audited with before and after, secrets never shown.
 */
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { startTestServer, type TestServer } from './helpers/server.js';

describe(`techpass app list|show|delete, app secret list|revoke (${engine})`, () => {
  let tp: TestServer;
  let clientId: string;
  let clientSecret: string;
  beforeAll(async () => {
    tp = await startTestServer();
    expect((await runCli(['namespace', 'create', '--name', 'manage', '--display-name', 'Manage'], tp.env)).code).toBe(0);
    expect((await runCli(['namespace', 'create', '--name', 'other-tenant', '--display-name', 'Other'], tp.env)).code).toBe(0);
    for (const name of ['Zeta', 'Alpha']) {
      const made = await runCli(
        ['app', 'create', '--namespace', 'manage', '--name', name, '--redirect-uri', 'https://app.example.gov.sg/cb', '--json'],
        tp.env,
      );
      expect(made.code, made.stderr).toBe(0);
      if (name === 'Alpha') ({ clientId, clientSecret } = made.json as { clientId: string; clientSecret: string });
    }
  });
  afterAll(() => tp?.close());

  const grant = async (secret: string) => {
    const config = await client.discovery(new URL(tp.issuer), clientId, secret, client.ClientSecretBasic(secret), {
      execute: [client.allowInsecureRequests],
    });
    return client.clientCredentialsGrant(config);
  };

  it('lists a namespace’s applications by name as JSON, and shows one', async () => {
    const list = await runCli(['app', 'list', '--namespace', 'manage', '--json'], tp.env);
    expect(list.code, list.stderr).toBe(0);
    const apps = list.json as Array<{ clientId: string; name: string; redirectUris: string[]; createdAt: string }>;
    expect(apps.map((a) => a.name)).toEqual(['Alpha', 'Zeta']);
    expect(apps[0]).toMatchObject({ clientId, name: 'Alpha', redirectUris: ['https://app.example.gov.sg/cb'], public: false });
    expect(Date.parse(apps[0]!.createdAt)).not.toBeNaN();
    expect(JSON.stringify(apps)).not.toContain(clientSecret);

    const text = await runCli(['app', 'list', '--namespace', 'manage'], tp.env);
    expect(text.stdout).toContain(`${clientId}  Alpha`);
    expect((await runCli(['app', 'list', '--namespace', 'other-tenant', '--json'], tp.env)).json).toEqual([]);

    const shown = await runCli(['app', 'show', '--namespace', 'manage', '--app', clientId, '--json'], tp.env);
    expect(shown.json).toMatchObject({ clientId, name: 'Alpha', signInEnabled: true });
    // Another namespace's name does not reach it.
    const elsewhere = await runCli(['app', 'show', '--namespace', 'other-tenant', '--app', clientId, '--json'], tp.env);
    expect(elsewhere).toMatchObject({ code: 1, json: { error: 'application.not_found' } });
    const unknown = await runCli(['app', 'list', '--namespace', 'nope', '--json'], tp.env);
    expect(unknown).toMatchObject({ code: 1, json: { error: 'namespace.not_found' } });
  });

  it('lists secrets without their values, and a revoked secret no longer authenticates; revoking it again is refused', async () => {
    expect((await grant(clientSecret)).access_token).toBeTruthy();
    const list = await runCli(['app', 'secret', 'list', '--namespace', 'manage', '--app', clientId, '--json'], tp.env);
    expect(list.code, list.stderr).toBe(0);
    const secrets = list.json as Array<Record<string, unknown>>;
    expect(secrets).toHaveLength(1);
    expect(Object.keys(secrets[0]!).sort()).toEqual(['createdAt', 'expiresAt', 'hint', 'id', 'lastUsedAt', 'name']);
    expect(secrets[0]!.hint).toBe(clientSecret.slice(-4));
    expect(list.stdout).not.toContain(clientSecret);

    const id = secrets[0]!.id as string;
    const revoked = await runCli(['app', 'secret', 'revoke', '--namespace', 'manage', '--app', clientId, '--secret-id', id, '--json'], tp.env);
    expect(revoked).toMatchObject({ code: 0, json: { revoked: true, id } });
    // The server is another process: its cache hears of the change within its refresh interval.
    await expect
      .poll(
        () =>
          grant(clientSecret).then(
            () => 'accepted',
            () => 'refused',
          ),
        { timeout: 15_000, interval: 250 },
      )
      .toBe('refused');
    const again = await runCli(['app', 'secret', 'revoke', '--namespace', 'manage', '--app', clientId, '--secret-id', id, '--json'], tp.env);
    expect(again).toMatchObject({ code: 1, json: { error: 'secret.not_found', field: 'secretId' } });

    const audit = (await tp.server.store.audit.list({ limit: 1000 })).filter((e) => e.action === 'application.secret_revoked');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: expect.stringMatching(/^cli:/), data: { via: 'operator', role: 'platform_admin', after: null } });
    expect(JSON.stringify(audit)).not.toContain(clientSecret);
  });

  it('deletes an application, irreversibly and audited; deleting it again is refused', async () => {
    const zeta = ((await runCli(['app', 'list', '--namespace', 'manage', '--json'], tp.env)).json as Array<{ clientId: string; name: string }>).find(
      (a) => a.name === 'Zeta',
    )!;
    const deleted = await runCli(['app', 'delete', '--namespace', 'manage', '--app', zeta.clientId, '--json'], tp.env);
    expect(deleted).toMatchObject({ code: 0, json: { deleted: true, clientId: zeta.clientId, name: 'Zeta' } });
    expect(((await runCli(['app', 'list', '--namespace', 'manage', '--json'], tp.env)).json as unknown[]).length).toBe(1);
    const again = await runCli(['app', 'delete', '--namespace', 'manage', '--app', zeta.clientId], tp.env);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`techpass: namespace manage has no application with client id ${zeta.clientId}\n`);
    const audit = (await tp.server.store.audit.list({ limit: 1000 })).filter((e) => e.action === 'application.deleted');
    expect(audit).toHaveLength(1);
    expect(audit[0]!.data).toMatchObject({ before: { name: 'Zeta' }, after: null, via: 'operator' });
  });

  it('a missing flag is one line naming it', async () => {
    const res = await runCli(['app', 'secret', 'revoke', '--namespace', 'manage', '--app', clientId, '--json'], tp.env);
    expect(res).toMatchObject({ code: 1, json: { error: 'usage.invalid' } });
    expect(res.stderr).toBe("techpass: required option '--secret-id <id>' not specified (see: techpass app secret revoke --help)\n");
  });
});
