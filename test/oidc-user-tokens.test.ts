/**
 * Tokens about people, after a real sign-in: the directory claims (groups, tid)
 * in ID tokens, userinfo and introspection; refresh-token rotation with reuse
 * detection; the application switches applied at refresh; the implicit grant
 * only when switched on; back-channel logout, and its outbound-call policy.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { sql } from 'kysely';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { administrationDeps } from '../src/cli/demo.js';
import { assignToApplication, updateApplication } from '../src/flows/applications.js';
import { addGroupMember, createGroup } from '../src/flows/groups.js';
import type { ApplicationChanges } from '../src/domain/directory.js';
import { systemClock } from '../src/platform/clock.js';
import { openDatabase } from '../src/persistence/store.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { form, HttpBrowser } from './helpers/http-browser.js';
import { logoutReceiver } from './helpers/logout-receiver.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { completeSignIn, rpConfig, signIn } from './helpers/sign-in.js';

type App = Awaited<ReturnType<typeof application>>;
type OAuthError = { error?: string; error_description?: string };

/** Signs the browser out of TechPass the way an application sends it: RP-initiated logout, confirmed. */
async function signOut(tp: TestServer, browser: HttpBrowser, idToken: string, postLogoutRedirectUri: string) {
  const url = `${tp.issuer}/logout?${new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: postLogoutRedirectUri })}`;
  const page = await browser.follow(url, {}, (u) => u.startsWith(postLogoutRedirectUri));
  if (page.stopped) return page;
  const confirm = form(page, '/logout/confirm');
  return browser.follow(confirm.action, { form: { ...confirm.fields, logout: 'yes' } }, (u) => u.startsWith(postLogoutRedirectUri));
}

const failure = (promise: Promise<unknown>): Promise<OAuthError | null> =>
  promise.then(
    () => null,
    (e: unknown) => e as OAuthError,
  );

