/**
 * The provider's cookies (session, interaction) are signed: a browser that presents
 * another browser's session cookie with a signature that does not match gets no single
 * sign-on, and a copied cookie with its own signature is the same session (the control
 * that shows the signature, and nothing else, makes the difference).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { HttpBrowser } from './helpers/http-browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { signIn, startAuthorization } from './helpers/sign-in.js';

type App = Awaited<ReturnType<typeof application>>;

describe(`signed provider cookies (${engine})`, () => {
  let tp: TestServer;
  let app: App;

  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'cookies');
    app = await application(tp, { namespace: 'cookies', name: 'Cookie app' });
    await user(tp, 'cookie.owner@agency.gov.sg');
  });
  afterAll(async () => {
    await tp?.close();
  });

  async function silent(browser: HttpBrowser) {
    const start = await startAuthorization(tp, { ...app, prompt: 'none' });
    const page = await browser.follow(start.url, {}, (u) => u.startsWith(app.redirectUri));
    const params = new URL(page.url).searchParams;
    return { code: params.get('code'), error: params.get('error') };
  }

  function copy(from: HttpBrowser, change: (name: string, value: string) => string = (_n, v) => v) {
    const to = new HttpBrowser();
    for (const [name, value] of from.cookies) to.cookies.set(name, change(name, value));
    return to;
  }

  it('a session cookie with a wrong signature is no session; with its own it is', async () => {
    const owner = new HttpBrowser();
    await signIn(tp, { ...app, login: 'cookie.owner@agency.gov.sg', password: PASSWORD, browser: owner });
    const sessionSig = [...owner.cookies.keys()].find((name) => /session\.sig$/.test(name));
    expect(sessionSig).toBeTruthy();

    expect(await silent(copy(owner))).toMatchObject({ code: expect.any(String) });

    const flip = (v: string) => `${v[0] === 'A' ? 'B' : 'A'}${v.slice(1)}`;
    const forged = copy(owner, (name, value) => (name === sessionSig ? flip(value) : value));
    expect(await silent(forged)).toEqual({ code: null, error: 'login_required' });
    const truncated = copy(owner, (name, value) => (name === sessionSig ? value.slice(0, -2) : value));
    expect(await silent(truncated)).toEqual({ code: null, error: 'login_required' });
    const unsigned = copy(owner);
    unsigned.cookies.delete(sessionSig!);
    expect(await silent(unsigned)).toEqual({ code: null, error: 'login_required' });

    // The owner's own session is untouched by the forgeries.
    expect(await silent(owner)).toMatchObject({ code: expect.any(String) });
  });
});
