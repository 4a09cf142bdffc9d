/**
 * No input gives a 5xx: every cookie and header TechPass (or oidc-provider in it)
 * reads is fuzzed with fast-check on representative routes, the way an outside
 * probe would send them. Values come from real ones (a live session, interaction
 * and remembered-accounts cookie, a bearer token, a signed device request),
 * mutated, swapped between names, or replaced with garbage (bad percent-encoding,
 * long values, control characters a socket may carry).
 */
import fc from 'fast-check';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { form, HttpBrowser } from './helpers/http-browser.js';
import { phoneOf } from './helpers/phone.js';
import { deviceFetch } from './helpers/authenticator.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { signIn, startAuthorization } from './helpers/sign-in.js';

/** Every cookie TechPass or the provider reads (plain http, and the names used behind TLS). */
const COOKIE_NAMES = [
  'techpass_session',
  'techpass_session.sig',
  'techpass_interaction',
  'techpass_interaction.sig',
  'techpass_resume',
  'techpass_resume.sig',
  'techpass_accounts',
  'techpass_csrf',
  '__Host-techpass_session',
  '__Host-techpass_session.sig',
  '__Secure-techpass_interaction',
  '__Secure-techpass_resume',
  '__Host-techpass_accounts',
  '__Host-techpass_csrf',
  'techpass_onboarding',
  '__Host-techpass_onboarding',
  '_session',
  '_interaction',
];

/** Every header TechPass or the provider reads. */
const HEADER_NAMES = [
  'host',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
  'forwarded',
  'authorization',
  'user-agent',
  'content-type',
  'accept',
  'accept-language',
  'origin',
  'referer',
  'dpop',
  'if-none-match',
  'x-techpass-device',
  'x-techpass-timestamp',
  'x-techpass-nonce',
  'x-techpass-signature',
  'x-correlation-id',
];

interface Route {
  name: string;
  method: 'GET' | 'POST';
  path: () => string;
  body?: () => string;
}

interface Seen {
  route: string;
  status: number;
  headers: Record<string, string>;
  /** What the server logged as an error meanwhile. */
  errors?: unknown[];
}

/** A raw HTTP request (node:http, so Host, Cookie and odd bytes go out as given); answers the status. */
function send(base: string, route: Route, headers: Record<string, string>): Promise<number> {
  const url = new URL(route.path(), base);
  const body = route.body?.();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: route.method, headers, setHost: !('host' in headers) },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timed out')));
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

/** Header values node:http agrees to send: no CR/LF/NUL, Latin-1 only. */
const sendable = (value: string) => /^[\t\x20-\x7e\x80-\xff]*$/.test(value);

