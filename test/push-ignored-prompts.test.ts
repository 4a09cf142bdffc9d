/**
 * Prompts the person ignores count towards the push pause, as wrong numbers do:
 * someone who has the password cannot keep three prompts waiting on the person's
 * phone forever by starting new sign-ins as the old prompts expire. Driven as that
 * attacker would, through the sign-in pages, with prompts that expire in 5 seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedAnswer, deviceFetch } from './helpers/authenticator.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { form, HttpBrowser, text } from './helpers/http-browser.js';
import { phoneOf } from './helpers/phone.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { startAuthorization } from './helpers/sign-in.js';

describe(`ignored push prompts pause push (${engine})`, () => {
  let tp: TestServer;
  let app: Awaited<ReturnType<typeof application>>;
  beforeAll(async () => {
    tp = await startTestServer({ env: { PUSH_CHALLENGE_TTL: '5' } });
    await namespace(tp, 'fatigue');
    app = await application(tp, { namespace: 'fatigue', name: 'Payroll' });
  });
  afterAll(() => tp?.close());

  /** The password is known: a new sign-in up to the push page, which sends a prompt to the phone. */
  async function promptWithPassword(login: string) {
    const browser = new HttpBrowser();
    const start = await startAuthorization(tp, app);
    let page = await browser.follow(start.url);
    page = await browser.follow(form(page, '/identify').action, { form: { ...form(page, '/identify').fields, login } });
    page = await browser.follow(form(page, '/password').action, { form: { ...form(page, '/password').fields, password: PASSWORD } });
    return page;
  }
  const shown = (page: { html: string }) => /data-testid="push-number"[^>]*>(\d+)</.exec(page.html)?.[1];
  const waiting = async (userId: string) => (await tp.server.store.push.pendingChallenges(userId as never)).length;
  const actions = async (userId: string) => (await tp.server.store.audit.list({ targetId: userId, limit: 100 })).map((e) => e.action);
  const expiry = async (userId: string) => {
    const newest = (await tp.server.store.push.pendingChallenges(userId as never))[0]!;
    await new Promise((r) => setTimeout(r, Math.max(0, newest.expiresAt - Date.now()) + 300));
  };

  it('pauses push once three prompts were left to expire, instead of sending a fourth', async () => {
    const login = 'ignored@agency.gov.sg';
    const account = await user(tp, login);
    for (let i = 0; i < 3; i += 1) expect(shown(await promptWithPassword(login)), `prompt ${i + 1}`).toBeTruthy();
    expect(await waiting(account.id)).toBe(3);
    await expiry(account.id);
    expect(await waiting(account.id)).toBe(0);

    const fourth = await promptWithPassword(login);
    expect(shown(fourth)).toBeUndefined();
    expect(text(fourth)).toContain('A request cannot be sent to your phone right now');
    expect(await tp.server.store.push.pausedUntil(account.id)).toBeGreaterThan(Date.now() + 14 * 60_000);
    expect(await actions(account.id)).toContain('push.paused');
    // And it stays paused: the next attempt sends nothing either.
    expect(shown(await promptWithPassword(login))).toBeUndefined();
    expect(await waiting(account.id)).toBe(0);
  }, 60_000);

  it('counts an ignored prompt with wrong numbers: two ignored and one wrong number pause push', async () => {
    const login = 'mixed@agency.gov.sg';
    const account = await user(tp, login);
    const phone = phoneOf(tp, login)!;
    await promptWithPassword(login);
    await promptWithPassword(login);
    await expiry(account.id);
    const third = await promptWithPassword(login);
    const number = shown(third)!;
    const [challenge] = await tp.server.store.push.pendingChallenges(account.id);
    const wrong = String(number === '42' ? 43 : 42);
    const res = await deviceFetch(tp.url, phone, 'POST', `/challenges/${challenge!.id}`, signedAnswer(phone, challenge!.id, 'approve', wrong));
    expect(res.status).toBe(422);
    expect(((await res.json()) as { pausedUntil?: number }).pausedUntil).toBeGreaterThan(Date.now());
    expect(await tp.server.store.push.pausedUntil(account.id)).not.toBeNull();
  }, 60_000);

  it('does not count prompts that were answered', async () => {
    const login = 'answered@agency.gov.sg';
    const account = await user(tp, login);
    const phone = phoneOf(tp, login)!;
    for (let i = 0; i < 4; i += 1) {
      const page = await promptWithPassword(login);
      const [challenge] = await tp.server.store.push.pendingChallenges(account.id);
      const res = await deviceFetch(
        tp.url,
        phone,
        'POST',
        `/challenges/${challenge!.id}`,
        signedAnswer(phone, challenge!.id, 'approve', shown(page)!),
      );
      expect(res.status).toBe(200);
    }
    expect(shown(await promptWithPassword(login))).toBeTruthy();
    expect(await tp.server.store.push.pausedUntil(account.id)).toBeNull();
  }, 60_000);
});
