/**
 * The calls oidc-provider makes on its models while it answers the token endpoint,
 * UserInfo and introspection, as the per-request unit of work (src/oidc/token-requests.ts,
 * ADR 0009) sees them, for each grant and request it batches. token-requests reads ahead
 * and holds writes on the strength of this order: a new oidc-provider that asks in
 * another order fails here, naming the request, before it quietly costs statements or
 * reads a stale row.
 *
 * The real server answers real requests (openid-client, plain HTTP); the unit of work's
 * model store is wrapped to record each call made during a provider request.
 */
import { webcrypto } from 'node:crypto';
import * as client from 'openid-client';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OidcModelStore } from '../src/persistence/repositories/oidc-models.js';
import { addApplicationCertificate } from '../src/flows/applications.js';
import { administrationDeps } from '../src/cli/demo.js';
import { systemClock } from '../src/platform/clock.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { HttpBrowser } from './helpers/http-browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { completeSignIn, finishAuthorization, startAuthorization } from './helpers/sign-in.js';
import { selfSignedCertificate } from './helpers/x509.js';

/**
 * Every call made during a provider request, as `<path> <layer>: <method> [model]`: `sees`
 * for what oidc-provider (through the adapter) asked the unit of work, `runs` for what the
 * unit of work asked the database's model store in turn.
 */
const calls: string[] = [];

type Methods = Record<string, (...args: unknown[]) => unknown>;
/** `methods`, each recording its calls made during a provider request under `layer`. */
function recording<T extends object>(methods: T, layer: 'sees' | 'runs'): T {
  return Object.fromEntries(
    Object.entries(methods as Methods).map(([method, fn]) => [
      method,
      (...args: unknown[]) => {
        // The held writes are applied as the answer leaves, outside the provider's request context.
        const path = Provider.ctx?.path ?? (layer === 'runs' ? '*' : undefined);
        const model = typeof args[0] === 'string' && method !== 'revokeByGrantId' ? ` ${args[0]}` : '';
        if (path) calls.push(`${path} ${layer}: ${method}${model}`);
        return fn(...args);
      },
    ]),
  ) as T;
}

vi.mock('../src/oidc/token-requests.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/oidc/token-requests.js')>();
  return {
    ...original,
    tokenRequestStorage: (models: OidcModelStore, options: Parameters<typeof original.tokenRequestStorage>[1]) => {
      const storage = original.tokenRequestStorage(recording(models, 'runs'), options);
      return { ...storage, models: recording(storage.models, 'sees') };
    },
  };
});

/** What happened during `work` at `path`: what the unit of work saw, and what it ran. */
async function sequenceOf(path: string, work: () => Promise<unknown>): Promise<{ sees: string[]; runs: string[] }> {
  calls.length = 0;
  await work();
  const at = (layer: string) =>
    calls.flatMap((call) => {
      const [where, rest] = [call.slice(0, call.indexOf(' ')), call.slice(call.indexOf(' ') + 1)];
      return (where === path || where === '*') && rest.startsWith(`${layer}: `) ? [rest.slice(layer.length + 2)] : [];
    });
  return { sees: at('sees'), runs: at('runs') };
}

const changed = (request: string) =>
  `oidc-provider's model calls for ${request} changed: src/oidc/token-requests.ts reads ahead and holds writes for this order ` +
  '(ADR 0009). Check that it still batches correctly for the new order, then update this expectation.';