describe(`tokens about people (${engine})`, () => {
  let tp: TestServer;
  let portal: App;
  let wiki: App;
  let receiver: Awaited<ReturnType<typeof logoutReceiver>>;
  const deps = () => administrationDeps(tp.server.store, systemClock);
  const update = async (app: App, changes: ApplicationChanges) => {
    const result = await updateApplication(deps(), 'test', { namespace: 'portal', clientId: app.clientId, changes });
    expect(result.ok).toBe(true);
  };
  const login = (app: App, who: string) => signIn(tp, { ...app, login: who, password: PASSWORD });

  beforeAll(async () => {
    receiver = await logoutReceiver();
    tp = await startTestServer({ env: { OUTBOUND_ALLOW_PRIVATE: 'true' } });
    await namespace(tp, 'portal');
    portal = await application(tp, { namespace: 'portal', name: 'Docs Portal' });
    wiki = await application(tp, { namespace: 'portal', name: 'Wiki' });
    for (const email of ['jane@agency.gov.sg', 'ken@agency.gov.sg', 'lim@agency.gov.sg', 'max@agency.gov.sg']) await user(tp, email);
    for (const name of ['readers', 'auditors', 'private', 'interns'])
      expect((await createGroup(deps(), 'test', { namespace: 'portal', name })).ok).toBe(true);
    const member = async (group: string, m: { user: string } | { memberGroup: string }) =>
      expect((await addGroupMember(deps(), 'test', { namespace: 'portal', group, member: m })).ok).toBe(true);
    await member('readers', { user: 'jane@agency.gov.sg' });
    await member('private', { user: 'jane@agency.gov.sg' });
    await member('interns', { user: 'jane@agency.gov.sg' });
    await member('readers', { memberGroup: 'interns' });
    await member('interns', { user: 'lim@agency.gov.sg' });
    await member('readers', { user: 'max@agency.gov.sg' });
    const assign = async (app: App, assignee: { user: string } | { group: string }) =>
      expect((await assignToApplication(deps(), 'test', { namespace: 'portal', clientId: app.clientId, assignee })).ok).toBe(true);
    await assign(portal, { group: 'readers' });
    await assign(portal, { group: 'auditors' });
    await assign(portal, { user: 'ken@agency.gov.sg' });
    await assign(wiki, { group: 'auditors' });
  });
  afterAll(async () => {
    await tp?.close();
    await receiver?.close();
  });

  describe('claims', () => {
    it('puts profile, e-mail, tid and the groups assigned to the application in the ID token for "openid profile email"', async () => {
      const { tokens } = await login(portal, 'jane@agency.gov.sg');
      const ns = await tp.server.store.namespaces.findByName('portal');
      const jane = await tp.server.store.users.findByLogin('jane@agency.gov.sg');
      expect(tokens.claims()).toMatchObject({
        sub: jane!.id,
        name: 'Jane Tester',
        given_name: 'Jane',
        family_name: 'Tester',
        email: 'jane@agency.gov.sg',
        email_verified: true,
        preferred_username: 'jane@agency.gov.sg',
        tid: ns!.directoryId,
        // private: not assigned; interns: not assigned (nested in readers, which is); auditors: not a member.
        groups: ['portal:readers'],
      });
    });

    it('tells each application only about the groups assigned to it', async () => {
      const { tokens } = await login(wiki, 'jane@agency.gov.sg');
      expect(tokens.claims()?.groups).toEqual([]);
    });

    it('answers the same tid and groups at userinfo and in token introspection', async () => {
      const { tokens, config } = await login(portal, 'jane@agency.gov.sg');
      const ns = await tp.server.store.namespaces.findByName('portal');
      const info = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
      expect(info).toMatchObject({ tid: ns!.directoryId, groups: ['portal:readers'] });
      const introspection = await client.tokenIntrospection(config, tokens.access_token);
      expect(introspection).toMatchObject({ active: true, tid: ns!.directoryId, groups: ['portal:readers'] });
    });
  });

  describe('refresh tokens', () => {
    it('rotates the refresh token at every use', async () => {
      const { tokens, config } = await login(portal, 'ken@agency.gov.sg');
      expect(tokens.refresh_token).toBeTruthy();
      const next = await client.refreshTokenGrant(config, tokens.refresh_token!);
      expect(next.refresh_token).toBeTruthy();
      expect(next.refresh_token).not.toBe(tokens.refresh_token);
      expect(next.claims()?.sub).toBe(tokens.claims()?.sub);
    });

    it('refuses a refresh token that was already used and revokes the whole grant', async () => {
      const { tokens, config } = await login(portal, 'ken@agency.gov.sg');
      const next = await client.refreshTokenGrant(config, tokens.refresh_token!);
      expect(await failure(client.refreshTokenGrant(config, tokens.refresh_token!))).toMatchObject({ error: 'invalid_grant' });
      // The grant is gone: the rotated refresh token and its access token die with it.
      expect(await failure(client.refreshTokenGrant(config, next.refresh_token!))).toMatchObject({ error: 'invalid_grant' });
      expect(await client.tokenIntrospection(config, next.access_token)).toMatchObject({ active: false });
    });

    it('refuses to refresh once sign-in to the application is disabled, and leaves the token usable if it is enabled again', async () => {
      const { tokens, config } = await login(wiki, 'ken@agency.gov.sg');
      await update(wiki, { signInEnabled: false });
      try {
        expect(await failure(client.refreshTokenGrant(config, tokens.refresh_token!))).toMatchObject({
          error: 'invalid_grant',
          error_description: expect.stringContaining('disabled'),
        });
      } finally {
        await update(wiki, { signInEnabled: true });
      }
      await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).resolves.toHaveProperty('access_token');
    });

    it('refuses to refresh once the person signed out of TechPass', async () => {
      const { tokens, browser, config } = await login(portal, 'ken@agency.gov.sg');
      const next = await client.refreshTokenGrant(config, tokens.refresh_token!);
      const done = await signOut(tp, browser, tokens.id_token!, 'https://app.example.gov.sg/');
      expect(done.stopped).toBe(true);
      expect(await failure(client.refreshTokenGrant(config, next.refresh_token!))).toMatchObject({ error: 'invalid_grant' });
    });

    it('stores a refresh whole or not at all: when its tokens cannot be stored it answers server_error, and the refresh token still works', async () => {
      const { tokens, config } = await login(portal, 'ken@agency.gov.sg');
      // A second connection makes the database refuse access tokens for a moment.
      const second = openDatabase(tp.config.database);
      const refuse =
        engine === 'sqlite'
          ? [
              sql`create trigger refuse_access_tokens before insert on oidc_models when new.model = 'AccessToken' begin select raise(abort, 'refused by the test'); end`,
            ]
          : [
              sql`create function refuse_access_tokens() returns trigger language plpgsql as $$ begin if new.model = 'AccessToken' then raise exception 'refused by the test'; end if; return new; end $$`,
              sql`create trigger refuse_access_tokens before insert on oidc_models for each row execute function refuse_access_tokens()`,
            ];
      const allow =
        engine === 'sqlite'
          ? [sql`drop trigger refuse_access_tokens`]
          : [sql`drop trigger refuse_access_tokens on oidc_models`, sql`drop function refuse_access_tokens()`];
      try {
        for (const statement of refuse) await statement.execute(second.db);
        const refused = await fetch(`${tp.issuer}/token`, {
          method: 'POST',
          headers: { authorization: `Basic ${Buffer.from(`${portal.clientId}:${portal.clientSecret}`).toString('base64')}` },
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }),
        });
        expect(refused.status).toBe(500);
        expect(refused.headers.get('cache-control')).toBe('no-store');
        const body = (await refused.json()) as Record<string, unknown>;
        expect(body).toEqual({ error: 'server_error', error_description: expect.any(String) });
      } finally {
        for (const statement of allow) await statement.execute(second.db);
        await second.close();
      }
      // Nothing of the refused answer was kept: the refresh token was not consumed, so it is not taken for a reuse.
      const next = await client.refreshTokenGrant(config, tokens.refresh_token!);
      expect(next.access_token).toBeTruthy();
      await expect(client.refreshTokenGrant(config, next.refresh_token!)).resolves.toHaveProperty('access_token');
    });

    describe('when the application requires assignment', () => {
      const signedIn: Record<string, Awaited<ReturnType<typeof login>>> = {};
      beforeAll(async () => {
        for (const who of ['ken', 'max', 'lim', 'jane']) signedIn[who] = await login(portal, `${who}@agency.gov.sg`);
        await update(portal, { assignmentRequired: true });
      });
      afterAll(() => update(portal, { assignmentRequired: false }));
      const refresh = (who: string) => client.refreshTokenGrant(signedIn[who]!.config, signedIn[who]!.tokens.refresh_token!);

      it('keeps refreshing for a user assigned directly', async () => {
        await expect(refresh('ken')).resolves.toHaveProperty('access_token');
      });

      it('keeps refreshing for a direct member of an assigned group', async () => {
        await expect(refresh('max')).resolves.toHaveProperty('access_token');
      });

      it('refuses to refresh for a user who is only in a group nested inside an assigned group', async () => {
        expect(await failure(refresh('lim'))).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('not assigned') });
      });

      it('refuses to refresh for a user with no assignment at all once the application requires one', async () => {
        const other = await login(wiki, 'lim@agency.gov.sg');
        await update(wiki, { assignmentRequired: true });
        try {
          expect(await failure(client.refreshTokenGrant(other.config, other.tokens.refresh_token!))).toMatchObject({ error: 'invalid_grant' });
        } finally {
          await update(wiki, { assignmentRequired: false });
        }
      });
    });
  });

  describe('implicit grant', () => {
    const implicitRequest = async (app: App) => {
      const config = await rpConfig(tp, app.clientId, app.clientSecret);
      return client.buildAuthorizationUrl(config, {
        redirect_uri: app.redirectUri,
        response_type: 'id_token',
        scope: 'openid',
        nonce: client.randomNonce(),
        state: client.randomState(),
      });
    };

    it('refuses response_type=id_token for an application that has not switched the implicit grant on', async () => {
      const res = await fetch(await implicitRequest(portal), { redirect: 'manual' });
      const location = new URL(res.headers.get('location') ?? '', tp.issuer);
      expect(location.toString().startsWith(portal.redirectUri)).toBe(true);
      const answer = new URLSearchParams(location.hash.slice(1));
      expect(answer.get('error')).toBe('invalid_request');
      expect(answer.get('error_description')).toBe('requested response_type is not allowed for this client');
      expect(answer.get('id_token')).toBeNull();
    });

    it('signs in with response_type=id_token once the application switched the implicit grant on', async () => {
      await update(wiki, { implicitGrant: true });
      try {
        const url = await implicitRequest(wiki);
        const browser = new HttpBrowser();
        const first = await browser.follow(url.toString(), {}, (u) => u.startsWith(wiki.redirectUri));
        const last = first.stopped ? first : await completeSignIn(browser, first, { ...wiki, login: 'jane@agency.gov.sg', password: PASSWORD });
        expect(last.stopped).toBe(true);
        const fragment = new URLSearchParams(new URL(last.url).hash.slice(1));
        expect(fragment.get('error')).toBeNull();
        const { payload } = await jwtVerify(fragment.get('id_token')!, createRemoteJWKSet(new URL(`${tp.issuer}/jwks`)), {
          issuer: tp.issuer,
          audience: wiki.clientId,
        });
        expect(payload.nonce).toBe(url.searchParams.get('nonce'));
        expect(fragment.get('code')).toBeNull();
      } finally {
        await update(wiki, { implicitGrant: false });
      }
    });
  });

  describe('back-channel logout', () => {
    it("posts a signed logout token to the application's back-channel logout URI when the person signs out", async () => {
      await update(portal, { backchannelLogoutUri: receiver.url });
      try {
        const { tokens, browser } = await login(portal, 'ken@agency.gov.sg');
        const before = receiver.tokens.length;
        const done = await signOut(tp, browser, tokens.id_token!, 'https://app.example.gov.sg/');
        expect(done.stopped).toBe(true);
        expect(receiver.tokens.length).toBe(before + 1);
        const { payload } = await jwtVerify(receiver.tokens.at(-1)!, createRemoteJWKSet(new URL(`${tp.issuer}/jwks`)), {
          issuer: tp.issuer,
          audience: portal.clientId,
          typ: 'logout+jwt',
        });
        expect(payload.sub).toBe(tokens.claims()!.sub);
        expect(payload.events).toEqual({ 'http://schemas.openid.net/event/backchannel-logout': {} });
      } finally {
        await update(portal, { backchannelLogoutUri: null });
      }
    });
  });
});

describe(`outbound calls without the operator's permission (${engine})`, () => {
  let tp: TestServer;
  let receiver: Awaited<ReturnType<typeof logoutReceiver>>;
  beforeAll(async () => {
    receiver = await logoutReceiver();
    tp = await startTestServer();
    await namespace(tp, 'closed');
    await user(tp, 'ann@agency.gov.sg');
  });
  afterAll(async () => {
    await tp?.close();
    await receiver?.close();
  });

  it('does not post a logout token to a loopback address unless the operator allows private targets', async () => {
    const app = await application(tp, { namespace: 'closed', name: 'Loopback' });
    const result = await updateApplication(administrationDeps(tp.server.store, systemClock), 'test', {
      namespace: 'closed',
      clientId: app.clientId,
      changes: { backchannelLogoutUri: receiver.url },
    });
    expect(result.ok).toBe(true);
    const { tokens, browser } = await signIn(tp, { ...app, login: 'ann@agency.gov.sg', password: PASSWORD });
    const done = await signOut(tp, browser, tokens.id_token!, 'https://app.example.gov.sg/');
    expect(done.stopped).toBe(true);
    expect(receiver.tokens).toEqual([]);
  });
});
