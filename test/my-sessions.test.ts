/**
 * A person's own signed-in sessions through the management API (issue 20's My Account ›
 * Security): listed with what they can recognise (the applications by name, the browser,
 * "this browser"), ended one at a time or all but the current one. An ended session's
 * refresh token is refused and its access token inactive at introspection, the
 * application it signed in to gets a back-channel logout, the browser must sign in again,
 * and a portal session that signed in with it is gone. Another person's session id is
 * not found, and stays live.
 */
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { administrationDeps } from '../src/cli/demo.js';
import { updateApplication } from '../src/flows/applications.js';
import { systemClock } from '../src/platform/clock.js';
import { api, apiToken, person } from './helpers/api.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD } from './helpers/directory.js';
import { HttpBrowser } from './helpers/http-browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { portalHttp } from './helpers/portal-http.js';
import { signIn, startAuthorization } from './helpers/sign-in.js';

type App = Awaited<ReturnType<typeof application>>;
interface Listed {
  id: string;
  current: boolean;
  applications: Array<{ clientId: string; name: string | null }>;
  userAgent: string | null;
  ip: string | null;
  signedInAt: number;
}

describe(`my signed-in sessions (${engine})`, () => {
  let tp: TestServer;
  let wiki: App;
  let console_: App;

  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'own');
    wiki = await application(tp, { namespace: 'own', name: 'Wiki', redirectUris: ['https://wiki.example.gov.sg/cb'] });
    console_ = await application(tp, { namespace: 'own', name: 'Console', isPublic: true, redirectUris: ['http://127.0.0.1/console/cb'] });
    const deps = administrationDeps(tp.server.store, systemClock);
    expect((await updateApplication(deps, 'test', { namespace: 'own', clientId: console_.clientId, changes: { managementApi: true } })).ok).toBe(
      true,
    );
    for (const email of ['ann@agency.gov.sg', 'ben@agency.gov.sg', 'cat@agency.gov.sg']) await person(tp, email);
  }, 60_000);
  afterAll(() => tp?.close());

  const portal = (login: string, userAgent?: string) => portalHttp(tp, login, userAgent ? { userAgent } : {});

  /** Another browser signed in to the Wiki: its tokens (with a refresh token) are what must die with the session. */
  async function wikiBrowser(login: string) {
    const browser = new HttpBrowser({ 'user-agent': 'WikiBrowser/2.0' });
    const { tokens, config } = await signIn(tp, { ...wiki, login, password: PASSWORD, browser, scope: 'openid offline_access' });
    expect(tokens.refresh_token).toBeTruthy();
    return { browser, tokens, config };
  }

  /** Whether `browser` still has single sign-on at the Wiki (prompt=none answers a code). */
  async function silent(browser: HttpBrowser) {
    const start = await startAuthorization(tp, { ...wiki, prompt: 'none' });
    const page = await browser.follow(start.url, {}, (u) => u.startsWith(wiki.redirectUri));
    return new URL(page.url).searchParams.get('code') !== null;
  }

  it('lists the sessions with their applications and browsers, this browser marked', async () => {
    const w = await wikiBrowser('ann@agency.gov.sg');
    const p = await portal('ann@agency.gov.sg');
    const listed = await p.call('GET', '/me/sessions');
    expect(listed.status).toBe(200);
    const items = listed.body.items as Listed[];
    expect(items).toHaveLength(2);
    const current = items.find((s) => s.current)!;
    expect(current.userAgent).toBe('PortalBrowser/1.0');
    expect(current.applications.map((a) => a.name)).toEqual(['TechPass portal']);
    const other = items.find((s) => !s.current)!;
    expect(other).toMatchObject({ userAgent: 'WikiBrowser/2.0', applications: [{ clientId: wiki.clientId, name: 'Wiki' }] });
    expect(other.ip).toBeTruthy();
    expect(other.signedInAt).toBeLessThanOrEqual(current.signedInAt);
    // Never the session's cookie value (the provider's session id).
    const cookieValues = [...w.browser.cookies.values()];
    for (const v of cookieValues) expect(items.map((s) => s.id)).not.toContain(v);
  });

  it('ends another browser’s session: its tokens die, its applications are told, it must sign in again', async () => {
    await person(tp, 'dee@agency.gov.sg');
    const w = await wikiBrowser('dee@agency.gov.sg');
    const p = await portal('dee@agency.gov.sg');
    expect(await silent(w.browser)).toBe(true);
    const other = ((await p.call('GET', '/me/sessions')).body.items as Listed[]).find((s) => !s.current)!;
    const ended = await p.call('DELETE', `/me/sessions/${encodeURIComponent(other.id)}`);
    expect(ended.status).toBe(200);
    expect(ended.body).toEqual({ current: false });

    const refreshed = await client.refreshTokenGrant(w.config, w.tokens.refresh_token!).then(
      () => null,
      (e: unknown) => e as { error?: string },
    );
    expect(refreshed?.error).toBe('invalid_grant');
    expect(await client.tokenIntrospection(w.config, w.tokens.access_token)).toMatchObject({ active: false });
    expect(await silent(w.browser)).toBe(false);
    // Its account picker entry is no longer signed in: the next sign-in asks for the password again.
    const again = await w.browser.follow((await startAuthorization(tp, wiki)).url, {}, (u) => u.startsWith(wiki.redirectUri));
    expect(again.stopped).toBe(false);
    expect(again.html).toMatch(/\/password"|\/identify"/);

    // The portal's own session lives on; the list has one session left, and a second try is not found.
    const left = await p.call('GET', '/me/sessions');
    expect((left.body.items as Listed[]).map((s) => s.current)).toEqual([true]);
    const twice = await p.call('DELETE', `/me/sessions/${encodeURIComponent(other.id)}`);
    expect(twice.status).toBe(404);
    expect(twice.body.error.code).toBe('session.not_found');

    const user = await tp.server.store.users.findByLogin('dee@agency.gov.sg');
    const events = await tp.server.store.audit.list({ targetId: user!.id, limit: 1000 });
    expect(events.find((e) => e.action === 'session.ended')?.data).toMatchObject({
      session: other.id,
      applications: [wiki.clientId],
      current: false,
      logouts: 1,
    });
    const owed = await tp.server.store.backchannelLogouts.due(1000);
    expect(owed.some((l) => l.accountId === user!.id && l.clientId === wiki.clientId)).toBe(true);
  });

  it('refuses another person’s session id (404) and leaves it live, with a token or the portal', async () => {
    const w = await wikiBrowser('ben@agency.gov.sg');
    const ben = await portal('ben@agency.gov.sg');
    const bens = (await ben.call('GET', '/me/sessions')).body.items as Listed[];
    const target = bens.find((s) => !s.current)!;
    const cat = await portal('cat@agency.gov.sg', 'CatBrowser/3');
    const byPortal = await cat.call('DELETE', `/me/sessions/${encodeURIComponent(target.id)}`);
    expect(byPortal.status).toBe(404);
    expect(byPortal.body.error.code).toBe('session.not_found');
    const token = await apiToken(tp, console_, 'cat@agency.gov.sg');
    const byToken = await api(tp, 'DELETE', `/api/v1/me/sessions/${encodeURIComponent(target.id)}`, { token });
    expect(byToken.status).toBe(404);
    // Cat's list never shows Ben's sessions.
    const cats = (await api(tp, 'GET', '/api/v1/me/sessions', { token })).body.items as Listed[];
    expect(cats.map((s) => s.id)).not.toContain(target.id);
    expect(cats.every((s) => !s.current)).toBe(true);
    expect(await silent(w.browser)).toBe(true);
    expect((await ben.call('GET', '/me/sessions')).body.items).toHaveLength(2);
    // Forged ids: not found either.
    for (const id of ['..', 'x'.repeat(90), target.id.toUpperCase()]) {
      expect((await cat.call('DELETE', `/me/sessions/${encodeURIComponent(id)}`)).status).toBe(404);
    }
  });

  it('ends the current session: the portal session is gone with it', async () => {
    await person(tp, 'eve@agency.gov.sg');
    const p = await portal('eve@agency.gov.sg');
    const mine = ((await p.call('GET', '/me/sessions')).body.items as Listed[]).find((s) => s.current)!;
    const ended = await p.call('DELETE', `/me/sessions/${encodeURIComponent(mine.id)}`);
    expect(ended.status).toBe(200);
    expect(ended.body).toEqual({ current: true });
    expect((await p.call('GET', '/me')).status).toBe(401);
    expect((await p.browser.request(`${tp.issuer}/portal/session`)).status).toBe(401);
  });

  it('ends every other session, keeping this one', async () => {
    await person(tp, 'fay@agency.gov.sg');
    const a = await wikiBrowser('fay@agency.gov.sg');
    const b = await wikiBrowser('fay@agency.gov.sg');
    const p = await portal('fay@agency.gov.sg');
    expect((await p.call('GET', '/me/sessions')).body.items).toHaveLength(3);
    const ended = await p.call('POST', '/me/sessions/end-others');
    expect(ended.status).toBe(200);
    expect(ended.body).toEqual({ ended: 2 });
    expect(await silent(a.browser)).toBe(false);
    expect(await silent(b.browser)).toBe(false);
    expect(((await p.call('GET', '/me/sessions')).body.items as Listed[]).map((s) => s.current)).toEqual([true]);
    // A session that expires at the provider: what was recorded of its browser goes with the cleanup job's next run, and only that.
    const fay = (await tp.server.store.users.findByLogin('fay@agency.gov.sg'))!;
    const store = tp.server.store;
    await store.oidcModels.upsert(
      'Session',
      'jti-expiring',
      { uid: 'uid-expiring', accountId: fay.id, loginTs: Math.floor(Date.now() / 1000), authorizations: {} },
      3600,
    );
    await store.ownSessions.seen({ sessionUid: 'uid-expiring', userId: fay.id, ip: '127.0.0.1', userAgent: 'Expiring', rememberedRef: null });
    await store.ownSessions.forgetEnded(50);
    expect((await store.ownSessions.list(fay.id)).find((s) => s.id === 'uid-expiring')?.userAgent).toBe('Expiring');
    await store.oidcModels.destroy('Session', 'jti-expiring');
    expect(await store.ownSessions.forgetEnded(50)).toBe(1);
    expect(await store.ownSessions.forgetEnded(50)).toBe(0);
    expect(((await p.call('GET', '/me/sessions')).body.items as Listed[]).map((s) => [s.current, s.userAgent !== null])).toEqual([[true, true]]);
  });
});