describe(`the provider's model calls per token request (${engine})`, () => {
  let tp: TestServer;
  let app: Awaited<ReturnType<typeof application>>;
  let config: client.Configuration;
  let tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;

  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'sequences');
    app = await application(tp, { namespace: 'sequences', name: 'Sequences' });
    await user(tp, 'seq_tan@agency.gov.sg');
    config = await client.discovery(new URL(tp.issuer), app.clientId, app.clientSecret, client.ClientSecretBasic(app.clientSecret!), {
      execute: [client.allowInsecureRequests],
    });
  });
  afterAll(() => tp?.close());

  it('authorization_code: the code, its session and grant in one read, then the code consumed and both tokens stored in one transaction', async () => {
    const browser = new HttpBrowser();
    const o = { ...app, login: 'seq_tan@agency.gov.sg', password: PASSWORD, browser };
    const start = await startAuthorization(tp, o);
    const first = await browser.follow(start.url, {}, (url) => url.startsWith(app.redirectUri));
    const last = first.stopped ? first : await completeSignIn(browser, first, o);
    const sequence = await sequenceOf('/token', async () => {
      tokens = await finishAuthorization(start, last.url);
    });
    expect(tokens.refresh_token).toBeTruthy();
    expect(sequence, changed('authorization_code')).toEqual({
      sees: ['find AuthorizationCode', 'findByUid Session', 'find Grant', 'consume AuthorizationCode', 'upsert AccessToken', 'upsert RefreshToken'],
      // The code with its session and grant in one read; the three writes in one transaction.
      runs: ['findWithGrant', 'applyWrites'],
    });
  });

  it('refresh_token: the token, its session and grant in one read, then the token consumed and its successors stored in one transaction', async () => {
    let refreshed: client.TokenEndpointResponse | undefined;
    const sequence = await sequenceOf('/token', async () => {
      refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    });
    expect(refreshed?.refresh_token).toBeTruthy();
    tokens = refreshed as typeof tokens;
    expect(sequence, changed('refresh_token')).toEqual({
      sees: ['find RefreshToken', 'findByUid Session', 'find Grant', 'consume RefreshToken', 'upsert RefreshToken', 'upsert AccessToken'],
      runs: ['findWithGrant', 'applyWrites'],
    });
  });

  it('client_credentials with a client secret: no model read or written (a JWT access token)', async () => {
    const sequence = await sequenceOf('/token', () => client.clientCredentialsGrant(config));
    // Its access token is a JWT for the automation API (provider.ts): nothing read, nothing stored.
    expect(sequence, changed('client_credentials')).toEqual({ sees: [], runs: [] });
  });

  it('client_credentials with private_key_jwt: no model read or written through the unit of work', async () => {
    const cert = selfSignedCertificate({ keyType: 'ec', notAfter: new Date(Date.now() + 86_400_000) });
    const added = await addApplicationCertificate(administrationDeps(tp.server.store, systemClock), 'test', {
      namespace: 'sequences',
      clientId: app.clientId,
      pem: cert.pem,
    });
    expect(added.ok).toBe(true);
    const key = await webcrypto.subtle.importKey(
      'pkcs8',
      cert.privateKey.export({ type: 'pkcs8', format: 'der' }),
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign'],
    );
    const jwtConfig = await client.discovery(new URL(tp.issuer), app.clientId, undefined, client.PrivateKeyJwt({ key, kid: cert.x5tS256 }), {
      execute: [client.allowInsecureRequests],
    });
    const sequence = await sequenceOf('/token', () => client.clientCredentialsGrant(jwtConfig));
    // The assertion's jti is claimed by ReplayDetection.unique straight on the store (patches/oidc-provider.ts), not held.
    expect(sequence, changed('client_credentials with private_key_jwt')).toEqual({ sees: [], runs: [] });
  });

  it('UserInfo: the access token, its session and grant in one read; nothing written', async () => {
    const sequence = await sequenceOf('/userinfo', () => client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub));
    expect(sequence, changed('UserInfo')).toEqual({ sees: ['find AccessToken', 'findByUid Session', 'find Grant'], runs: ['findWithGrant'] });
  });

  it('introspection of an access token and of a refresh token: every token model, the session and the grant in one read', async () => {
    const access = await sequenceOf('/introspect', () => client.tokenIntrospection(config, tokens.access_token));
    // Without a token_type_hint the provider looks the value up as every kind of token at once: one read.
    const lookups = ['find AccessToken', 'find ClientCredentials', 'find RefreshToken', 'findByUid Session', 'find Grant'];
    expect(access, changed('introspection of an access token')).toEqual({ sees: lookups, runs: ['findWithGrant'] });
    const refresh = await sequenceOf('/introspect', () => client.tokenIntrospection(config, tokens.refresh_token!));
    expect(refresh, changed('introspection of a refresh token')).toEqual({ sees: lookups, runs: ['findWithGrant'] });
  });
});
