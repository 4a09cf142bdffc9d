/**
 * An account made without a password can sign in: `techpass user create` without
 * --password e-mails the person a single-use link, valid 7 days, to choose one on the
 * reset page, and says so in its answer. The person then signs in over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SET_PASSWORD_LINK_TTL_MS } from '../src/flows/set-password-link.js';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD } from './helpers/directory.js';
import { form, HttpBrowser, text } from './helpers/http-browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { signIn } from './helpers/sign-in.js';

const NEW_PASSWORD = 'A-First-Long-Passphrase-31';

describe(`set-password link for an account made without a password (${engine})`, () => {
  let tp: TestServer;
  let app: Awaited<ReturnType<typeof application>>;
  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'joiners');
    app = await application(tp, { namespace: 'joiners', name: 'Onboarding' });
  });
  afterAll(() => tp?.close());

  const create = (email: string, extra: string[] = []) =>
    runCli(['user', 'create', '--email', email, '--given-name', 'New', '--family-name', 'Joiner', ...extra], tp.env);

  it('e-mails a 7-day link to set the password, says so, and the person sets it and signs in', async () => {
    const before = Date.now();
    const res = await create('new.joiner@agency.gov.sg', ['--username', 'new.joiner', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const answer = res.json as { id: string; setPasswordLinkSent: boolean; setPasswordLinkExpiresAt: string };
    expect(answer.setPasswordLinkSent).toBe(true);
    const expiresAt = Date.parse(answer.setPasswordLinkExpiresAt);
    expect(SET_PASSWORD_LINK_TTL_MS).toBe(7 * 24 * 3600 * 1000);
    expect(expiresAt).toBeGreaterThanOrEqual(before + SET_PASSWORD_LINK_TTL_MS);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + SET_PASSWORD_LINK_TTL_MS);

    const [mail] = await tp.server.store.outbox.recent(1, 'new.joiner@agency.gov.sg');
    expect(mail?.subject).toBe('Set your TechPass password');
    expect(mail?.text).toContain('Your TechPass ID is new.joiner');
    expect(mail?.text).toContain('within 7 days');
    const link = /https?:\/\/\S+\/login\/reset\/\S+/.exec(mail!.text)![0];
    expect(link.startsWith(`${tp.issuer}/login/reset/`)).toBe(true);

    // Before the link is used, no password signs in.
    const refused = await signIn(tp, { ...app, login: 'new.joiner', password: PASSWORD }).catch((e: Error) => e);
    expect(refused).toBeInstanceOf(Error);

    const browser = new HttpBrowser();
    const path = new URL(link).pathname;
    let page = await browser.follow(`${tp.url}${path}`);
    expect(page.status).toBe(200);
    const weak = form(page, path);
    page = await browser.follow(weak.action, { form: { ...weak.fields, password: 'password1234', confirm: 'password1234' } });
    expect(page.status).toBe(400);
    const good = form(page, path);
    page = await browser.follow(good.action, { form: { ...good.fields, password: NEW_PASSWORD, confirm: NEW_PASSWORD } });
    expect(page.status).toBe(200);
    expect(text(page)).toContain('Your password is set');
    expect(text(page)).not.toContain('unlocked');
    const [confirmation] = await tp.server.store.outbox.recent(1, 'new.joiner@agency.gov.sg');
    expect(confirmation?.subject).toBe('Your TechPass password is set');

    // The link works once.
    expect((await browser.follow(`${tp.url}${path}`)).status).toBe(410);

    const { tokens } = await signIn(tp, { ...app, login: 'new.joiner', password: NEW_PASSWORD });
    expect(tokens.claims()).toMatchObject({ email: 'new.joiner@agency.gov.sg', preferred_username: 'new.joiner' });
    const actions = (await tp.server.store.audit.list({ limit: 500, targetId: answer.id })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.created', 'password.set_link_sent', 'password.reset', 'sign_in.succeeded']));
  });

  it('says so in its readable answer too', async () => {
    const res = await create('second.joiner@agency.gov.sg');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('e-mailed second.joiner@agency.gov.sg a link to set the password (works once, until ');
    expect((await tp.server.store.outbox.recent(1, 'second.joiner@agency.gov.sg'))[0]?.subject).toBe('Set your TechPass password');
  });

  it('sends no link to an account created with a password', async () => {
    const res = await create('has.password@agency.gov.sg', ['--password', PASSWORD, '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.json).toMatchObject({ setPasswordLinkSent: false });
    expect(res.json).not.toHaveProperty('setPasswordLinkExpiresAt');
    expect(await tp.server.store.outbox.recent(5, 'has.password@agency.gov.sg')).toEqual([]);
  });
});
