/**
 * How the CLI answers a mistake at the command line: one line on stderr and a non-zero
 * exit, as JSON on stdout with --json, never the whole usage; and the flags' names in
 * messages (`--given-name`), never a flow's field names (`givenName`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { startTestServer, type TestServer } from './helpers/server.js';

describe(`CLI usage errors (${engine})`, () => {
  let tp: TestServer;
  beforeAll(async () => {
    tp = await startTestServer();
  });
  afterAll(() => tp?.close());

  const oneLine = (text: string) => expect(text.trimEnd().split('\n')).toHaveLength(1);

  it('a missing required flag: one line naming it and the help to read, exit 1, JSON with --json', async () => {
    const res = await runCli(['namespace', 'create', '--json'], tp.env);
    expect(res.code).toBe(1);
    expect(res.json).toEqual({
      error: 'usage.invalid',
      message: "required option '--name <name>' not specified (see: techpass namespace create --help)",
    });
    oneLine(res.stderr);
    expect(res.stderr).toBe("techpass: required option '--name <name>' not specified (see: techpass namespace create --help)\n");
    expect(res.stderr).not.toContain('Usage:');
    expect(await tp.server.store.namespaces.list()).toEqual([]);
  });

  it('an unknown flag and an unknown command: one line each, nothing on stdout without --json', async () => {
    const flag = await runCli(['namespace', 'create', '--name', 'x', '--display-name', 'X', '--tenant', 'y'], tp.env);
    expect(flag.code).toBe(1);
    expect(flag.stdout).toBe('');
    expect(flag.stderr).toBe("techpass: unknown option '--tenant' (see: techpass namespace create --help)\n");

    const command = await runCli(['frob', '--json'], tp.env);
    expect(command.code).toBe(1);
    expect(command.json).toMatchObject({ error: 'usage.invalid', message: expect.stringContaining("unknown command 'frob'") });
    oneLine(command.stderr);
    expect(await tp.server.store.namespaces.list()).toEqual([]);
  });

  it('a bad value of a flag: one line with what it should be', async () => {
    const res = await runCli(['user', 'create', '--email', 'a@agency.gov.sg', '--given-name', 'A', '--family-name', 'B', '--type', 'robot'], tp.env);
    expect(res.code).toBe(1);
    oneLine(res.stderr);
    expect(res.stderr).toMatch(/^techpass: option '--type <type>' argument 'robot' is invalid\. Allowed choices are officer, vendor/);
  });

  it("a flow's refusal names the flag, in the message and on stderr; the JSON field keeps its name", async () => {
    const res = await runCli(
      ['user', 'create', '--email', 'a@agency.gov.sg', '--given-name', ' ', '--family-name', 'B', '--password', 'Correct-Horse-2026!', '--json'],
      tp.env,
    );
    expect(res.code).toBe(1);
    expect(res.json).toEqual({ error: 'input.invalid', message: '--given-name is required (at most 100 characters)', field: 'givenName' });
    expect(res.stderr).toBe('techpass: --given-name is required (at most 100 characters)\n');

    await runCli(['namespace', 'create', '--name', 'usage', '--display-name', 'Usage'], tp.env);
    const uri = await runCli(['app', 'create', '--namespace', 'usage', '--name', 'App', '--redirect-uri', 'not a url', '--json'], tp.env);
    expect(uri.code).toBe(1);
    expect(uri.json).toMatchObject({ field: 'redirectUris' });
    expect(uri.stderr).not.toMatch(/redirectUris/);
    expect((uri.json as { message: string }).message).not.toMatch(/redirectUris/);
  });

  it('help is not an error', async () => {
    const res = await runCli(['namespace', 'create', '--help'], tp.env);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Usage: techpass namespace create');
  });
});
