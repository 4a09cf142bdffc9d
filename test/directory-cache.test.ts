/**
 * Client records are cached per node (src/persistence/directory-cache.ts), and every
 * change still takes effect: at once when this node made it, at once on SQLite when
 * another process did (a CLI command), and within KEY_REFRESH_SECONDS on PostgreSQL
 * when another process or node did.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asApplicationId } from '../src/domain/ids.js';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { signIn } from './helpers/sign-in.js';
import { selfSignedCertificate } from './helpers/x509.js';

const REFRESH_SECONDS = 1;
/** How long a change made by another process may take to be seen here. */
const SEEN_WITHIN_MS = engine === 'sqlite' ? 0 : REFRESH_SECONDS * 1000 + 1500;

describe(`cached client records (${engine})`, () => {
  let tp: TestServer;
  const dir = mkdtempSync(path.join(tmpdir(), 'techpass-directory-cache-'));

  const tokenRequest = async (body: Record<string, string>) => {
    const res = await fetch(`${tp.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', ...body }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, string> };
  };

  /** Retries `attempt` until it answers true or `withinMs` has passed; answers how long it took, or null. */
  const seenWithin = async (withinMs: number, attempt: () => Promise<boolean>): Promise<number | null> => {
    const started = Date.now();
    for (;;) {
      if (await attempt()) return Date.now() - started;
      if (Date.now() - started > withinMs) return null;
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    tp = await startTestServer({ env: { KEY_REFRESH_SECONDS: String(REFRESH_SECONDS) } });
    await namespace(tp, 'cached');
  });
  afterAll(() => tp?.close());

  it('refuses a secret revoked on this node at the very next request, though the client was being served from the cache', async () => {
    const app = await application(tp, { namespace: 'cached', name: 'Revoked on this node' });
    const credentials = { client_id: app.clientId, client_secret: app.clientSecret! };
    for (let i = 0; i < 3; i += 1) expect((await tokenRequest(credentials)).status).toBe(200);
    const scope = tp.server.store.forNamespace(app.application.namespaceId).applications;
    const [secret] = await scope.listSecrets(asApplicationId(app.clientId));
    expect(await scope.setSecretExpiry(asApplicationId(app.clientId), secret!.id, Date.now() - 1000)).toBe(true);
    expect(await tokenRequest(credentials)).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
  });

  it(`accepts a certificate added by another process ${engine === 'sqlite' ? 'at once' : 'within KEY_REFRESH_SECONDS'}`, async () => {
    const app = await application(tp, { namespace: 'cached', name: 'Certificate from the CLI' });
    expect((await tokenRequest({ client_id: app.clientId, client_secret: app.clientSecret! })).status).toBe(200);
    const cert = selfSignedCertificate({ notAfter: new Date(Date.now() + 86_400_000) });
    const pem = path.join(dir, `${randomUUID()}.pem`);
    writeFileSync(pem, cert.pem);
    const added = await runCli(['app', 'cert', 'add', '--namespace', 'cached', '--app', app.clientId, '--pem', pem, '--json'], tp.env);
    expect(added.code, added.stderr).toBe(0);
    const assertion = () =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: cert.x5tS256 })
        .setIssuer(app.clientId)
        .setSubject(app.clientId)
        .setAudience(tp.issuer)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime('60s')
        .sign(cert.privateKey);
    const took = await seenWithin(SEEN_WITHIN_MS, async () => {
      const res = await tokenRequest({
        client_id: app.clientId,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await assertion(),
      });
      return res.status === 200;
    });
    expect(took).not.toBeNull();
  });

  it(`stops refreshing once another process disables sign-in to the application, ${engine === 'sqlite' ? 'at once' : 'within KEY_REFRESH_SECONDS'}`, async () => {
    const app = await application(tp, { namespace: 'cached', name: 'Disabled from the CLI' });
    await user(tp, 'cached.user@agency.gov.sg');
    const { tokens, config } = await signIn(tp, { ...app, login: 'cached.user@agency.gov.sg', password: PASSWORD });
    let refreshToken = (await client.refreshTokenGrant(config, tokens.refresh_token!)).refresh_token!;
    const disabled = await runCli(['app', 'update', '--namespace', 'cached', '--app', app.clientId, '--sign-in-enabled', 'false', '--json'], tp.env);
    expect(disabled.code, disabled.stderr).toBe(0);
    const took = await seenWithin(SEEN_WITHIN_MS, async () => {
      try {
        refreshToken = (await client.refreshTokenGrant(config, refreshToken)).refresh_token!;
        return false;
      } catch (error) {
        expect(error).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('disabled') });
        return true;
      }
    });
    expect(took).not.toBeNull();
  });
});
