/**
 * The application switches at sign-in: enable sign-in, user assignment required
 * (direct users and direct members of assigned groups only), and a new terms
 * version asking again. The application receives access_denied when refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { administrationDeps } from '../src/cli/demo.js';
import { assignToApplication, updateApplication } from '../src/flows/applications.js';
import { addGroupMember, createGroup } from '../src/flows/groups.js';
import type { ApplicationChanges } from '../src/domain/directory.js';
import { systemClock } from '../src/platform/clock.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { form, HttpBrowser, text } from './helpers/http-browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { completeSignIn, finishAuthorization, signIn, startAuthorization } from './helpers/sign-in.js';

describe(`application access at sign-in (${engine})`, () => {
  let tp: TestServer;
  let app: Awaited<ReturnType<typeof application>>;
  const deps = () => administrationDeps(tp.server.store, systemClock);
  const must = <T>(r: { ok: true; value: T } | { ok: false; message: string }): T => {
    if (!r.ok) throw new Error(r.message);
    return r.value;
  };
  const update = async (changes: ApplicationChanges) =>
    must(await updateApplication(deps(), 'test', { namespace: 'access', clientId: app.clientId, changes }));

  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'access');
    app = await application(tp, { namespace: 'access', name: 'Restricted Tool' });
    for (const email of ['direct@agency.gov.sg', 'member@agency.gov.sg', 'nested@agency.gov.sg', 'outsider@agency.gov.sg']) await user(tp, email);
    must(await createGroup(deps(), 'test', { namespace: 'access', name: 'operators' }));
    must(await createGroup(deps(), 'test', { namespace: 'access', name: 'trainees' }));
    must(await addGroupMember(deps(), 'test', { namespace: 'access', group: 'operators', member: { user: 'member@agency.gov.sg' } }));
    must(await addGroupMember(deps(), 'test', { namespace: 'access', group: 'operators', member: { memberGroup: 'trainees' } }));
    must(await addGroupMember(deps(), 'test', { namespace: 'access', group: 'trainees', member: { user: 'nested@agency.gov.sg' } }));
    must(await assignToApplication(deps(), 'test', { namespace: 'access', clientId: app.clientId, assignee: { user: 'direct@agency.gov.sg' } }));
    must(await assignToApplication(deps(), 'test', { namespace: 'access', clientId: app.clientId, assignee: { group: 'operators' } }));
  });
  afterAll(() => tp?.close());

  /** Signs in up to the first page that is not a credential page; answers it and the authorization started. */
  async function attempt(login: string, browser = new HttpBrowser()) {
    const start = await startAuthorization(tp, app);
    let page = await browser.follow(start.url, {}, (u) => u.startsWith(app.redirectUri));
    page = await completeSignIn(browser, page, { ...app, login, password: PASSWORD });
    return { page, start, browser };
  }

  it('lets everyone in while assignment is not required', async () => {
    const { page } = await attempt('outsider@agency.gov.sg');
    expect(page.stopped).toBe(true);
  });

  describe('when user assignment is required', () => {
    beforeAll(async () => {
      await update({ assignmentRequired: true });
    });

    it.each(['direct@agency.gov.sg', 'member@agency.gov.sg'])(
      'lets %s in (assigned directly, or a direct member of an assigned group)',
      async (login) => {
        const { page, start } = await attempt(login);
        expect(page.stopped).toBe(true);
        expect((await finishAuthorization(start, page.url)).claims()?.email).toBe(login);
      },
    );

    it.each(['nested@agency.gov.sg', 'outsider@agency.gov.sg'])(
      'tells %s they have not been given access, and the application receives access_denied',
      async (login) => {
        const { page, browser } = await attempt(login);
        expect(page.stopped).toBe(false);
        expect(text(page)).toContain('You have not been given access to Restricted Tool');
        const back = form(page, '/abort');
        const returned = await browser.follow(back.action, { form: back.fields }, (u) => u.startsWith(app.redirectUri));
        expect(returned.stopped).toBe(true);
        const params = new URL(returned.url).searchParams;
        expect(params.get('error')).toBe('access_denied');
        expect(params.get('iss')).toBe(tp.issuer);
      },
    );

    it('stops a browser that already has a TechPass session with an account that is not assigned', async () => {
      const browser = new HttpBrowser();
      await update({ assignmentRequired: false });
      await signIn(tp, { ...app, login: 'outsider@agency.gov.sg', password: PASSWORD, browser });
      await update({ assignmentRequired: true });
      const start = await startAuthorization(tp, app);
      const page = await browser.follow(start.url, {}, (u) => u.startsWith(app.redirectUri));
      expect(page.stopped).toBe(false);
      expect(text(page)).toContain('You have not been given access');
    });
  });

  it('refuses every sign-in while sign-in is disabled, with a clear page, before asking for credentials', async () => {
    await update({ signInEnabled: false });
    try {
      const browser = new HttpBrowser();
      const start = await startAuthorization(tp, app);
      const page = await browser.follow(start.url);
      expect(text(page)).toContain('Sign-in to Restricted Tool is turned off');
      expect(page.html).not.toContain('name="password"');
      const back = form(page, '/abort');
      const returned = await browser.follow(back.action, { form: back.fields }, (u) => u.startsWith(app.redirectUri));
      expect(new URL(returned.url).searchParams.get('error')).toBe('access_denied');
    } finally {
      await update({ signInEnabled: true });
    }
  });

  it('asks for the terms again when the application publishes a new version', async () => {
    await update({ assignmentRequired: false });
    const browser = new HttpBrowser();
    await signIn(tp, { ...app, login: 'direct@agency.gov.sg', password: PASSWORD, browser });
    await update({ termsVersion: 2 });
    const start = await startAuthorization(tp, app);
    const page = await browser.follow(start.url, {}, (u) => u.startsWith(app.redirectUri));
    expect(page.stopped).toBe(false);
    expect(text(page)).toContain('(version 2)');
    const accept = form(page, '/terms');
    const done = await browser.follow(accept.action, { form: accept.fields }, (u) => u.startsWith(app.redirectUri));
    expect(done.stopped).toBe(true);
  });
});
