/**
 * A second factor from a standard authenticator app: TOTP codes computed by
 * Debian's oathtool (not by our code), accepted once each.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD } from './helpers/directory.js';
import { form, HttpBrowser, text } from './helpers/http-browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { signIn, startAuthorization } from './helpers/sign-in.js';

const SEED = 'KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF';
const oathtool = (offsetSteps = 0) =>
  execFileSync('oathtool', ['--totp', '-b', `--now=@${Math.floor(Date.now() / 1000) + offsetSteps * 30}`, SEED], { encoding: 'utf8' }).trim();

describe(`TOTP at sign-in (${engine})`, () => {
  let tp: TestServer;
  let app: Awaited<ReturnType<typeof application>>;
  beforeAll(async () => {
    tp = await startTestServer({ env: { LOCKOUT_THRESHOLD: '4' } });
    await namespace(tp, 'otp');
    app = await application(tp, { namespace: 'otp', name: 'Second Factor' });
    for (const email of ['otp.user@agency.gov.sg', 'otp.guess@agency.gov.sg']) {
      const res = await runCli(
        [
          'user',
          'create',
          '--email',
          email,
          '--given-name',
          'Otp',
          '--family-name',
          'User',
          '--password',
          PASSWORD,
          '--totp-secret',
          SEED,
          '--type',
          'product',
        ],
        tp.env,
      );
      expect(res.code, res.stderr).toBe(0);
    }
  });
  afterAll(() => tp?.close());

  async function toCodePage(login: string) {
    const browser = new HttpBrowser();
    const start = await startAuthorization(tp, app);
    let page = await browser.follow(start.url);
    page = await browser.follow(form(page, '/identify').action, { form: { ...form(page, '/identify').fields, login } });
    page = await browser.follow(form(page, '/password').action, { form: { ...form(page, '/password').fields, password: PASSWORD } });
    expect(text(page)).toContain('Enter the code');
    return { browser, page, start };
  }

  it('asks for the code after the password and reports both methods and assurance level 2', async () => {
    const { tokens } = await signIn(tp, { ...app, login: 'otp.user@agency.gov.sg', password: PASSWORD, totp: () => oathtool() });
    expect(tokens.claims()).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: 'urn:techpass:aal2' });
  });

  it("accepts the next step's code (a phone clock up to 30 s ahead)", async () => {
    const { browser, page } = await toCodePage('otp.user@agency.gov.sg');
    // The current step's code was used by the test above; the next step's has not been.
    const f = form(page, '/totp');
    const done = await browser.follow(f.action, { form: { ...f.fields, code: oathtool(1) } }, (u) => u.startsWith(app.redirectUri));
    expect(done.stopped || text(done).includes('Terms of use')).toBe(true);
  });

  it('refuses a code that was already used', async () => {
    const first = await toCodePage('otp.guess@agency.gov.sg');
    const code = oathtool();
    const f1 = form(first.page, '/totp');
    const ok = await first.browser.follow(f1.action, { form: { ...f1.fields, code } }, (u) => u.startsWith(app.redirectUri));
    expect(ok.status).not.toBe(401);
    const second = await toCodePage('otp.guess@agency.gov.sg');
    const f2 = form(second.page, '/totp');
    const again = await second.browser.follow(f2.action, { form: { ...f2.fields, code } });
    expect(again.status).toBe(401);
    expect(text(again)).toMatch(/already used|not correct/);
  });

  it('counts wrong codes towards the lockout', async () => {
    const guesser = new HttpBrowser();
    const start = await startAuthorization(tp, app);
    let page = await guesser.follow(start.url);
    page = await guesser.follow(form(page, '/identify').action, { form: { ...form(page, '/identify').fields, login: 'otp.guess@agency.gov.sg' } });
    page = await guesser.follow(form(page, '/password').action, { form: { ...form(page, '/password').fields, password: PASSWORD } });
    for (let i = 0; i < 4 && page.html.includes('/totp"'); i += 1) {
      const f = form(page, '/totp');
      page = await guesser.follow(f.action, { form: { ...f.fields, code: '000000' === oathtool() ? '111111' : '000000' } });
    }
    expect(text(page)).toContain('Your account is locked');
    expect((await tp.server.store.users.findByLogin('otp.guess@agency.gov.sg'))?.lockedAt).not.toBeNull();
  });
});