describe(`no 5xx from any cookie or header (${engine})`, () => {
  let tp: TestServer;
  const real: Record<string, string[]> = {};
  const routes: Route[] = [];

  beforeAll(async () => {
    // Behind a trusted proxy (this test's loopback), so the X-Forwarded-* headers are read too.
    tp = await startTestServer({ env: { TRUST_PROXY: 'loopback' } });
    await namespace(tp, 'portal');
    const app = await application(tp, { namespace: 'portal', name: 'Docs Portal' });
    await user(tp, 'fuzz@agency.gov.sg');
    await user(tp, 'fuzz.two@agency.gov.sg');
    // Two accounts signed in one browser: session, remembered-accounts and (for the second) switch cookies.
    const { browser, tokens } = await signIn(tp, { ...app, login: 'fuzz@agency.gov.sg', password: PASSWORD });
    await signIn(tp, { ...app, login: 'fuzz.two@agency.gov.sg', password: PASSWORD, browser, prompt: 'login' });
    // A live interaction in another browser: its cookie and its page.
    const other = new HttpBrowser();
    const start = await startAuthorization(tp, app);
    const signInPage = await other.follow(start.url);
    const identify = form(signInPage, '/identify');
    const uid = new URL(signInPage.url).pathname.split('/')[2]!;
    const reset = new HttpBrowser();
    const resetPage = await reset.follow(`${tp.url}/login/reset`);
    const resetCsrf = form(resetPage, '/login/reset').fields.csrf!;
    for (const jar of [browser.cookies, other.cookies, reset.cookies]) for (const [k, v] of jar) (real[k] ??= []).push(v);
    const phone = phoneOf(tp, 'fuzz@agency.gov.sg')!;
    const signed = await deviceFetch(tp.url, phone, 'GET', '/challenges');
    expect(signed.status).toBe(200);
    real.authorization = [
      `Bearer ${tokens.access_token}`,
      `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`,
      'Bearer',
      'Basic %%%',
      'Basic ' + Buffer.from('\u00ff:\u00ff', 'latin1').toString('base64'),
    ];
    real['x-techpass-device'] = [phone.deviceId];
    real['x-techpass-timestamp'] = [String(Date.now()), '1e309', '-1', '99999999999999999'];
    real.host = [new URL(tp.url).host, 'evil.example', '[::1]:1', ':', 'a b'];
    real['content-type'] = ['application/x-www-form-urlencoded', 'application/json', 'multipart/form-data; boundary=x', 'text/plain; charset=utf-99'];
    real['x-forwarded-for'] = ['203.0.113.9', 'not-an-ip, , ::1', '1.1.1.1'.repeat(300)];
    real['x-forwarded-proto'] = ['https', 'gopher', 'http,https', 'a:b', 'a b'];
    real.dpop = ['eyJ0eXAiOiJkcG9wK2p3dCJ9.e30.', 'a.b.c'];
    real['accept-language'] = ['en-SG,en;q=0.9', '*;q=x', 'zz-ZZ-x-'.repeat(40)];
    const form2 = (fields: Record<string, string>) => () => new URLSearchParams(fields).toString();
    const authorizeQuery = new URL(start.url).search;
    routes.push(
      { name: 'authorize', method: 'GET', path: () => `/authorize${authorizeQuery}` },
      { name: 'authorize prompt=none', method: 'GET', path: () => `/authorize${authorizeQuery}&prompt=none` },
      { name: 'resume', method: 'GET', path: () => `/authorize/${uid}` },
      { name: 'sign-in page', method: 'GET', path: () => `/login/${uid}` },
      { name: 'identify', method: 'POST', path: () => `/login/${uid}/identify`, body: form2({ ...identify.fields, login: 'fuzz@agency.gov.sg' }) },
      { name: 'pick', method: 'POST', path: () => `/login/${uid}/pick`, body: form2({ ...identify.fields, ref: 'x' }) },
      { name: 'push-status', method: 'GET', path: () => `/login/${uid}/push-status` },
      { name: 'reset page', method: 'GET', path: () => '/login/reset' },
      { name: 'reset post', method: 'POST', path: () => '/login/reset', body: form2({ csrf: resetCsrf, login: 'fuzz@agency.gov.sg' }) },
      { name: 'reset link', method: 'GET', path: () => '/login/reset/abc.def' },
      { name: 'logout', method: 'GET', path: () => '/logout' },
      { name: 'logout confirm', method: 'POST', path: () => '/logout/confirm', body: form2({ xsrf: 'x', logout: 'yes' }) },
      { name: 'token', method: 'POST', path: () => '/token', body: form2({ grant_type: 'client_credentials' }) },
      { name: 'userinfo', method: 'GET', path: () => '/userinfo' },
      { name: 'introspect', method: 'POST', path: () => '/introspect', body: form2({ token: tokens.access_token }) },
      { name: 'device challenges', method: 'GET', path: () => '/api/v1/authenticator/challenges' },
      {
        name: 'device enrol',
        method: 'POST',
        path: () => '/api/v1/authenticator/devices',
        body: () => '{"token":"a.b","name":"x","publicKeyJwk":{}}',
      },
      { name: 'authenticator app', method: 'GET', path: () => '/authenticator/' },
      { name: 'discovery', method: 'GET', path: () => '/.well-known/openid-configuration' },
    );
  });
  afterAll(() => tp?.close());

  const serverErrors = () => tp.logs.filter((l) => Number(l.level) >= 50).map((l) => JSON.stringify(l).slice(0, 400));

  /** A value for `name`: a real one (of this name or another), mutated, or garbage. */
  const valueFor = (name: string) => {
    const pool = [...(real[name] ?? []), ...Object.values(real).flat()];
    const realValue = fc.constantFrom(...pool);
    return fc
      .oneof(
        realValue,
        fc
          .tuple(realValue, fc.nat(), fc.string({ maxLength: 8 }))
          .map(([v, at, s]) => v.slice(0, at % (v.length + 1)) + s + v.slice(at % (v.length + 1))),
        fc.tuple(realValue, fc.nat()).map(([v, at]) => v.slice(0, at % (v.length + 1))),
        fc.constantFrom(
          '%E0%A4%A',
          '%',
          '%%',
          '%ff%fe',
          '"',
          '""',
          '=',
          ';',
          'a=b=c',
          '\u00ff\u00fe',
          '\t',
          ' ',
          'null',
          '[]',
          '{}',
          'x'.repeat(4000),
        ),
        fc.string({ maxLength: 40 }),
        fc.string({ unit: 'binary-ascii', maxLength: 40 }),
        fc.stringMatching(/^[%0-9A-Fa-f.=_-]{0,30}$/),
      )
      .filter(sendable);
  };

  const cookieHeader = fc
    .array(
      fc.oneof(
        fc.constantFrom(...COOKIE_NAMES).chain((name) => valueFor(name).map((v) => `${name}=${v}`)),
        fc.string({ unit: 'binary-ascii', maxLength: 20 }),
      ),
      { maxLength: 8 },
    )
    .map((parts) => parts.join('; '))
    .filter(sendable);

  const headerSet = fc
    .tuple(
      cookieHeader,
      fc.subarray(HEADER_NAMES, { maxLength: 6 }).chain((names) => fc.tuple(...names.map((n) => valueFor(n).map((v) => [n, v] as const)))),
    )
    .map(([cookie, pairs]) => ({ ...(cookie ? { cookie } : {}), ...Object.fromEntries(pairs) }) as Record<string, string>);

  it('answers a provider request whose Host or forwarded scheme forms no URL without a 500, with the issuer of PUBLIC_URL', async () => {
    const discovery = routes.find((r) => r.name === 'discovery')!;
    const logout = routes.find((r) => r.name === 'logout')!;
    const odd: Array<Record<string, string>> = [{ host: 'a b' }, { host: 'x:1x:1' }, { 'x-forwarded-host': '[::1' }, { 'x-forwarded-proto': 'a:b' }];
    for (const headers of odd) {
      expect(await send(tp.url, discovery, headers), JSON.stringify(headers)).toBeLessThan(500);
      expect(await send(tp.url, logout, headers), JSON.stringify(headers)).toBeLessThan(500);
      const answer = await fetch(`${tp.url}/.well-known/openid-configuration`, { headers: headers.host ? {} : headers });
      expect(((await answer.json()) as { issuer: string }).issuer).toBe(tp.issuer);
    }
    expect(serverErrors()).toEqual([]);
  });

  it('answers every route below 500 whatever cookies and headers it is sent', async () => {
    const failures: Seen[] = [];
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: routes.length - 1 }), headerSet, async (index, headers) => {
        const route = routes[index]!;
        if (route.body && !headers['content-type'])
          headers['content-type'] = route.name.startsWith('device') ? 'application/json' : 'application/x-www-form-urlencoded';
        const status = await send(tp.url, route, headers);
        if (status >= 500) failures.push({ route: route.name, status, headers, errors: serverErrors() });
        return status < 500;
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 250), endOnFailure: true },
    );
    expect(failures).toEqual([]);
    expect(serverErrors()).toEqual([]);
  }, 240_000);

  it('answers every route below 500 when each cookie in turn is garbage and the rest are real', async () => {
    const seen: Seen[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: routes.length - 1 }),
        fc.constantFrom(...COOKIE_NAMES),
        fc.string({ unit: 'binary-ascii', maxLength: 30 }),
        async (index, name, junk) => {
          const route = routes[index]!;
          const jar = new Map(
            Object.entries(real)
              .filter(([k]) => COOKIE_NAMES.includes(k))
              .map(([k, v]) => [k, v[0]!]),
          );
          jar.set(name, junk);
          const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
          if (!sendable(cookie)) return true;
          const headers: Record<string, string> = {
            cookie,
            ...(route.body ? { 'content-type': route.name.startsWith('device') ? 'application/json' : 'application/x-www-form-urlencoded' } : {}),
          };
          const status = await send(tp.url, route, headers);
          if (status >= 500) seen.push({ route: route.name, status, headers, errors: serverErrors() });
          return status < 500;
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 150), endOnFailure: true },
    );
    expect(seen).toEqual([]);
    expect(serverErrors()).toEqual([]);
  }, 240_000);
});
