/**
 * `techpass start` (what `npm start` runs) as a newcomer meets it: it prints the banner with
 * the demo accounts and the demo identity provider, and the banner's public officer signs in
 * through the demo WOG account, then TechPass MFA, to the sample service. Bad ports are
 * refused before anything starts. The demo is embedded SQLite by design, so this runs in the
 * SQLite project only (the PostgreSQL project has nothing of its own to add here).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnNode, waitForExit } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { HttpBrowser, form, text } from './helpers/http-browser.js';
import { freePort } from './helpers/server.js';
import { completeSignIn } from './helpers/sign-in.js';
import { openOnboarding, solveAltcha } from './helpers/sign-up.js';
import { signInAtUpstream } from './helpers/upstream.js';

describe.runIf(engine === 'sqlite')('techpass start: the demo with its identity provider', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'techpass-demo-'));
  let node: Awaited<ReturnType<typeof spawnNode>>;
  let ports: { tp: number; sample: number; upstream: number };
  let issuer: string;

  beforeAll(async () => {
    ports = { tp: await freePort(), sample: await freePort(), upstream: await freePort() };
    issuer = `http://localhost:${ports.tp}`;
    node = await spawnNode(
      ['start', '--sample-port', String(ports.sample), '--upstream-port', String(ports.upstream)],
      { DATA_DIR: dataDir, PORT: String(ports.tp) },
      issuer,
      60_000,
    );
    for (let i = 0; i < 100 && !node.output().includes('Stop with Ctrl+C'); i += 1) await new Promise((r) => setTimeout(r, 100));
  }, 90_000);
  afterAll(async () => {
    node?.kill('SIGTERM');
    if (node) await waitForExit(node);
  });

  it('prints the demo provider and which account signs in there', () => {
    const banner = node.output();
    expect(banner).toMatch(/jane_tan@agency\.gov\.localhost\s+Demo-WOG-2026\s+public officer, admin of the demo tenant: signs in at the WOG account \(demo\) first/);
    expect(banner).toMatch(/lim_wei@agency\.gov\.localhost\s+Demo-WOG-2026/);
    expect(banner).toContain(`Integrated identity provider: WOG account (demo) at http://localhost:${ports.upstream}`);
  });

  it('the banner’s public officer signs in through the demo WOG account, then TechPass MFA, to the sample service', async () => {
    const demo = JSON.parse(readFileSync(path.join(dataDir, 'demo.json'), 'utf8')) as {
      application: { clientId: string; clientSecret: string; redirectUri: string };
    };
    const { clientId, clientSecret, redirectUri } = demo.application;
    const config = await client.discovery(new URL(issuer), clientId, clientSecret, client.ClientSecretBasic(clientSecret), {
      execute: [client.allowInsecureRequests],
    });
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    const back = (u: string) => u.startsWith(redirectUri);
    const browser = new HttpBrowser();
    const first = await browser.follow(url.href, {}, back);
    const identify = form(first, '/identify');
    const atWog = await browser.follow(identify.action, { form: { ...identify.fields, login: 'jane_tan@agency.gov.localhost' } }, back);
    expect(atWog.url.startsWith(`http://localhost:${ports.upstream}/`)).toBe(true);
    expect(text(atWog)).toContain('WOG account (demo)');
    const next = await signInAtUpstream(browser, atWog, { email: 'jane_tan@agency.gov.localhost', password: 'Demo-WOG-2026' }, back);
    const last = await completeSignIn(browser, next, {
      clientId,
      clientSecret,
      redirectUri,
      login: 'jane_tan@agency.gov.localhost',
      password: 'unused',
    });
    expect(last.stopped).toBe(true);
    const tokens = await client.authorizationCodeGrant(config, new URL(last.url), { pkceCodeVerifier: verifier, expectedState: state });
    expect(tokens.claims()).toMatchObject({ email: 'jane_tan@agency.gov.localhost', amr: expect.arrayContaining(['fed', 'mfa']) });
  });

  it('the banner tells a newcomer how to sign up as a new officer, and that path works: /dev/outbox, WOG, MFA, policies', async () => {
    const banner = node.output();
    expect(banner).toContain('Sign up as a new officer:');
    expect(banner).toContain('click "Sign up" and enter lim_wei@agency.gov.localhost');
    expect(banner).toContain(`${issuer}/dev/outbox`);
    const demo = JSON.parse(readFileSync(path.join(dataDir, 'demo.json'), 'utf8')) as {
      application: { clientId: string; clientSecret: string; redirectUri: string };
    };
    const { clientId, clientSecret, redirectUri } = demo.application;
    const email = 'lim_wei@agency.gov.localhost';
    const browser = new HttpBrowser();
    const signUpPage = await browser.follow(`${issuer}/signup?client_id=${clientId}`);
    const signUp = form(signUpPage, '/signup');
    const sent = await browser.follow(signUp.action, { form: { ...signUp.fields, email, altcha: await solveAltcha(signUpPage) } });
    expect(text(sent)).toContain(`We sent a mail to ${email}`);
    expect(sent.html).toContain('href="/dev/outbox"');
    const outbox = await browser.follow(`${issuer}/dev/outbox`);
    const link = new RegExp(`${issuer}/onboarding/[\\w-]+\\.[\\w-]+`).exec(outbox.html)?.[0];
    expect(link, text(outbox).slice(0, 500)).toBeDefined();
    const ready = await openOnboarding(browser, link!);
    expect(ready.html).toContain(`href="http://localhost:${ports.sample}/"`);

    const config = await client.discovery(new URL(issuer), clientId, clientSecret, client.ClientSecretBasic(clientSecret), {
      execute: [client.allowInsecureRequests],
    });
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    const back = (u: string) => u.startsWith(redirectUri);
    const first = await browser.follow(url.href, {}, back);
    const identify = form(first, '/identify');
    const atWog = await browser.follow(identify.action, { form: { ...identify.fields, login: email } }, back);
    const next = await signInAtUpstream(browser, atWog, { email, password: 'Demo-WOG-2026' }, back);
    const last = await completeSignIn(browser, next, { clientId, clientSecret, redirectUri, login: email, password: 'unused' });
    expect(last.stopped).toBe(true);
    const tokens = await client.authorizationCodeGrant(config, new URL(last.url), { pkceCodeVerifier: verifier, expectedState: state });
    expect(tokens.claims()).toMatchObject({ email, amr: expect.arrayContaining(['fed', 'mfa']) });
  });

  it('the banner names the portal; the demo platform admin lands on it and sees the demo tenant, which jane administers', async () => {
    expect(node.output()).toContain(`TechPass portal:           ${issuer}/portal/`);
    const demo = JSON.parse(readFileSync(path.join(dataDir, 'demo.json'), 'utf8')) as { users: Array<{ email: string; password: string }> };
    const admin = demo.users.find((u) => u.email === 'admin@techpass.localhost')!;
    const callback = `${issuer}/portal/callback`;
    const back = (u: string) => u.startsWith(callback);
    const browser = new HttpBrowser();
    const first = await browser.follow(`${issuer}/portal/login`, {}, back);
    const last = await completeSignIn(browser, first, { clientId: '', redirectUri: callback, login: admin.email, password: admin.password });
    expect(last.stopped).toBe(true);
    const landed = await browser.request(last.url);
    expect(landed.status).toBe(303);
    expect(landed.headers.get('location')).toBe('/portal/');
    const index = await browser.request(`${issuer}/portal/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toMatch(/<div id="root"><\/div>[\s\S]*|src="\/portal\/assets\/index-[\w-]+\.js"/);
    const session = (await (await browser.request(`${issuer}/portal/session`)).json()) as { csrfToken: string; email: string };
    expect(session.email).toBe(admin.email);
    const headers = { cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': session.csrfToken };
    const namespaces = (await (await fetch(`${issuer}/api/v1/namespaces`, { headers })).json()) as { items: Array<{ name: string }> };
    expect(namespaces.items.map((n) => n.name)).toContain('demo');
    const admins = (await (await fetch(`${issuer}/api/v1/namespaces/demo/admins`, { headers })).json()) as { items: Array<{ email: string }> };
    expect(admins.items.map((a) => a.email)).toEqual(['jane_tan@agency.gov.localhost']);
  });

  it('refuses a bad port before starting anything', async () => {
    const bad = await runCli(['start', '--upstream-port', 'abc'], { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'techpass-demo-bad-')) });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--upstream-port <port>' argument 'abc' is invalid\. a port number/);
    const far = await runCli(['start', '--sample-port', '70000'], { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'techpass-demo-bad-')) });
    expect(far.code).toBe(1);
  });
});
