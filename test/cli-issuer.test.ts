/**
 * The CLI names the issuer the server runs with. A server records its PUBLIC_URL at
 * every start; `app create` prints it and `authenticator enrol-link` makes links to it,
 * even from a shell without PUBLIC_URL (whose own default is http://localhost:3000). A
 * PUBLIC_URL set for the CLI that names another URL is refused. Before any server has
 * started, the CLI uses its own configuration.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from './helpers/cli.js';
import { engine, freshDatabaseTarget } from './helpers/database.js';
import { nodeEnv, startTestServer, type TestServer } from './helpers/server.js';

const PASSWORD = 'Correct-Horse-Battery-9';
const dir = mkdtempSync(path.join(tmpdir(), 'techpass-cli-issuer-'));

/** An operator's shell: the server's database and master key, but neither its PORT nor its PUBLIC_URL. */
function shellOf(env: Record<string, string>): Record<string, string> {
  const { PUBLIC_URL: _url, PORT: _port, ...rest } = env;
  return rest;
}

const createApp = (env: Record<string, string>, namespace: string, name: string) =>
  runCli(['app', 'create', '--namespace', namespace, '--name', name, '--redirect-uri', 'https://app.example.gov.sg/cb', '--json'], env);

function refusedForPublicUrl(res: CliResult, cliUrl: string, serverUrl: string) {
  expect(res.code, res.stdout).toBe(1);
  expect(res.json).toMatchObject({ error: 'config.public_url_mismatch', field: 'PUBLIC_URL' });
  const lines = res.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(cliUrl);
  expect(lines[0]).toContain(serverUrl);
  expect(lines[0]).toContain('unset PUBLIC_URL');
}

describe(`the CLI uses the running server's issuer (${engine})`, () => {
  let tp: TestServer;
  let shell: Record<string, string>;
  beforeAll(async () => {
    // A non-default port, and a public URL the CLI's default (http://localhost:3000) is not.
    tp = await startTestServer();
    shell = shellOf(tp.env);
    expect(tp.issuer).not.toBe('http://localhost:3000');
    const ns = await runCli(['namespace', 'create', '--name', 'tenant', '--display-name', 'Tenant', '--json'], shell);
    expect(ns.code, ns.stderr).toBe(0);
    const user = await runCli(
      ['user', 'create', '--email', 'phone.owner@agency.gov.sg', '--given-name', 'Phone', '--family-name', 'Owner', '--password', PASSWORD, '--json'],
      shell,
    );
    expect(user.code, user.stderr).toBe(0);
  });
  afterAll(() => tp?.close());

  it("prints the server's issuer from app create without PUBLIC_URL, and that issuer answers discovery", async () => {
    const res = await createApp(shell, 'tenant', 'Deployer');
    expect(res.code, res.stderr).toBe(0);
    const { issuer } = res.json as { issuer: string };
    expect(issuer).toBe(tp.issuer);
    const discovery = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect(((await discovery.json()) as { issuer: string }).issuer).toBe(issuer);
  });

  it('makes enrolment links to the server without PUBLIC_URL, and a headless authenticator enrols with one', async () => {
    const res = await runCli(['authenticator', 'enrol-link', '--user', 'phone.owner@agency.gov.sg', '--json'], shell);
    expect(res.code, res.stderr).toBe(0);
    const { link } = res.json as { link: string };
    expect(link.startsWith(`${tp.issuer}/authenticator/`)).toBe(true);
    const enrolled = await runCli(['authenticator', 'enrol', link, '--store', path.join(dir, 'phone.json'), '--json'], shell);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    expect(enrolled.json).toMatchObject({ account: 'phone.owner@agency.gov.sg', server: tp.issuer });
  });

  it('refuses, exiting non-zero and changing nothing, when PUBLIC_URL is set for the CLI and names another URL', async () => {
    const elsewhere = { ...shell, PUBLIC_URL: 'http://localhost:3000' };
    refusedForPublicUrl(await createApp(elsewhere, 'tenant', 'Refused'), 'http://localhost:3000', tp.issuer);
    refusedForPublicUrl(
      await runCli(['authenticator', 'enrol-link', '--user', 'phone.owner@agency.gov.sg', '--json'], elsewhere),
      'http://localhost:3000',
      tp.issuer,
    );
    // Nothing was created by the refused command: the name is still free.
    const again = await createApp(shell, 'tenant', 'Refused');
    expect(again.code, again.stderr).toBe(0);

    // The same URL, written with a trailing slash, is the server's.
    const same = await createApp({ ...shell, PUBLIC_URL: `${tp.issuer}/` }, 'tenant', 'Same URL');
    expect(same.code, same.stderr).toBe(0);
    expect(same.json).toMatchObject({ issuer: tp.issuer });
  });
});

describe(`the CLI's issuer before and after a server starts (${engine})`, () => {
  it("uses the CLI's own configuration until a server has started, then the URL of the last server to start", async () => {
    const target = await freshDatabaseTarget();
    const env = await nodeEnv(target);
    const shell = shellOf(env);
    expect((await runCli(['namespace', 'create', '--name', 'early', '--display-name', 'Early', '--json'], shell)).code).toBe(0);

    // First use: no server has recorded a URL, so the CLI's configuration (as a server with it would run).
    const first = await createApp(shell, 'early', 'Default');
    expect(first.json).toMatchObject({ issuer: 'http://localhost:3000' });
    const explicit = await createApp({ ...shell, PUBLIC_URL: 'https://sso.example.gov.sg' }, 'early', 'Explicit');
    expect(explicit.json).toMatchObject({ issuer: 'https://sso.example.gov.sg' });

    const one = await startTestServer({ target, env: { MASTER_KEY: env.MASTER_KEY! } });
    try {
      expect((await createApp(shell, 'early', 'After one')).json).toMatchObject({ issuer: one.issuer });
    } finally {
      await one.close();
    }
    // A server restarted with another PUBLIC_URL records it; the CLI follows.
    const moved = await startTestServer({ target, env: { MASTER_KEY: env.MASTER_KEY!, PUBLIC_URL: 'https://sso.example.gov.sg' } });
    try {
      expect(moved.issuer).toBe('https://sso.example.gov.sg');
      expect((await createApp(shell, 'early', 'After move')).json).toMatchObject({ issuer: 'https://sso.example.gov.sg' });
      expect(moved.logs.some((l) => l.msg === 'PUBLIC_URL differs from the one recorded by the last server to start; recorded the new one')).toBe(
        true,
      );
    } finally {
      await moved.close();
    }
  });
});
