/**
 * The audit log and the signing keys through the management API: the audit log
 * queried by time, actor, action, namespace and target, paged newest first, and
 * exported as JSON lines whose hash chain still verifies; a tenant admin sees only
 * their namespaces' events; the signing keys (never a private part) to platform
 * admins only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { administrationDeps } from '../src/cli/demo.js';
import { verifyChain, type AuditEvent } from '../src/domain/audit.js';
import { updateApplication } from '../src/flows/applications.js';
import { systemClock } from '../src/platform/clock.js';
import { api, apiToken, person } from './helpers/api.js';
import { engine } from './helpers/database.js';
import { application, namespace } from './helpers/directory.js';
import { startTestServer, type TestServer } from './helpers/server.js';

type App = Awaited<ReturnType<typeof application>>;
type Event = AuditEvent & { namespace: string | null };

describe(`audit log and signing keys through the management API (${engine})`, () => {
  let tp: TestServer;
  let alphaApp: App;
  let betaApp: App;
  let started = 0;
  const ids: Record<string, string> = {};
  const tokens: Record<'platform' | 'alphaAdmin' | 'plain', string> = { platform: '', alphaAdmin: '', plain: '' };

  const get = async (path: string, token: string) => {
    const answer = await api(tp, 'GET', path, { token });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body as { items: Event[]; nextCursor: string | null };
  };

  /** The export as a client reads it: JSON lines. */
  async function exported(query: string, token: string): Promise<{ status: number; type: string | null; events: Event[] }> {
    const res = await fetch(`${tp.url}/api/v1/audit/export${query}`, { headers: { authorization: `Bearer ${token}` } });
    const body = await res.text();
    if (res.status !== 200) return { status: res.status, type: res.headers.get('content-type'), events: [] };
    const lines = body.split('\n');
    expect(lines.pop()).toBe('');
    return { status: res.status, type: res.headers.get('content-type'), events: lines.map((l) => JSON.parse(l) as Event) };
  }

  beforeAll(async () => {
    tp = await startTestServer();
    started = Date.now();
    await namespace(tp, 'ops');
    await namespace(tp, 'alpha');
    await namespace(tp, 'beta');
    const console_ = await application(tp, { namespace: 'ops', name: 'Console', isPublic: true, redirectUris: ['http://127.0.0.1/cb'] });
    const allowed = await updateApplication(administrationDeps(tp.server.store, systemClock), 'test', {
      namespace: 'ops',
      clientId: console_.clientId,
      changes: { managementApi: true },
    });
    expect(allowed.ok).toBe(true);
    alphaApp = await application(tp, { namespace: 'alpha', name: 'Alpha web' });
    betaApp = await application(tp, { namespace: 'beta', name: 'Beta web' });
    ids.root = (await person(tp, 'root@agency.gov.sg', { platformAdmin: true })).id;
    ids.alice = (await person(tp, 'alice@agency.gov.sg')).id;
    await person(tp, 'pat@agency.gov.sg');
    tokens.platform = await apiToken(tp, console_, 'root@agency.gov.sg');
    tokens.plain = await apiToken(tp, console_, 'pat@agency.gov.sg');
    // Audited changes through the API: the platform admin makes Alice alpha's admin; she renames Alpha's application.
    expect(
      (await api(tp, 'POST', '/api/v1/namespaces/alpha/admins', { token: tokens.platform, body: { email: 'alice@agency.gov.sg' } })).status,
    ).toBe(201);
    tokens.alphaAdmin = await apiToken(tp, console_, 'alice@agency.gov.sg');
    const path = `/api/v1/namespaces/alpha/applications/${alphaApp.clientId}`;
    const renamed = await api(tp, 'PATCH', path, { token: tokens.alphaAdmin, body: { name: 'Alpha portal' }, headers: { 'if-match': '*' } });
    expect(renamed.status).toBe(200);
    expect(
      (
        await api(tp, 'PATCH', `/api/v1/namespaces/beta/applications/${betaApp.clientId}`, {
          token: tokens.platform,
          body: { name: 'Beta portal' },
          headers: { 'if-match': '*' },
        })
      ).status,
    ).toBe(200);
  }, 90_000);
  afterAll(() => tp?.close());

  it('lists the signing keys with their state and dates to platform admins, never a private part', async () => {
    const keys = await api(tp, 'GET', '/api/v1/keys', { token: tokens.platform });
    expect(keys.status).toBe(200);
    const items = keys.body.items as Array<Record<string, unknown>>;
    expect(items.map((k) => `${k.alg} ${k.state}`).sort()).toEqual(['ES256 current', 'ES256 next', 'RS256 current', 'RS256 next']);
    for (const key of items) {
      expect(Object.keys(key).sort()).toEqual(['activatedAt', 'alg', 'createdAt', 'kid', 'publishUntil', 'retiredAt', 'state']);
      expect(typeof key.createdAt).toBe('number');
    }
    expect(JSON.stringify(keys.body)).not.toMatch(/"(d|p|q|dp|dq|qi|privateJwk|sealed_jwk)"/);
    // The kids are the ones the provider publishes.
    const jwks = (await (await fetch(`${tp.url}/jwks`)).json()) as { keys: Array<{ kid: string }> };
    expect(jwks.keys.map((k) => k.kid).sort()).toEqual(items.map((k) => k.kid).sort());
    for (const token of [tokens.alphaAdmin, tokens.plain]) {
      const refused = await api(tp, 'GET', '/api/v1/keys', { token });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('access.forbidden');
    }
  });

  it('queries the audit log by action, actor, namespace, target and time, newest first', async () => {
    const updated = await get('/api/v1/audit?action=application.updated', tokens.platform);
    expect(updated.items.map((e) => [e.namespace, e.targetId])).toEqual([
      ['beta', betaApp.clientId],
      ['alpha', alphaApp.clientId],
      ['ops', expect.any(String)],
    ]);
    // Changes through the API carry their before and after.
    expect(updated.items[1]!.data).toMatchObject({ before: { name: 'Alpha web' }, after: { name: 'Alpha portal' } });
    const seqs = updated.items.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const byAlice = await get(`/api/v1/audit?actor=${ids.alice}`, tokens.platform);
    expect(byAlice.items.map((e) => e.action)).toEqual(['application.updated', 'terms.accepted', 'sign_in.succeeded', 'push.approved']);
    expect((await get(`/api/v1/audit?actor=${ids.alice}&action=application.updated`, tokens.platform)).items).toHaveLength(1);
    const alpha = await get('/api/v1/audit?namespace=alpha&limit=200', tokens.platform);
    expect(alpha.items.length).toBeGreaterThanOrEqual(4);
    expect(new Set(alpha.items.map((e) => e.namespace))).toEqual(new Set(['alpha']));
    const target = await get(`/api/v1/audit?target=${alphaApp.clientId}`, tokens.platform);
    expect(target.items.map((e) => e.action)).toEqual(['application.updated', 'application.created']);
    expect((await get(`/api/v1/audit?to=${new Date(started - 60_000).toISOString()}`, tokens.platform)).items).toEqual([]);
    const window = await get(`/api/v1/audit?from=${started}&to=${Date.now() + 1000}&action=namespace.created`, tokens.platform);
    expect(window.items.map((e) => e.namespace)).toEqual(['beta', 'alpha', 'ops']);
  });

  it("shows a tenant admin only their namespaces' events, and refuses another namespace and plain users", async () => {
    const seen = await get('/api/v1/audit?limit=200', tokens.alphaAdmin);
    expect(seen.items.length).toBeGreaterThanOrEqual(4);
    expect(new Set(seen.items.map((e) => e.namespace))).toEqual(new Set(['alpha']));
    for (const path of ['/api/v1/audit?namespace=beta', '/api/v1/audit/export?namespace=beta']) {
      const refused = await api(tp, 'GET', path, { token: tokens.alphaAdmin });
      expect(refused.status, path).toBe(403);
      expect(refused.body.error.code).toBe('access.forbidden');
    }
    expect((await api(tp, 'GET', '/api/v1/audit', { token: tokens.plain })).status).toBe(403);
    expect((await exported('', tokens.plain)).status).toBe(403);
  });

  it('pages through the audit log with a cursor without repeating or skipping an event', async () => {
    const all = (await get('/api/v1/audit?limit=200', tokens.platform)).items.map((e) => e.seq);
    const paged: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await get(`/api/v1/audit?limit=4${query}`, tokens.platform);
      paged.push(...page.items.map((e) => e.seq));
      cursor = page.nextCursor;
    } while (cursor);
    expect(all.length).toBeGreaterThan(8);
    expect(paged).toEqual(all);
  });

  it('exports every matching event as JSON lines in chain order, whose hash chain verifies', async () => {
    const everything = await exported('', tokens.platform);
    expect(everything.status).toBe(200);
    expect(everything.type).toMatch(/^application\/x-ndjson/);
    const chain = everything.events.map(({ namespace: _n, ...event }) => event);
    expect(chain[0]!.seq).toBe(1);
    expect(verifyChain(chain)).toEqual({ ok: true, count: chain.length });
    const listed = (await get('/api/v1/audit?limit=200', tokens.platform)).items.map((e) => e.seq);
    expect(chain.map((e) => e.seq)).toEqual([...listed].reverse());
    // The same filters as the listing; a tenant admin's export holds only their namespace.
    const mine = await exported('?action=application.updated', tokens.alphaAdmin);
    expect(mine.events.map((e) => [e.namespace, e.targetId])).toEqual([['alpha', alphaApp.clientId]]);
    expect((await exported(`?to=${started - 60_000}`, tokens.platform)).events).toEqual([]);
    // The log verifies end to end after all this reading.
    expect(await tp.server.store.audit.verify()).toMatchObject({ ok: true });
  });

  it('refuses bad filters with 400 and the field at fault', async () => {
    for (const [path, field] of [
      ['/api/v1/audit?from=last-week', 'from'],
      ['/api/v1/audit?to=2026-13-45', 'to'],
      [`/api/v1/audit?from=${Date.now()}&to=${started}`, 'from'],
      ['/api/v1/audit?limit=500', 'limit'],
      ['/api/v1/audit?cursor=x', 'cursor'],
      ['/api/v1/audit/export?from=soon', 'from'],
    ] as const) {
      const refused = await api(tp, 'GET', path, { token: tokens.platform });
      expect(refused.status, path).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'input.invalid', fields: [field] });
    }
    const unknown = await api(tp, 'GET', '/api/v1/audit?namespace=nowhere', { token: tokens.platform });
    expect(unknown.status).toBe(404);
    expect((await api(tp, 'GET', '/api/v1/audit')).status).toBe(401);
  });
});
