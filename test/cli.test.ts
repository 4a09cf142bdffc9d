/**
 * The CLI against the same database as a running server: namespaces, applications,
 * accounts, and the client it registers authenticating at the token endpoint.
 */
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { startTestServer, type TestServer } from './helpers/server.js';

describe(`techpass CLI (${engine})`, () => {
  let tp: TestServer;
  beforeAll(async () => {
    tp = await startTestServer();
  });
  afterAll(() => tp?.close());

  it('creates a namespace and refuses a second one with the same name, changing nothing', async () => {
    const created = await runCli(['namespace', 'create', '--name', 'pipeline', '--display-name', 'CI/CD pipeline', '--json'], tp.env);
    expect(created.code, created.stderr).toBe(0);
    expect(created.json).toMatchObject({ name: 'pipeline', displayName: 'CI/CD pipeline' });
    expect((created.json as { directoryId: string }).directoryId).toMatch(/^[0-9a-f-]{36}$/);

    const again = await runCli(['namespace', 'create', '--name', 'pipeline', '--display-name', 'Other', '--json'], tp.env);
    expect(again.code).toBe(1);
    expect(again.json).toMatchObject({ error: 'namespace.exists', field: 'name' });
    expect(again.stderr).toContain('already exists');
    expect((await tp.server.store.namespaces.list()).map((n) => n.name)).toEqual(['pipeline']);
  });

  it('rejects a malformed namespace name with the field named', async () => {
    const bad = await runCli(['namespace', 'create', '--name', 'Bad Name!', '--display-name', 'x', '--json'], tp.env);
    expect(bad.code).toBe(1);
    expect(bad.json).toMatchObject({ error: 'input.invalid', field: 'name' });
  });

  it('registers a confidential application whose secret works with client_credentials and yields a verifiable JWT', async () => {
    const res = await runCli(
      [
        'app',
        'create',
        '--namespace',
        'pipeline',
        '--name',
        'Deployer',
        '--redirect-uri',
        'https://deploy.example.gov.sg/callback',
        '--redirect-uri',
        'http://localhost:8080/cb',
        '--json',
      ],
      tp.env,
    );
    expect(res.code, res.stderr).toBe(0);
    const app = res.json as { clientId: string; clientSecret: string; redirectUris: string[]; issuer: string };
    expect(app.clientId).toMatch(/^app_/);
    expect(app.clientSecret.length).toBeGreaterThanOrEqual(43);
    expect(app.redirectUris).toEqual(['https://deploy.example.gov.sg/callback', 'http://localhost:8080/cb']);
    expect(app.issuer).toBe(tp.issuer);

    // The secret is not stored in clear anywhere the store can show.
    const ns = await tp.server.store.namespaces.findByName('pipeline');
    const secrets = await tp.server.store.forNamespace(ns!.id).applications.listSecrets(app.clientId as never);
    expect(secrets).toHaveLength(1);
    expect(JSON.stringify(secrets)).not.toContain(app.clientSecret);

    const config = await client.discovery(new URL(tp.issuer), app.clientId, app.clientSecret, client.ClientSecretBasic(app.clientSecret), {
      execute: [client.allowInsecureRequests],
    });
    const tokens = await client.clientCredentialsGrant(config);
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.expires_in).toBeLessThanOrEqual(900);
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(`${tp.issuer}/jwks`)), {
      issuer: tp.issuer,
      audience: `${tp.issuer}/iam`,
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload.client_id).toBe(app.clientId);

    const wrong = await client.discovery(new URL(tp.issuer), app.clientId, 'not-the-secret', client.ClientSecretBasic('not-the-secret'), {
      execute: [client.allowInsecureRequests],
    });
    const refused = await client
      .clientCredentialsGrant(wrong)
      .catch((e: unknown) => e as { status: number; cause: Array<{ parameters: Record<string, string> }> });
    expect(refused).toMatchObject({ status: 401 });
    expect((refused as { cause: Array<{ parameters: Record<string, string> }> }).cause[0]!.parameters.error).toBe('invalid_client');
  });

  it('registers a public application without a secret', async () => {
    const res = await runCli(
      ['app', 'create', '--namespace', 'pipeline', '--name', 'Docs SPA', '--redirect-uri', 'https://docs.example.gov.sg/cb', '--public', '--json'],
      tp.env,
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.json).toMatchObject({ public: true });
    expect(res.json).not.toHaveProperty('clientSecret');
  });

  it.each([
    [['--redirect-uri', 'http://deploy.example.gov.sg/cb'], 'https'],
    [['--redirect-uri', 'https://x.example.gov.sg/cb#frag'], 'fragment'],
    [['--redirect-uri', 'not a url'], 'absolute URL'],
  ])('refuses the redirect URI %j', async (extra, message) => {
    const res = await runCli(['app', 'create', '--namespace', 'pipeline', '--name', `Bad ${message}`, ...extra, '--json'], tp.env);
    expect(res.code).toBe(1);
    expect(res.json).toMatchObject({ error: 'input.invalid', field: 'redirectUris' });
    expect((res.json as { message: string }).message).toContain(message);
  });

  it('refuses an application in a namespace that does not exist', async () => {
    const res = await runCli(['app', 'create', '--namespace', 'nowhere', '--name', 'X', '--redirect-uri', 'https://x.gov.sg/cb', '--json'], tp.env);
    expect(res.code).toBe(1);
    expect(res.json).toMatchObject({ error: 'namespace.not_found' });
  });

  it('creates accounts, with a pre-enrolled TOTP factor, and refuses duplicates and weak passwords', async () => {
    const res = await runCli(
      [
        'user',
        'create',
        '--email',
        'Jane_Tan@Agency.gov.sg',
        '--given-name',
        'Jane',
        '--family-name',
        'Tan',
        '--password',
        'correct horse battery',
        '--totp-secret',
        'JBSWY3DPEHPK3PXPJBSWY3DP',
        '--json',
      ],
      tp.env,
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.json).toMatchObject({
      email: 'jane_tan@agency.gov.sg',
      techpassId: 'jane_tan@agency.gov.sg',
      type: 'officer',
      status: 'active',
      totp: true,
    });
    const user = await tp.server.store.users.findByLogin('JANE_TAN@agency.gov.sg');
    expect(user?.hasPassword).toBe(true);
    expect((await tp.server.store.users.listFactors(user!.id)).map((f) => f.kind)).toEqual(['totp']);
    expect(await tp.server.store.users.passwordHash(user!.id)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    const vendor = await runCli(
      [
        'user',
        'create',
        '--email',
        'ravi@vendor.com.sg',
        '--username',
        'ravi_kumar',
        '--given-name',
        'Ravi',
        '--family-name',
        'Kumar',
        '--type',
        'vendor',
        '--json',
      ],
      tp.env,
    );
    expect(vendor.code, vendor.stderr).toBe(0);
    expect(vendor.json).toMatchObject({ techpassId: 'ravi_kumar', type: 'vendor' });

    const dup = await runCli(['user', 'create', '--email', 'jane_tan@agency.gov.sg', '--given-name', 'J', '--family-name', 'T', '--json'], tp.env);
    expect(dup).toMatchObject({ code: 1, json: { error: 'user.exists', field: 'email' } });

    const weak = await runCli(
      ['user', 'create', '--email', 'weak@agency.gov.sg', '--given-name', 'W', '--family-name', 'K', '--password', 'qwerty123456', '--json'],
      tp.env,
    );
    expect(weak).toMatchObject({ code: 1, json: { error: 'password.too_weak', field: 'password' } });
    const short = await runCli(
      ['user', 'create', '--email', 'short@agency.gov.sg', '--given-name', 'S', '--family-name', 'K', '--password', 'Sh0rt!pw', '--json'],
      tp.env,
    );
    expect(short).toMatchObject({ code: 1, json: { error: 'password.too_weak' } });
    expect(await tp.server.store.users.findByLogin('weak@agency.gov.sg')).toBeNull();
    expect(await tp.server.store.users.findByLogin('short@agency.gov.sg')).toBeNull();

    const badSeed = await runCli(
      ['user', 'create', '--email', 'seed@agency.gov.sg', '--given-name', 'S', '--family-name', 'K', '--totp-secret', 'not base32!', '--json'],
      tp.env,
    );
    expect(badSeed).toMatchObject({ code: 1, json: { error: 'input.invalid', field: 'totpSecret' } });
    expect(await tp.server.store.users.findByLogin('seed@agency.gov.sg')).toBeNull();

    const badType = await runCli(
      ['user', 'create', '--email', 't@agency.gov.sg', '--given-name', 'S', '--family-name', 'K', '--type', 'robot'],
      tp.env,
    );
    expect(badType.code).not.toBe(0);
    expect(badType.stderr).toContain('robot');
  });

  it('audits every change in a hash chain that verifies', async () => {
    const res = await runCli(['audit', 'verify', '--json'], tp.env);
    expect(res.code, res.stderr).toBe(0);
    expect((res.json as { events: number }).events).toBeGreaterThanOrEqual(5);
    const actions = (await tp.server.store.audit.list({ limit: 100 })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['namespace.created', 'application.created', 'user.created']));
  });

  it('stops with a one-line message naming a wrong setting', async () => {
    const res = await runCli(['migrate'], { ...tp.env, PORT: 'eighty' });
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain('PORT');
  });
});
