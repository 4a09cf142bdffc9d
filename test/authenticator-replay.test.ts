/**
 * A signed device request is accepted once: the nonce it signs is recorded in the
 * database, so the same request sent again (within its five minutes, to the same or
 * another node) is refused, and so is a request without a nonce. Each new request,
 * with a fresh nonce, still works.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_NONCE_TTL_MS } from '../src/strategies/push/rules.js';
import { deviceFetch, signedAnswer } from './helpers/authenticator.js';
import { engine, freshDatabaseTarget } from './helpers/database.js';
import { user } from './helpers/directory.js';
import { phoneOf } from './helpers/phone.js';
import { startTestServer, type TestServer } from './helpers/server.js';

describe(`signed device requests are accepted once (${engine})`, () => {
  let nodeA: TestServer;
  let nodeB: TestServer;
  beforeAll(async () => {
    const target = await freshDatabaseTarget();
    nodeA = await startTestServer({ target });
    // A second node of the same deployment: same database, same master key.
    nodeB = await startTestServer({ target, env: { MASTER_KEY: nodeA.env.MASTER_KEY! } });
  });
  afterAll(async () => {
    await nodeB?.close();
    await nodeA?.close();
  });

  const phone = async (email: string) => {
    await user(nodeA, email);
    return phoneOf(nodeA, email)!;
  };

  it('refuses an identical signed GET /challenges sent again within its window, on this node and on another', async () => {
    const device = await phone('replay.get@agency.gov.sg');
    const sent = { timestamp: Date.now(), nonce: 'n0nce-of-one-request' };
    const first = await deviceFetch(nodeA.url, device, 'GET', '/challenges', undefined, sent);
    expect(first.status).toBe(200);
    const again = await deviceFetch(nodeA.url, device, 'GET', '/challenges', undefined, sent);
    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({ error: 'authenticator.request_replayed' });
    const elsewhere = await deviceFetch(nodeB.url, device, 'GET', '/challenges', undefined, sent);
    expect(elsewhere.status).toBe(401);
    expect(await elsewhere.json()).toMatchObject({ error: 'authenticator.request_replayed' });
    // The same request with a fresh nonce is a new request.
    expect((await deviceFetch(nodeB.url, device, 'GET', '/challenges', undefined, { timestamp: sent.timestamp })).status).toBe(200);
  });

  it('refuses a request without a nonce, or with one that is not 16 to 64 base64url characters', async () => {
    const device = await phone('no.nonce@agency.gov.sg');
    for (const nonce of ['', 'short', 'x'.repeat(65), 'has spaces in it!!']) {
      const res = await deviceFetch(nodeA.url, device, 'GET', '/challenges', undefined, { nonce });
      expect(res.status, nonce).toBe(401);
      expect(await res.json()).toMatchObject({ error: 'authenticator.unauthenticated' });
    }
  });

  it('refuses a replayed signed answer, on another node, before looking at it', async () => {
    const device = await phone('replay.post@agency.gov.sg');
    const body = signedAnswer(device, 'psh_no_such_challenge', 'deny', '');
    const sent = { nonce: 'answer-nonce-000001' };
    const first = await deviceFetch(nodeA.url, device, 'POST', '/challenges/psh_no_such_challenge', body, sent);
    expect(first.status).toBe(404);
    const again = await deviceFetch(nodeB.url, device, 'POST', '/challenges/psh_no_such_challenge', body, sent);
    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({ error: 'authenticator.request_replayed' });
  });

  it("forgets a device's nonces once they are past their window", async () => {
    const device = await phone('forget.nonces@agency.gov.sg');
    const push = nodeA.server.store.push;
    expect(await push.claimRequestNonce(device.deviceId, 'old-nonce-0000001', Date.now() - 1)).toBe(true);
    // Expired: the next claim of the device deletes it first, so it is not a replay any more (its timestamp would be stale).
    expect(await push.claimRequestNonce(device.deviceId, 'old-nonce-0000001', Date.now() + REQUEST_NONCE_TTL_MS)).toBe(true);
    expect(await push.claimRequestNonce(device.deviceId, 'old-nonce-0000001', Date.now() + REQUEST_NONCE_TTL_MS)).toBe(false);
    // Nonces are per device.
    const other = await phone('other.device@agency.gov.sg');
    expect(await push.claimRequestNonce(other.deviceId, 'old-nonce-0000001', Date.now() + REQUEST_NONCE_TTL_MS)).toBe(true);
  });
});
