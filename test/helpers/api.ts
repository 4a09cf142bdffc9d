/**
 * The management API as its callers use it: a person's access token for the resource
 * `<issuer>/api`, obtained through a real authorization code + PKCE sign-in (password
 * and push on the test phone) with an application allowed to ask for it; then JSON
 * requests with `Authorization: Bearer`.
 */
import * as client from 'openid-client';
import { createUser } from '../../src/flows/administration.js';
import { administrationDeps } from '../../src/cli/demo.js';
import { systemClock } from '../../src/platform/clock.js';
import { PASSWORD } from './directory.js';
import { HttpBrowser } from './http-browser.js';
import { givePhone } from './phone.js';
import type { TestServer } from './server.js';
import { completeSignIn, rpConfig } from './sign-in.js';

export const apiResource = (tp: TestServer) => `${tp.issuer}/api`;

/** An account (password, test phone); `platformAdmin` makes it a platform admin. */
export async function person(tp: TestServer, email: string, options: { platformAdmin?: boolean } = {}) {
  const result = await createUser(administrationDeps(tp.server.store, systemClock), 'test', {
    email,
    givenName: email.split('@')[0]!,
    familyName: 'Tester',
    password: PASSWORD,
    ...(options.platformAdmin ? { platformAdmin: true } : {}),
  });
  if (!result.ok) throw new Error(result.message);
  await givePhone(tp, result.value.id, [email]);
  return result.value;
}

/** Signs `login` in through `app` asking for `resource`; answers the token response (or the error the redirect carried). */
export async function signInForResource(
  tp: TestServer,
  app: { clientId: string; clientSecret?: string | undefined; redirectUri: string },
  login: string,
  resource = apiResource(tp),
): Promise<{ tokens?: client.TokenEndpointResponse; error?: string }> {
  const config = await rpConfig(tp, app.clientId, app.clientSecret);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: app.redirectUri,
    scope: 'openid api',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    resource,
  });
  const browser = new HttpBrowser();
  const back = (u: string) => u.startsWith(app.redirectUri);
  const first = await browser.follow(url.toString(), {}, back);
  const last = first.stopped ? first : await completeSignIn(browser, first, { ...app, login, password: PASSWORD });
  if (!last.stopped) throw new Error(`sign-in stopped at ${last.url} (${last.status})`);
  const error = new URL(last.url).searchParams.get('error');
  if (error) return { error };
  const tokens = await client.authorizationCodeGrant(config, new URL(last.url), { pkceCodeVerifier: verifier, expectedState: state }, { resource });
  return { tokens };
}

/** A person's management API access token. */
export async function apiToken(tp: TestServer, app: { clientId: string; redirectUri: string }, login: string): Promise<string> {
  const { tokens, error } = await signInForResource(tp, app, login);
  if (!tokens) throw new Error(`no token for ${login}: ${error}`);
  return tokens.access_token;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** One JSON request to the management API. */
export async function api(
  tp: TestServer,
  method: string,
  path: string,
  options: { token?: string | undefined; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiAnswer> {
  const res = await fetch(`${tp.url}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}
