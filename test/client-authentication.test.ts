/**
 * How applications authenticate at the token endpoint: client secrets (basic and
 * post, several live at once, expired ones refused) and certificates for
 * private_key_jwt (selected by kid / x5t / x5t#S256, expired ones refused, each
 * assertion usable once). Secrets and certificates are added with the CLI.
 */
import { randomUUID, webcrypto, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRemoteJWKSet, decodeJwt, jwtVerify, SignJWT } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asApplicationId } from '../src/domain/ids.js';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { selfSignedCertificate, type TestCertificate } from './helpers/x509.js';

const DAY = 24 * 3600 * 1000;
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

describe(`client authentication (${engine})`, () => {
  let tp: TestServer;
  let app: { clientId: string; clientSecret: string };
  let ecCert: TestCertificate;
  let rsaCert: TestCertificate;
  let ecUpload: Record<string, string>;
  const dir = mkdtempSync(path.join(tmpdir(), 'techpass-certs-'));

  const cli = async (args: string[]) => {
    const res = await runCli([...args, '--json'], tp.env);
    expect(res.code, res.stderr).toBe(0);
    return res.json as Record<string, string>;
  };
  const pemFile = (cert: TestCertificate) => {
    const file = path.join(dir, `${randomUUID()}.pem`);
    writeFileSync(file, cert.pem);
    return file;
  };
  const uploadCertificate = (clientId: string, cert: TestCertificate) =>
    cli(['app', 'cert', 'add', '--namespace', 'machines', '--app', clientId, '--pem', pemFile(cert)]);

  const secretConfig = (clientId: string, secret: string, method: 'basic' | 'post') =>
    client.discovery(new URL(tp.issuer), clientId, secret, method === 'basic' ? client.ClientSecretBasic(secret) : client.ClientSecretPost(secret), {
      execute: [client.allowInsecureRequests],
    });

  /** A client_credentials request at the token endpoint, answered as status + JSON. */
  const tokenRequest = async (body: Record<string, string>) => {
    const res = await fetch(`${tp.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', ...body }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, string> };
  };

  /** An assertion valid for `lifetime` (60 s) from `issuedAt` (now; null: no iat claim). */
  const assertion = (
    clientId: string,
    key: KeyObject,
    header: Record<string, string>,
    jti: string = randomUUID(),
    validity: { lifetime?: number; issuedAt?: number | null } = {},
  ) => {
    const now = Math.floor(Date.now() / 1000);
    const issuedAt = validity.issuedAt === undefined ? now : validity.issuedAt;
    const jwt = new SignJWT({})
      .setProtectedHeader({ alg: header.alg ?? 'ES256', ...header })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(tp.issuer)
      .setJti(jti)
      .setExpirationTime((issuedAt ?? now) + (validity.lifetime ?? 60));
    if (issuedAt !== null) jwt.setIssuedAt(issuedAt);
    return jwt.sign(key);
  };

  const withAssertion = (clientId: string, jwt: string) =>
    tokenRequest({ client_id: clientId, client_assertion_type: ASSERTION_TYPE, client_assertion: jwt });

  const createApp = async (name: string) => {
    const res = await cli(['app', 'create', '--namespace', 'machines', '--name', name, '--redirect-uri', 'https://deploy.example.gov.sg/cb']);
    return { clientId: res.clientId!, clientSecret: res.clientSecret! };
  };

  beforeAll(async () => {
    tp = await startTestServer();
    await cli(['namespace', 'create', '--name', 'machines', '--display-name', 'Machines']);
    app = await createApp('Deployer');
    ecCert = selfSignedCertificate({ keyType: 'ec', notAfter: new Date(Date.now() + 30 * DAY) });
    rsaCert = selfSignedCertificate({ keyType: 'rsa', notAfter: new Date(Date.now() + 30 * DAY) });
    ecUpload = await uploadCertificate(app.clientId, ecCert);
    await uploadCertificate(app.clientId, rsaCert);
  });
  afterAll(() => tp?.close());

  it('advertises client_secret_basic, client_secret_post and private_key_jwt in discovery', async () => {
    const discovery = (await (await fetch(`${tp.issuer}/.well-known/openid-configuration`)).json()) as Record<string, string[]>;
    expect(discovery.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'private_key_jwt']),
    );
    expect(discovery.token_endpoint_auth_methods_supported).not.toContain('client_secret_jwt');
  });

  it.each(['basic', 'post'] as const)('authenticates an application with client_secret_%s', async (method) => {
    const tokens = await client.clientCredentialsGrant(await secretConfig(app.clientId, app.clientSecret, method));
    expect(decodeJwt(tokens.access_token).client_id).toBe(app.clientId);
  });

  it('puts the tenant (tid: the namespace directory id) in machine access tokens', async () => {
    const tokens = await client.clientCredentialsGrant(await secretConfig(app.clientId, app.clientSecret, 'basic'));
    const namespace = await tp.server.store.namespaces.findByName('machines');
    const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(`${tp.issuer}/jwks`)), { issuer: tp.issuer });
    expect(payload.tid).toBe(namespace!.directoryId);
  });

  it('accepts every live secret during a rollover: the old and the new secret both authenticate', async () => {
    const added = await cli(['app', 'secret', 'add', '--namespace', 'machines', '--app', app.clientId, '--expires-in-days', '30']);
    expect(Object.keys(added).sort()).toEqual(['clientSecret', 'expiresAt', 'id', 'name']);
    expect(added.clientSecret).not.toBe(app.clientSecret);
    expect(Date.parse(added.expiresAt!) - Date.now()).toBeGreaterThan(29 * DAY);
    expect(Date.parse(added.expiresAt!) - Date.now()).toBeLessThanOrEqual(30 * DAY);
    for (const [secret, method] of [
      [app.clientSecret, 'basic'],
      [added.clientSecret!, 'basic'],
      [added.clientSecret!, 'post'],
    ] as const) {
      await expect(client.clientCredentialsGrant(await secretConfig(app.clientId, secret, method))).resolves.toHaveProperty('access_token');
    }
  });

  it('refuses a client secret once it has expired', async () => {
    const added = await cli(['app', 'secret', 'add', '--namespace', 'machines', '--app', app.clientId, '--expires-in-days', '1']);
    const namespace = await tp.server.store.namespaces.findByName('machines');
    const moved = await tp.server.store
      .forNamespace(namespace!.id)
      .applications.setSecretExpiry(asApplicationId(app.clientId), added.id!, Date.now() - 1000);
    expect(moved).toBe(true);
    const refused = await tokenRequest({ client_id: app.clientId, client_secret: added.clientSecret! });
    expect(refused).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
    // The application's other secret still works.
    expect((await tokenRequest({ client_id: app.clientId, client_secret: app.clientSecret })).status).toBe(200);
  });

  it('authenticates with private_key_jwt signed by the key of an uploaded certificate, selected by kid', async () => {
    expect(ecUpload).toEqual({ id: expect.stringMatching(/^crt_/), x5t: ecCert.x5t, 'x5t#S256': ecCert.x5tS256, notAfter: expect.any(String) });
    const key = await webcrypto.subtle.importKey(
      'pkcs8',
      ecCert.privateKey.export({ type: 'pkcs8', format: 'der' }),
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign'],
    );
    const config = await client.discovery(new URL(tp.issuer), app.clientId, undefined, client.PrivateKeyJwt({ key, kid: ecCert.x5tS256 }), {
      execute: [client.allowInsecureRequests],
    });
    const tokens = await client.clientCredentialsGrant(config);
    expect(decodeJwt(tokens.access_token).client_id).toBe(app.clientId);
    // Secrets keep working next to the certificate.
    expect((await tokenRequest({ client_id: app.clientId, client_secret: app.clientSecret })).status).toBe(200);
  });

  it.each([
    ['x5t', 'rsa'],
    ['x5t#S256', 'rsa'],
    ['x5t', 'ec'],
    ['no naming header (alg only)', 'ec'],
  ] as const)('selects the certificate by the %s header (%s key)', async (header, keyType) => {
    const cert = keyType === 'rsa' ? rsaCert : ecCert;
    const named: Record<string, string> = header === 'x5t' ? { x5t: cert.x5t } : header === 'x5t#S256' ? { 'x5t#S256': cert.x5tS256 } : {};
    const res = await withAssertion(app.clientId, await assertion(app.clientId, cert.privateKey, { alg: cert.alg, ...named }));
    expect(res.status, JSON.stringify(res.json)).toBe(200);
  });

  it('refuses an assertion whose header names a certificate the application does not have', async () => {
    const stranger = selfSignedCertificate({ notAfter: new Date(Date.now() + DAY) });
    const res = await withAssertion(app.clientId, await assertion(app.clientId, ecCert.privateKey, { x5t: stranger.x5t }));
    expect(res).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
  });

  it('refuses an assertion signed by a key that belongs to no certificate of the application', async () => {
    const stranger = selfSignedCertificate({ notAfter: new Date(Date.now() + DAY) });
    const res = await withAssertion(app.clientId, await assertion(app.clientId, stranger.privateKey, {}));
    expect(res).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
  });

  it('refuses a client assertion presented a second time (same jti)', async () => {
    const jwt = await assertion(app.clientId, ecCert.privateKey, { kid: ecCert.x5tS256 });
    expect((await withAssertion(app.clientId, jwt)).status).toBe(200);
    const replayed = await withAssertion(app.clientId, jwt);
    expect(replayed).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
    // A new assertion with the same jti is a replay too.
    const jti = randomUUID();
    expect((await withAssertion(app.clientId, await assertion(app.clientId, ecCert.privateKey, {}, jti))).status).toBe(200);
    expect((await withAssertion(app.clientId, await assertion(app.clientId, ecCert.privateKey, {}, jti))).status).toBe(401);
  });

  it('accepts an assertion exactly once when twenty requests race with it', async () => {
    const jwt = await assertion(app.clientId, ecCert.privateKey, {});
    const answers = await Promise.all(Array.from({ length: 20 }, () => withAssertion(app.clientId, jwt)));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
  });

  it('refuses an assertion signed by a certificate that has expired', async () => {
    const other = await createApp('Short-lived');
    // X.509 validity has one-second precision: a certificate valid for a few seconds.
    const shortLived = selfSignedCertificate({ notAfter: new Date(Math.ceil(Date.now() / 1000) * 1000 + 4000) });
    await uploadCertificate(other.clientId, shortLived);
    expect((await withAssertion(other.clientId, await assertion(other.clientId, shortLived.privateKey, { kid: shortLived.x5tS256 }))).status).toBe(
      200,
    );
    const notAfter = (await tp.server.store.clients.findClient(other.clientId))!.certificates[0]!.notAfter;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, notAfter - Date.now()) + 200));
    const refused = await withAssertion(other.clientId, await assertion(other.clientId, shortLived.privateKey, { kid: shortLived.x5tS256 }));
    expect(refused).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
  });

  it('refuses private_key_jwt for an application without certificates', async () => {
    const other = await createApp('Secrets only');
    const res = await withAssertion(other.clientId, await assertion(other.clientId, ecCert.privateKey, {}));
    expect(res).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
  });

  it('refuses an assertion valid for longer than five minutes from its iat (CLIENT_ASSERTION_MAX_LIFETIME), with or without iat', async () => {
    const key = ecCert.privateKey;
    const longLived = await withAssertion(app.clientId, await assertion(app.clientId, key, {}, randomUUID(), { lifetime: 24 * 3600 }));
    expect(longLived).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
    const justOver = await withAssertion(app.clientId, await assertion(app.clientId, key, {}, randomUUID(), { lifetime: 301 }));
    expect(justOver).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
    // Without iat, the lifetime counts from now.
    const noIat = await withAssertion(app.clientId, await assertion(app.clientId, key, {}, randomUUID(), { lifetime: 3600, issuedAt: null }));
    expect(noIat).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
    // An iat set in the past does not stretch it either: an hour-old assertion valid for another hour.
    const backdated = Math.floor(Date.now() / 1000) - 3600;
    const old = await withAssertion(app.clientId, await assertion(app.clientId, key, {}, randomUUID(), { lifetime: 7200, issuedAt: backdated }));
    expect(old).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
    expect((await withAssertion(app.clientId, await assertion(app.clientId, key, {}, randomUUID(), { lifetime: 300 }))).status).toBe(200);
    expect((await withAssertion(app.clientId, await assertion(app.clientId, key, {}, randomUUID(), { lifetime: 120, issuedAt: null }))).status).toBe(
      200,
    );
  });

  it('refuses an assertion issued for another application', async () => {
    const other = await createApp('Impostor');
    const jwt = await assertion(app.clientId, ecCert.privateKey, {});
    const res = await withAssertion(other.clientId, jwt);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.json.error).toMatch(/invalid_(client|request)/);
  });
});
