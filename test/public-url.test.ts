/**
 * The URLs the provider makes come from PUBLIC_URL, never from the request's Host or
 * X-Forwarded-Host/-Proto: a forged header cannot point discovery, the JWKS, the
 * sign-in redirect or the sign-out form at another site (or poison a cache with it).
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { HttpBrowser } from './helpers/http-browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { signIn, startAuthorization } from './helpers/sign-in.js';

const FORGED = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };

/** A GET with whatever Host the caller likes (fetch does not let one forge Host). */
function forgedGet(base: string, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, headers: FORGED }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

for (const trustProxy of [undefined, 'loopback']) {
  describe(`URLs from PUBLIC_URL, TRUST_PROXY=${trustProxy ?? 'false'} (${engine})`, () => {
    let tp: TestServer;
    let app: Awaited<ReturnType<typeof application>>;
    beforeAll(async () => {
      tp = await startTestServer(trustProxy ? { env: { TRUST_PROXY: trustProxy } } : {});
      await namespace(tp, 'origin');
      app = await application(tp, { namespace: 'origin', name: 'Origin' });
      await user(tp, 'origin@agency.gov.sg');
    });
    afterAll(() => tp?.close());

    it('answers discovery with every endpoint under PUBLIC_URL whatever Host says, and lets caches keep it', async () => {
      const res = await forgedGet(tp.url, '/.well-known/openid-configuration');
      expect(res.status).toBe(200);
      const doc = JSON.parse(res.body) as Record<string, unknown>;
      const urls = Object.entries(doc).filter(([, v]) => typeof v === 'string' && /^https?:\/\//.test(v));
      expect(urls.map(([k]) => k)).toEqual(
        expect.arrayContaining(['issuer', 'jwks_uri', 'token_endpoint', 'authorization_endpoint', 'end_session_endpoint', 'introspection_endpoint']),
      );
      for (const [key, value] of urls) expect([key, value]).toEqual([key, expect.stringMatching(new RegExp(`^${tp.issuer}($|/)`))]);
      expect(res.body).not.toContain('evil.example');
      expect(res.headers['cache-control']).toBe('public, max-age=300');
    });

    it('completes a sign-in whose every redirect stays at PUBLIC_URL under a forged X-Forwarded-Host and -Proto', async () => {
      // Every request of this browser carries the forged headers; a redirect to evil.example would not resolve.
      const browser = new HttpBrowser({ 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' });
      const { tokens, callbackUrl } = await signIn(tp, { ...app, login: 'origin@agency.gov.sg', password: PASSWORD, browser });
      expect(new URL(callbackUrl).searchParams.get('iss')).toBe(tp.issuer);
      expect(tokens.claims()?.iss).toBe(tp.issuer);
    });

    it('sends the browser to the sign-in page and makes the sign-out form at PUBLIC_URL', async () => {
      const start = await startAuthorization(tp, app);
      const authorize = new URL(start.url);
      const res = await forgedGet(tp.url, `${authorize.pathname}${authorize.search}`);
      expect(res.status).toBe(303);
      expect(String(res.headers.location)).not.toContain('evil.example');
      expect(new URL(String(res.headers.location), tp.issuer).origin).toBe(tp.issuer);
      const logout = await forgedGet(tp.url, '/logout');
      expect(logout.status).toBe(200);
      expect(logout.body).toContain(`action="${tp.issuer}/logout/confirm"`);
      expect(logout.body).not.toContain('evil.example');
    });
  });
}
