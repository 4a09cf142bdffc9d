/**
 * Contract tests of the storage every node shares, on both engines: the
 * provider's model store (expiry, consume, revoke by grant), flows with
 * optimistic locking, rate-limit windows and job leases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.js';
import { MasterKey } from '../src/platform/secrets.js';
import { CompiledQuery, sql } from 'kysely';
import { accessFactsStatement } from '../src/persistence/repositories/assignments.js';
import { createStore, openDatabase, type Database, type Store } from '../src/persistence/store.js';
import { expiredRowsCleanup } from '../src/jobs/cleanup.js';
import { asUserId } from '../src/domain/ids.js';
import type { SignInFlow } from '../src/domain/flows/sign-in.js';
import { engine, freshDatabaseTarget } from './helpers/database.js';

describe(`storage contracts (${engine})`, () => {
  let store: Store;
  let database: Database;
  const clock = new ManualClock(Date.UTC(2026, 10, 23));
  beforeAll(async () => {
    database = openDatabase(await freshDatabaseTarget());
    store = createStore(database, clock, MasterKey.generate());
    await store.migrate();
  });
  afterAll(() => store?.close());

  describe("an account's sessions", () => {
    it("ends every Session and Grant of the account with the grants' tokens, and only those, and queues a logout per application of each session", async () => {
      const other = { accountId: 'acct_other', authorizations: { app_x: { sid: 'sid_o', grantId: 'g_o' } } };
      await store.oidcModels.upsert(
        'Session',
        'sess_a',
        { uid: 'ua', accountId: 'acct_a', authorizations: { app_1: { sid: 'sid_1', grantId: 'g_a1' }, app_2: { sid: 'sid_2', grantId: 'g_a2' } } },
        600,
      );
      await store.oidcModels.upsert('Session', 'sess_o', { uid: 'uo', ...other }, 600);
      await store.oidcModels.upsert('Grant', 'g_a1', { accountId: 'acct_a', clientId: 'app_1' }, 600);
      await store.oidcModels.upsert('Grant', 'g_o', { accountId: 'acct_other', clientId: 'app_x' }, 600);
      await store.oidcModels.upsert('RefreshToken', 'rt_a', { grantId: 'g_a1', accountId: 'acct_a' }, 600);
      await store.oidcModels.upsert('AccessToken', 'at_o', { grantId: 'g_o', accountId: 'acct_other' }, 600);

      expect(await store.accountSessions.endAll(asUserId('acct_a'))).toEqual({ sessions: 1, grants: 1, logouts: 2, portalSessions: 0 });
      for (const [model, id] of [
        ['Session', 'sess_a'],
        ['Grant', 'g_a1'],
        ['RefreshToken', 'rt_a'],
      ] as const) {
        expect(await store.oidcModels.find(model, id)).toBeUndefined();
      }
      for (const [model, id] of [
        ['Session', 'sess_o'],
        ['Grant', 'g_o'],
        ['AccessToken', 'at_o'],
      ] as const) {
        expect(await store.oidcModels.find(model, id)).toBeDefined();
      }
      const due = await store.backchannelLogouts.due(10);
      expect(due.map((d) => [d.clientId, d.accountId, d.sid]).sort()).toEqual([
        ['app_1', 'acct_a', 'sid_1'],
        ['app_2', 'acct_a', 'sid_2'],
      ]);
      // A failure is tried again later; a sent one is closed, then forgotten after a while.
      await store.backchannelLogouts.markFailed(due[0]!.id, 'refused', clock.now() + 60_000);
      await store.backchannelLogouts.markSent(due[1]!.id);
      expect(await store.backchannelLogouts.due(10)).toEqual([]);
      clock.advance(61_000);
      expect((await store.backchannelLogouts.due(10)).map((d) => [d.id, d.attempts])).toEqual([[due[0]!.id, 1]]);
      expect(await store.backchannelLogouts.forgetClosedBefore(clock.now() + 1)).toBe(1);
      expect(await store.backchannelLogouts.due(10)).toHaveLength(1);
    });
  });

  describe('provider models', () => {
    it('finds what it stored until it expires', async () => {
      await store.oidcModels.upsert('Session', 's1', { uid: 'u1', accountId: 'a' }, 60);
      expect(await store.oidcModels.find('Session', 's1')).toMatchObject({ accountId: 'a' });
      expect(await store.oidcModels.findByUid('Session', 'u1')).toMatchObject({ accountId: 'a' });
      clock.advance(61_000);
      expect(await store.oidcModels.find('Session', 's1')).toBeUndefined();
    });

    it('replaces a payload on a second upsert of the same id', async () => {
      await store.oidcModels.upsert('Grant', 'g1', { accountId: 'a', v: 1 }, 60);
      await store.oidcModels.upsert('Grant', 'g1', { accountId: 'a', v: 2 }, 60);
      expect(await store.oidcModels.find('Grant', 'g1')).toMatchObject({ v: 2 });
    });

    it('marks a consumed token with the time it was consumed, once', async () => {
      await store.oidcModels.upsert('AuthorizationCode', 'c1', { grantId: 'gr' }, 60);
      await store.oidcModels.consume('AuthorizationCode', 'c1');
      const first = await store.oidcModels.find('AuthorizationCode', 'c1');
      expect(first?.consumed).toBe(Math.floor(clock.now() / 1000));
      clock.advance(5000);
      await store.oidcModels.consume('AuthorizationCode', 'c1');
      expect((await store.oidcModels.find('AuthorizationCode', 'c1'))?.consumed).toBe(first?.consumed);
    });

    it('applies a batch of consumes and upserts together, and none of it when one write fails', async () => {
      await store.oidcModels.upsert('RefreshToken', 'rt-old', { grantId: 'gb', v: 1 }, 60);
      await store.oidcModels.upsert('AccessToken', 'at-old', { grantId: 'gb', v: 1 }, 60);
      await store.oidcModels.applyWrites([
        { op: 'consume', model: 'RefreshToken', id: 'rt-old' },
        { op: 'upsert', model: 'RefreshToken', id: 'rt-new', payload: { grantId: 'gb', v: 2 }, expiresInSeconds: 60 },
        { op: 'upsert', model: 'AccessToken', id: 'at-old', payload: { grantId: 'gb', v: 2 }, expiresInSeconds: 60 },
      ]);
      expect(await store.oidcModels.find('RefreshToken', 'rt-old')).toMatchObject({ v: 1, consumed: Math.floor(clock.now() / 1000) });
      expect(await store.oidcModels.find('RefreshToken', 'rt-new')).toMatchObject({ v: 2 });
      expect((await store.oidcModels.find('RefreshToken', 'rt-new'))?.consumed).toBeUndefined();
      expect(await store.oidcModels.find('AccessToken', 'at-old')).toMatchObject({ v: 2 });
      // The new rows die with their grant like any other.
      await store.oidcModels.revokeByGrantId('gb');
      expect(await store.oidcModels.find('RefreshToken', 'rt-new')).toBeUndefined();

      // A row the database refuses (no model: NOT NULL) fails the whole batch.
      await store.oidcModels.upsert('RefreshToken', 'rt-keep', { v: 1 }, 60);
      await expect(
        store.oidcModels.applyWrites([
          { op: 'consume', model: 'RefreshToken', id: 'rt-keep' },
          { op: 'upsert', model: 'AccessToken', id: 'at-ok', payload: { v: 1 }, expiresInSeconds: 60 },
          { op: 'upsert', model: null as unknown as string, id: 'at-bad', payload: { v: 1 }, expiresInSeconds: 60 },
        ]),
      ).rejects.toThrow();
      expect((await store.oidcModels.find('RefreshToken', 'rt-keep'))?.consumed).toBeUndefined();
      expect(await store.oidcModels.find('AccessToken', 'at-ok')).toBeUndefined();
    });

    it('finds a token with its grant and the session it is bound to, each only while it lives, as any token model', async () => {
      await store.oidcModels.upsert('Grant', 'gw', { accountId: 'a', kind: 'Grant' }, 120);
      await store.oidcModels.upsert('Session', 'sw', { uid: 'uw', accountId: 'a' }, 60);
      await store.oidcModels.upsert('RefreshToken', 'rtw', { grantId: 'gw', sessionUid: 'uw', kind: 'RefreshToken' }, 600);
      await store.oidcModels.upsert('RefreshToken', 'rtx', { grantId: 'gone', kind: 'RefreshToken' }, 600);
      const tokens = ['AccessToken', 'ClientCredentials', 'RefreshToken'];
      const found = (id: string, models = tokens) => store.oidcModels.findWithGrant(models, id).then((rows) => Object.fromEntries(rows));
      expect(await found('rtw')).toEqual({
        RefreshToken: {
          token: { grantId: 'gw', sessionUid: 'uw', kind: 'RefreshToken' },
          grant: { accountId: 'a', kind: 'Grant' },
          session: { uid: 'uw', accountId: 'a' },
        },
      });
      expect(await found('rtx')).toEqual({ RefreshToken: { token: { grantId: 'gone', kind: 'RefreshToken' } } });
      expect(await found('nope')).toEqual({});
      // One value looked up as every token model at once; a row of another model (a grant, a session) is not a token.
      await store.oidcModels.upsert('AccessToken', 'both', { grantId: 'gw', kind: 'AccessToken' }, 600);
      await store.oidcModels.upsert('ClientCredentials', 'both', { kind: 'ClientCredentials' }, 600);
      await store.oidcModels.upsert('Interaction', 'both', { kind: 'Interaction' }, 600);
      expect(await found('both')).toEqual({
        AccessToken: { token: { grantId: 'gw', kind: 'AccessToken' }, grant: { accountId: 'a', kind: 'Grant' } },
        ClientCredentials: { token: { kind: 'ClientCredentials' } },
      });
      expect(await found('gw')).toEqual({});
      expect(await found('both', ['ClientCredentials'])).toEqual({ ClientCredentials: { token: { kind: 'ClientCredentials' } } });
      clock.advance(61_000);
      expect(await found('rtw')).toEqual({
        RefreshToken: { token: { grantId: 'gw', sessionUid: 'uw', kind: 'RefreshToken' }, grant: { accountId: 'a', kind: 'Grant' } },
      });
    });

    it('claims an id once while it lives, even when two claims race, and again once it expired (not yet swept)', async () => {
      const claim = (id: string, v: number, ttl = 60) => store.oidcModels.claimOnce('ReplayDetection', id, { kind: 'ReplayDetection', v }, ttl);
      expect(await Promise.all([claim('jti-a', 1), claim('jti-a', 2)])).toEqual(expect.arrayContaining([true, false]));
      expect(await claim('jti-a', 3)).toBe(false);
      // Another model's row with the same id is another claim.
      expect(await store.oidcModels.claimOnce('DPoPProof', 'jti-a', { v: 1 }, 60)).toBe(true);
      const won = (await store.oidcModels.find('ReplayDetection', 'jti-a')) as { v: number };
      expect([1, 2]).toContain(won.v);
      clock.advance(60_000);
      expect(await store.oidcModels.find('ReplayDetection', 'jti-a')).toBeUndefined();
      expect(await claim('jti-a', 4)).toBe(true);
      expect(await store.oidcModels.find('ReplayDetection', 'jti-a')).toEqual({ kind: 'ReplayDetection', v: 4 });
      expect(await claim('jti-a', 5)).toBe(false);
    });

    it('revokes the tokens of a grant but never an interaction or session that mentions it', async () => {
      await store.oidcModels.upsert('AccessToken', 'at', { grantId: 'G' }, 60);
      await store.oidcModels.upsert('RefreshToken', 'rt', { grantId: 'G' }, 60);
      await store.oidcModels.upsert('Interaction', 'in', { grantId: 'G' }, 60);
      await store.oidcModels.upsert('AccessToken', 'other', { grantId: 'H' }, 60);
      await store.oidcModels.revokeByGrantId('G');
      expect(await store.oidcModels.find('AccessToken', 'at')).toBeUndefined();
      expect(await store.oidcModels.find('RefreshToken', 'rt')).toBeUndefined();
      expect(await store.oidcModels.find('Interaction', 'in')).toBeDefined();
      expect(await store.oidcModels.find('AccessToken', 'other')).toBeDefined();
    });

    it('cleans up expired rows and keeps live ones', async () => {
      await store.oidcModels.upsert('AccessToken', 'short', {}, 1);
      await store.oidcModels.upsert('AccessToken', 'long', {}, 3600);
      clock.advance(2000);
      const removed = await expiredRowsCleanup(store.oidcModels).run();
      expect(removed).toBeGreaterThanOrEqual(1);
      expect(await store.oidcModels.find('AccessToken', 'long')).toBeDefined();
    });

    it('deletes a backlog of expired rows in batches and lets other work run between them', async () => {
      for (let i = 0; i < 450; i += 1) await store.oidcModels.upsert('ReplayDetection', `jti-${i}`, {}, 1);
      clock.advance(2000);
      let finished = false;
      let ranMeanwhile = false;
      const cleaning = expiredRowsCleanup(store.oidcModels)
        .run()
        .finally(() => (finished = true));
      setImmediate(() => (ranMeanwhile = !finished));
      expect(await cleaning).toBeGreaterThanOrEqual(450);
      expect(ranMeanwhile).toBe(true);
    });
  });

  describe('flows', () => {
    it('lets only one of two concurrent writers of the same flow version win', async () => {
      const user = await store.users.create(
        { email: 'flow@agency.gov.sg', username: null, givenName: 'F', familyName: 'L', accountType: 'officer' },
        { passwordHash: null },
      );
      if (!user.ok) throw new Error('setup');
      const flow: SignInFlow = {
        id: 'flw_race',
        kind: 'sign-in',
        state: 'password',
        interactionUid: 'uid-race',
        userId: null,
        requestedAal: 1,
        methodsDone: [],
        context: { clientId: 'c', applicationName: 'A' },
        csrf: 'x',
        expiresAt: clock.now() + 60_000,
        version: 0,
        createdAt: clock.now(),
        updatedAt: clock.now(),
      };
      await store.flows.create(flow);
      const results = await Promise.all([
        store.flows.save({ ...flow, state: 'completed', userId: user.value.id }),
        store.flows.save({ ...flow, state: 'refused', userId: asUserId(user.value.id) }),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await store.flows.findByInteraction('uid-race'))?.version).toBe(1);
    });
  });

  describe('rate limits and leases', () => {
    it('counts hits in a window and starts again in the next one', async () => {
      expect(await store.rateLimits.hit('ip:1', 60_000)).toBe(1);
      expect(await store.rateLimits.hit('ip:1', 60_000)).toBe(2);
      expect(await store.rateLimits.count('ip:1', 60_000)).toBe(2);
      clock.advance(60_000);
      expect(await store.rateLimits.count('ip:1', 60_000)).toBe(0);
      expect(await store.rateLimits.hit('ip:1', 60_000)).toBe(1);
    });

    it('gives a job lease to one node at a time until it expires', async () => {
      expect(await store.leases.acquire('job', 'node-a', 10_000)).toBe(true);
      expect(await store.leases.acquire('job', 'node-b', 10_000)).toBe(false);
      expect(await store.leases.acquire('job', 'node-a', 10_000)).toBe(true);
      clock.advance(10_001);
      expect(await store.leases.acquire('job', 'node-b', 10_000)).toBe(true);
    });

    it('hands each queued reset request to one taker, oldest first, even when takes race', async () => {
      const logins = Array.from({ length: 9 }, (_, i) => `race${i}@agency.gov.sg`);
      for (const login of logins) {
        await store.passwordResetRequests.add(login, null);
        clock.advance(1);
      }
      // A lease does not keep one node's runs apart (it is the same owner's), nor two nodes' once it lapses.
      const taken = await Promise.all([4, 4, 4].map((n) => store.passwordResetRequests.take(n)));
      const names = taken.flat().map((r) => r.login);
      expect(new Set(names).size).toBe(names.length);
      for (const batch of taken) expect(batch.map((r) => r.login)).toEqual(batch.map((r) => r.login).sort());
      const rest = (await store.passwordResetRequests.take(50)).map((r) => r.login);
      expect([...names, ...rest].sort()).toEqual(logins);
    });
  });

  // SQLite plans without statistics (TechPass never runs ANALYZE); PostgreSQL plans from its own, so this is SQLite's.
  describe.runIf(engine === 'sqlite')('query plans without statistics (SQLite)', () => {
    it("reads a user's group memberships through the index by user, not every membership of the namespace", async () => {
      const { sql: text, parameters } = accessFactsStatement(database.db).bind({ namespace: 'ns_x', application: 'app_x', user: 'usr_x' });
      const { rows } = await database.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${text}`, parameters));
      const memberships = rows.map((r) => r.detail).filter((d) => / m USING /.test(d));
      expect(memberships).toEqual(['SEARCH m USING COVERING INDEX group_user_members_by_user (user_id=? AND namespace_id=?)']);
    });
  });

  describe('audit log', () => {
    it('chains events, and the database refuses to edit or delete a recorded event', async () => {
      await store.audit.append({ actor: 'a', action: 'x.one' });
      await store.audit.append({ actor: 'a', action: 'x.two', data: { n: 2 } });
      expect(await store.audit.verify()).toMatchObject({ ok: true });
      await expect(sql`update audit_events set actor = 'mallory'`.execute(database.db)).rejects.toThrow(/append-only/);
      await expect(sql`delete from audit_events`.execute(database.db)).rejects.toThrow(/append-only/);
      expect(await store.audit.verify()).toMatchObject({ ok: true });
    });
  });
});
