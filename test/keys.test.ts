/** Signing-key rotation: the next key takes over, the retired one stays published. */
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { startTestServer, type TestServer } from './helpers/server.js';

type Jwk = { kid: string; alg: string; key_ops?: string[] };

describe(`signing keys (${engine})`, () => {
  let tp: TestServer;
  let config: client.Configuration;
  beforeAll(async () => {
    tp = await startTestServer();
    expect((await runCli(['namespace', 'create', '--name', 'keys', '--display-name', 'Keys'], tp.env)).code).toBe(0);
    const app = (
      await runCli(['app', 'create', '--namespace', 'keys', '--name', 'M2M', '--redirect-uri', 'https://m2m.example.gov.sg/cb', '--json'], tp.env)
    ).json as {
      clientId: string;
      clientSecret: string;
    };
    config = await client.discovery(new URL(tp.issuer), app.clientId, app.clientSecret, undefined, { execute: [client.allowInsecureRequests] });
  });
  afterAll(() => tp?.close());

  const jwks = async () => ((await (await fetch(`${tp.url}/jwks`)).json()) as { keys: Jwk[] }).keys;

  it('keeps the same keys across restarts of the store (generated once, sealed at rest)', async () => {
    const keys = await tp.server.store.signingKeys.all();
    expect(keys).toHaveLength(4);
    expect(keys.every((k) => typeof k.privateJwk.d === 'string')).toBe(true);
  });

  it('rotate promotes the next key, publishes a new next key, and keeps the retired key until its tokens expire', async () => {
    const before = await jwks();
    const current = before.find((k) => k.alg === 'ES256' && !k.key_ops)!;
    const next = before.find((k) => k.alg === 'ES256' && k.key_ops)!;
    const oldToken = (await client.clientCredentialsGrant(config)).access_token;
    expect(decodeProtectedHeader(oldToken).kid).toBe(current.kid);

    const rotated = await runCli(['keys', 'rotate', '--json'], tp.env);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect((rotated.json as { promoted: string[] }).promoted).toContain(next.kid);

    expect(await tp.server.refreshKeys()).toBe(true);
    const after = await jwks();
    const es = after.filter((k) => k.alg === 'ES256');
    expect(es.find((k) => !k.key_ops)?.kid).toBe(next.kid);
    expect(es.map((k) => k.kid)).toContain(current.kid);
    expect(es).toHaveLength(3);
    expect(es.find((k) => k.kid === current.kid)?.key_ops).toEqual(['verify']);

    const newToken = (await client.clientCredentialsGrant(config)).access_token;
    expect(decodeProtectedHeader(newToken).kid).toBe(next.kid);
    const keySet = createRemoteJWKSet(new URL(`${tp.issuer}/jwks`));
    await expect(jwtVerify(oldToken, keySet, { issuer: tp.issuer })).resolves.toBeTruthy();
    await expect(jwtVerify(newToken, keySet, { issuer: tp.issuer })).resolves.toBeTruthy();
    const events = await tp.server.store.audit.list({ limit: 50 });
    expect(events.map((e) => e.action)).toContain('signing_keys.rotated');
  });

  it('a running server follows a rotation made elsewhere by itself', async () => {
    const before = (await jwks()).find((k) => k.alg === 'ES256' && !k.key_ops)!.kid;
    expect((await runCli(['keys', 'rotate'], tp.env)).code).toBe(0);
    // KEY_REFRESH_SECONDS defaults to 5: the periodic refresh must pick it up.
    const deadline = Date.now() + 15_000;
    let now = before;
    while (now === before && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      now = (await jwks()).find((k) => k.alg === 'ES256' && !k.key_ops)!.kid;
    }
    expect(now).not.toBe(before);
  });
});
