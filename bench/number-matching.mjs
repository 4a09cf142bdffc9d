/**
 * Scenario 6, the number-matching round trip: how long from the moment a sign-in on one
 * TechPass node creates a push challenge until the user's TechPass Authenticator, listening
 * on another node that shares the database, receives it.
 *
 * A second TechPass process (node B) serves the phones. `PUSH_USERS` users at the end of
 * the directory get a phone each, enrolled the way the tests do it (test/helpers/phone.ts
 * `givePhone`: a device key stored through the real repository), and each phone keeps the
 * signed event stream (`GET /api/v1/authenticator/stream`) of node B open. A virtual client
 * per phone signs in on node A (the server under test) with the test suite's sign-in
 * driver; at the push page it waits for its phone to receive the challenge, then approves
 * it with the number the page shows (`approveOnPhone`, through node B), and the sign-in
 * completes. The round trip is the phone's receipt time minus the challenge's `createdAt`
 * (both from this machine's clock).
 */
import { testHelper } from './helpers.mjs';
import { email } from './seed.mjs';
import { freePort, startPinned, techpassEnv } from './servers.mjs';

/** Users that get a phone (the last ones of the directory; the other scenarios leave them out). */
export const PUSH_USERS = 8;

export async function numberMatching({ database, users, core }) {
  const port = await freePort();
  const nodeB = await startPinned('TechPass node B (authenticators)', ['bin/techpass.js', 'serve'], techpassEnv(database, port), {
    core,
    url: `http://127.0.0.1:${port}`,
  });
  const { openStore } = await import('../dist/cli/open-store.js');
  const { loadConfig } = await import('../dist/platform/config.js');
  const { createLogger } = await import('../dist/platform/logger.js');
  const { givePhone, approveOnPhone } = await testHelper('phone');
  const { deviceFetch } = await testHelper('authenticator');
  const store = await openStore(loadConfig(techpassEnv(database, port)), createLogger('silent'));

  const abort = new AbortController();
  const phones = new Map();
  for (let i = users - PUSH_USERS; i < users; i += 1) {
    const login = email(i);
    const user = await store.users.findByLogin(login);
    const device = await givePhone({ url: nodeB.url, server: { store } }, user.id, [login]);
    const phone = { device, received: new Map(), waiting: new Map() };
    phones.set(login, phone);
    void listen(phone);
  }

  /** Reads the phone's event stream: each challenge's receipt time, and wakes whoever waits for it. */
  async function listen(phone) {
    const res = await deviceFetch(nodeB.url, phone.device, 'GET', '/stream', undefined, { signal: abort.signal });
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!event.startsWith('event: challenge')) continue;
          const challenge = JSON.parse(event.slice(event.indexOf('data: ') + 6));
          const at = Date.now();
          phone.received.set(challenge.id, at - challenge.createdAt);
          phone.waiting.get('next')?.(challenge.id);
        }
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    }
  }

  return {
    logins: [...phones.keys()],
    /** What completeSignIn calls at the push page of `login`: waits for the phone, approves, answers the round trip in ms. */
    approver(login, onRoundTrip) {
      const phone = phones.get(login);
      const seen = new Set(phone.received.keys());
      return async (number) => {
        let id = [...phone.received.keys()].find((k) => !seen.has(k));
        if (!id) id = await new Promise((resolve) => phone.waiting.set('next', resolve));
        phone.waiting.delete('next');
        onRoundTrip(phone.received.get(id));
        return approveOnPhone(phone.device, number);
      };
    },
    async stop() {
      abort.abort();
      await store.close();
      await nodeB.stop();
    },
  };
}
