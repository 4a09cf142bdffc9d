/**
 * The CLI's remote mode end to end (issue 19): a server started by the test; `techpass
 * login --server URL` spawned; the test reads the code from its output and approves it
 * over HTTP as a tenant admin (password and TOTP from oathtool); then the CLI does a
 * tenant admin's day's work on that server through its API: who am I, app list and
 * show, secret list and revoke (audited as the person, via the access token), namespace
 * admin add; a refusal outside their namespace is one line; the token file is 0600;
 * an expired or rejected access token is refreshed; logout revokes and forgets.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli, waitForExit } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { approveDevice, cancel, deviceProblem, enterUserCode, totpPerson } from './helpers/device.js';
import { HttpBrowser } from './helpers/http-browser.js';
import { application, namespace } from './helpers/directory.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

interface Credentials {
  default: string | null;
  servers: Record<string, { accessToken: string; refreshToken: string | null; expiresAt: number; email: string | null }>;
}

describe(`techpass login and remote mode (${engine})`, () => {
  let tp: TestServer;
  let alphaApp: Awaited<ReturnType<typeof application>>;
  let betaApp: Awaited<ReturnType<typeof application>>;
  const configDir = mkdtempSync(path.join(tmpdir(), 'techpass-config-'));
  const file = path.join(configDir, 'credentials.json');
  // What a workstation has: no database of its own, only where the credentials go.
  const remoteEnv = { TECHPASS_CONFIG_DIR: configDir };
  const remote = (...args: string[]) => runCli([...args, '--json'], remoteEnv);
  const credentials = () => JSON.parse(readFileSync(file, 'utf8')) as Credentials;

  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'alpha');
    await namespace(tp, 'beta');
    alphaApp = await application(tp, { namespace: 'alpha', name: 'Alpha web' });
    betaApp = await application(tp, { namespace: 'beta', name: 'Beta web' });
    await totpPerson(tp, 'tara@agency.gov.sg', SEED);
    await totpPerson(tp, 'uma@agency.gov.sg', 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    // The operator, on the server's own database, makes Tara a tenant admin of alpha.
    const made = await runCli(['namespace', 'admin', 'add', '--namespace', 'alpha', '--email', 'tara@agency.gov.sg', '--json'], tp.env);
    expect(made.code, made.stderr).toBe(0);
  }, 60_000);
  afterAll(() => tp?.close());

  it('signs in with `techpass login`: the code from its output approved in a browser with TOTP; tokens kept in a 0600 file', async () => {
    const child = spawn(process.execPath, [BIN, 'login', '--server', tp.url], {
      env: { PATH: process.env.PATH ?? '', HOME: configDir, ...remoteEnv },
      cwd: ROOT,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const deadline = Date.now() + 20_000;
    let code: string | undefined;
    while (!(code = /^\s{4}([B-Z]{4}-[B-Z]{4})$/m.exec(stdout)?.[1])) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no code from techpass login: ${stdout} ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(stdout).toContain(`open ${tp.url}/device in a browser`);
    expect(stdout).toContain(`${tp.url}/device?user_code=${code}`);

    const done = await approveDevice(tp, code, 'tara@agency.gov.sg');
    expect(done.html).toContain('data-testid="device-success"');
    expect(await waitForExit(child)).toBe(0);
    expect(stdout).toContain(`signed in to ${tp.url} as tara@agency.gov.sg (admin of alpha)`);

    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(configDir).mode & 0o077).toBe(0);
    const stored = credentials();
    expect(stored.default).toBe(tp.url);
    expect(stored.servers[tp.url]).toMatchObject({ email: 'tara@agency.gov.sg' });
    expect(stored.servers[tp.url]!.refreshToken).toBeTruthy();
  }, 60_000);

  it("does a tenant admin's day's work on the server, with her role", async () => {
    expect(await remote('whoami')).toMatchObject({
      code: 0,
      json: { server: tp.url, email: 'tara@agency.gov.sg', role: 'tenant_admin', adminOf: ['alpha'] },
    });

    // --server alone: the server signed in to last.
    const listed = await remote('app', 'list', '--namespace', 'alpha', '--server');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.json).toEqual([expect.objectContaining({ clientId: alphaApp.clientId, name: 'Alpha web', public: false })]);
    const shown = await remote('app', 'show', '--namespace', 'alpha', '--app', alphaApp.clientId, '--server', tp.url);
    expect(shown).toMatchObject({ code: 0, json: { clientId: alphaApp.clientId, name: 'Alpha web', managementApi: false } });
    expect((shown.json as { createdAt: string }).createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    const secrets = await remote('app', 'secret', 'list', '--namespace', 'alpha', '--app', alphaApp.clientId, '--server');
    expect(secrets.code, secrets.stderr).toBe(0);
    const [secret] = secrets.json as Array<{ id: string; name: string; createdAt: string; expiresAt: string; lastUsedAt: string | null }>;
    expect(Object.keys(secret!).sort()).toEqual(['createdAt', 'expiresAt', 'hint', 'id', 'lastUsedAt', 'name']);
    const revoked = await remote(
      'app',
      'secret',
      'revoke',
      '--namespace',
      'alpha',
      '--app',
      alphaApp.clientId,
      '--secret-id',
      secret!.id,
      '--server',
    );
    expect(revoked).toMatchObject({ code: 0, json: { revoked: true, id: secret!.id } });
    const event = (await tp.server.store.audit.list({ limit: 1000 })).filter((e) => e.action === 'application.secret_revoked').at(-1)!;
    const tara = await tp.server.store.users.findByLogin('tara@agency.gov.sg');
    expect(event.actor).toBe(tara!.id);
    expect(event.data).toMatchObject({ via: 'access_token', role: 'tenant_admin' });

    const added = await remote('namespace', 'admin', 'add', '--namespace', 'alpha', '--email', 'uma@agency.gov.sg', '--server');
    expect(added).toMatchObject({ code: 0, json: { added: true } });
    expect(
      ((await remote('namespace', 'admin', 'list', '--namespace', 'alpha', '--server')).json as Array<{ email: string }>).map((a) => a.email).sort(),
    ).toEqual(['tara@agency.gov.sg', 'uma@agency.gov.sg']);
    expect(((await remote('namespace', 'list', '--server')).json as Array<{ name: string }>).map((n) => n.name)).toEqual(['alpha']);

    // TECHPASS_SERVER picks the server without --server.
    const viaEnv = await runCli(['app', 'list', '--namespace', 'alpha', '--json'], { ...remoteEnv, TECHPASS_SERVER: tp.url });
    expect(viaEnv.code, viaEnv.stderr).toBe(0);
    // Without either, the same command is local: here on the server's database, as the operator.
    const local = await runCli(['app', 'list', '--namespace', 'beta', '--json'], { ...tp.env, ...remoteEnv });
    expect(local).toMatchObject({ code: 0, json: [expect.objectContaining({ clientId: betaApp.clientId })] });
  }, 60_000);

  it('answers a refusal outside her namespace as one line (JSON with --json), and changes nothing', async () => {
    const text = await runCli(['app', 'delete', '--namespace', 'beta', '--app', betaApp.clientId, '--server'], remoteEnv);
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(/^techpass: [^\n]+\n$/);
    const json = await remote('app', 'secret', 'list', '--namespace', 'beta', '--app', betaApp.clientId, '--server');
    expect(json.code).toBe(1);
    expect(json.json).toMatchObject({ error: 'access.forbidden', message: expect.stringMatching(/\S/) });
    expect(json.stderr).toMatch(/^techpass: [^\n]+\n$/);
    expect(await tp.server.store.clients.findApplication(betaApp.clientId)).not.toBeNull();
    // Resetting someone's MFA is a platform admin's: her reset-mfa goes to the API with her role, and is refused.
    const uma = await tp.server.store.users.findByLogin('uma@agency.gov.sg');
    const factors = await tp.server.store.userDirectory.factors(uma!.id);
    expect(factors.length).toBeGreaterThan(0);
    const reset = await remote('user', 'reset-mfa', '--email', 'uma@agency.gov.sg', '--server');
    expect(reset).toMatchObject({ code: 1, json: { error: 'access.forbidden' } });
    expect(await tp.server.store.userDirectory.factors(uma!.id)).toEqual(factors);
    // Remote refuses http:// to another machine, and a server it is not signed in to.
    expect(await remote('app', 'list', '--namespace', 'alpha', '--server', 'http://techpass.example.gov.sg')).toMatchObject({
      code: 1,
      json: { error: 'input.invalid', field: 'server' },
    });
    expect(await remote('app', 'list', '--namespace', 'alpha', '--server', 'https://techpass.example.gov.sg')).toMatchObject({
      code: 1,
      json: { error: 'login.required', field: 'server' },
    });
  });

  it('refreshes an expired access token, and a rejected one once, keeping the rotated refresh token', async () => {
    const before = credentials();
    const entry = before.servers[tp.url]!;
    writeFileSync(file, JSON.stringify({ ...before, servers: { [tp.url]: { ...entry, expiresAt: Date.now() - 1000 } } }), { mode: 0o600 });
    expect(await remote('whoami', '--server', tp.url)).toMatchObject({ code: 0, json: { email: 'tara@agency.gov.sg' } });
    const refreshed = credentials().servers[tp.url]!;
    expect(refreshed.accessToken).not.toBe(entry.accessToken);
    expect(refreshed.refreshToken).not.toBe(entry.refreshToken);
    expect(refreshed.expiresAt).toBeGreaterThan(Date.now());

    // A token the server rejects (401) is refreshed once, and the request made again.
    writeFileSync(file, JSON.stringify({ ...before, servers: { [tp.url]: { ...refreshed, accessToken: 'not-a-token' } } }), { mode: 0o600 });
    expect(await remote('app', 'list', '--namespace', 'alpha', '--server')).toMatchObject({ code: 0 });
    const again = credentials().servers[tp.url]!;
    expect(again.accessToken).not.toBe('not-a-token');
    expect(again.refreshToken).not.toBe(refreshed.refreshToken);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  }, 30_000);

  it('says so when the person cancels in the browser (with --json: the code as a JSON line on stderr, the refusal on stdout)', async () => {
    const child = spawn(process.execPath, [BIN, 'login', '--server', tp.url, '--json'], {
      env: { PATH: process.env.PATH ?? '', HOME: configDir, ...remoteEnv },
      cwd: ROOT,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const deadline = Date.now() + 20_000;
    while (!stderr.includes('\n')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no instructions from techpass login --json: ${stdout} ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const instructions = JSON.parse(stderr.split('\n')[0]!) as { verificationUri: string; userCode: string; verificationUriComplete: string };
    expect(instructions.verificationUri).toBe(`${tp.url}/device`);
    const browser = new HttpBrowser();
    const cancelled = await cancel(browser, await enterUserCode(browser, instructions.verificationUri, instructions.userCode));
    expect(deviceProblem(cancelled)).toBe('aborted');
    expect(await waitForExit(child)).toBe(1);
    expect(JSON.parse(stdout)).toEqual({ error: 'login.denied', message: 'the sign-in was refused in the browser' });
    // Still signed in as before: a refused login changes nothing stored.
    expect(credentials().servers[tp.url]).toMatchObject({ email: 'tara@agency.gov.sg' });
  }, 60_000);

  it('logs out: revokes the refresh token at the server and forgets the server', async () => {
    const { refreshToken } = credentials().servers[tp.url]!;
    expect(await remote('logout')).toMatchObject({ code: 0, json: { server: tp.url, signedOut: true, revoked: true, default: null } });
    expect(credentials()).toEqual({ default: null, servers: {} });
    const res = await fetch(`${tp.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken!, client_id: 'techpass-cli' }),
    });
    expect(((await res.json()) as { error: string }).error).toBe('invalid_grant');
    expect(await remote('whoami', '--server', tp.url)).toMatchObject({ code: 1, json: { error: 'login.required' } });
  });
});
