/**
 * Introspection answers `active: true`, with what the token says (sub, groups, scope,
 * tid), only to the application the token was issued to; any other application, of
 * another namespace or of the same one, authenticated or not, learns `active: false`,
 * as for a token that does not exist. (Client-credentials tokens are JWTs, which the
 * endpoint does not introspect.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { signIn } from './helpers/sign-in.js';

type App = Awaited<ReturnType<typeof application>>;

describe(`introspection across applications and namespaces (${engine})`, () => {
  let tp: TestServer;
  let owner: App;
  let neighbour: App;
  let stranger: App;
  let tokens: { access: string; refresh: string };

  /** POST /introspect as `caller` (client_secret_basic), answered as JSON. */
  const introspect = async (caller: App, token: string) => {
    const res = await fetch(`${tp.issuer}/introspect`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${caller.clientId}:${caller.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ token }),
    });
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status, JSON.stringify(body)).toBe(200);
    return body;
  };

  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'health');
    await namespace(tp, 'finance');
    owner = await application(tp, { namespace: 'health', name: 'Records' });
    neighbour = await application(tp, { namespace: 'health', name: 'Scheduler' });
    stranger = await application(tp, { namespace: 'finance', name: 'Ledger' });
    await user(tp, 'nurse@agency.gov.sg');
    const signedIn = await signIn(tp, { ...owner, login: 'nurse@agency.gov.sg', password: PASSWORD });
    tokens = { access: signedIn.tokens.access_token, refresh: signedIn.tokens.refresh_token! };
  });
  afterAll(() => tp?.close());

  it('tells the application the tokens were issued to what they say', async () => {
    const nurse = await tp.server.store.users.findByLogin('nurse@agency.gov.sg');
    expect(await introspect(owner, tokens.access)).toMatchObject({
      active: true,
      sub: nurse!.id,
      client_id: owner.clientId,
      scope: expect.any(String),
    });
    expect(await introspect(owner, tokens.refresh)).toMatchObject({ active: true, sub: nurse!.id });
  });

  it('answers only active: false to an application of another namespace, for its access and refresh tokens', async () => {
    for (const token of [tokens.access, tokens.refresh]) expect(await introspect(stranger, token)).toEqual({ active: false });
  });

  it('answers only active: false to another application of the same namespace', async () => {
    for (const token of [tokens.access, tokens.refresh]) expect(await introspect(neighbour, token)).toEqual({ active: false });
  });
});
