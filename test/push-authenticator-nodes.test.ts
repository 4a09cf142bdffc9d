/**
 * Push challenges across time and processes: a challenge that outlives its
 * PUSH_CHALLENGE_TTL cannot be approved, and a challenge stored by one party is
 * streamed live by one `techpass serve` node and answered through another that
 * shares the database (state lives only in the database).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/cli/open-store.js';
import { pushDeps } from '../src/cli/push-deps.js';
import type { UserId } from '../src/domain/ids.js';
import { challengeStatus, createPushChallenge } from '../src/flows/push.js';
import { systemClock } from '../src/platform/clock.js';
import { loadConfig } from '../src/platform/config.js';
import { createLogger } from '../src/platform/logger.js';
import { deviceFetch, readStoredDevice } from './helpers/authenticator.js';
import { runCli, spawnNode } from './helpers/cli.js';
import { engine, freshDatabaseTarget } from './helpers/database.js';
import { PASSWORD, user } from './helpers/directory.js';
import { nodeEnv, startTestServer } from './helpers/server.js';

const dir = mkdtempSync(path.join(tmpdir(), 'techpass-authenticator-nodes-'));

async function enrol(env: Record<string, string>, email: string): Promise<string> {
  const link = await runCli(['authenticator', 'enrol-link', '--user', email, '--json'], env);
  expect(link.code, link.stderr).toBe(0);
  const store = path.join(dir, `${email}-${Date.now()}.json`);
  const res = await runCli(['authenticator', 'enrol', (link.json as { link: string }).link, '--store', store, '--json'], env);
  expect(res.code, res.stderr).toBe(0);
  return store;
}

describe(`push challenges across time and processes (${engine})`, () => {
  const cleanups: Array<() => unknown> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('refuses to approve a challenge once PUSH_CHALLENGE_TTL has passed, and reports it expired', async () => {
    const tp = await startTestServer({ env: { PUSH_CHALLENGE_TTL: '5' } });
    cleanups.push(() => tp.close());
    const account = await user(tp, 'too.late@agency.gov.sg', { phone: false });
    const store = await enrol(tp.env, 'too.late@agency.gov.sg');
    const deps = pushDeps(tp.server.store, systemClock, tp.config);
    const created = await createPushChallenge(deps, account.id, { applicationName: 'Payroll', ip: '203.0.113.8', userAgent: null });
    if (!created.ok) throw new Error(created.refusal);
    expect(created.expiresAt - Date.now()).toBeLessThanOrEqual(5000);
    // Waiting for the device at first (checked in-process: a CLI start could take longer than the 5 s here).
    expect((await tp.server.store.push.pendingChallenges(account.id)).map((c) => c.id)).toEqual([created.challengeId]);

    await new Promise((r) => setTimeout(r, Math.max(0, created.expiresAt - Date.now()) + 250));
    const late = await runCli(
      ['authenticator', 'approve', '--store', store, '--challenge', created.challengeId, '--number', String(created.number), '--json'],
      tp.env,
    );
    expect(late.code).toBe(1);
    expect(late.json).toMatchObject({ error: 'push.challenge_expired' });
    expect(await challengeStatus(deps, created.challengeId)).toMatchObject({ status: 'expired' });
    const newest = await runCli(['authenticator', 'approve', '--store', store, '--number', String(created.number), '--json'], tp.env);
    expect(newest.json).toMatchObject({ error: 'push.no_pending_challenge' });
  });

  it('streams a challenge from one node and accepts its approval through another node sharing the database', async () => {
    const target = await freshDatabaseTarget();
    const envA = await nodeEnv(target);
    // Nodes of one deployment share the issuer (behind a load balancer); the test reaches each by its port.
    const envB = await nodeEnv(target, { MASTER_KEY: envA.MASTER_KEY!, PUBLIC_URL: envA.PUBLIC_URL! });
    const urlA = `http://127.0.0.1:${envA.PORT}`;
    const urlB = `http://127.0.0.1:${envB.PORT}`;
    const nodeA = await spawnNode(['serve'], envA, urlA);
    cleanups.push(() => nodeA.kill());
    const nodeB = await spawnNode(['serve'], envB, urlB);
    cleanups.push(() => nodeB.kill());

    const created = await runCli(
      ['user', 'create', '--email', 'two.nodes@agency.gov.sg', '--given-name', 'Two', '--family-name', 'Nodes', '--password', PASSWORD, '--json'],
      envA,
    );
    expect(created.code, created.stderr).toBe(0);
    const userId = (created.json as { id: UserId }).id;
    const storeFile = await enrol(envA, 'two.nodes@agency.gov.sg');
    const device = readStoredDevice(storeFile);
    expect(device.server).toBe(urlA);

    // The phone listens on node A.
    const abort = new AbortController();
    cleanups.push(() => abort.abort());
    const stream = await deviceFetch(urlA, device, 'GET', '/stream', undefined, { signal: abort.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reader = stream.body!.getReader();
    let received = '';
    const until = async (needle: string) => {
      const deadline = Date.now() + 15_000;
      while (!received.includes(needle)) {
        if (Date.now() > deadline) throw new Error(`stream never said ${needle}: ${received}`);
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${needle}: ${received}`);
        received += new TextDecoder().decode(value);
      }
    };

    // The sign-in side stores a challenge in the shared database (no node holds it in memory).
    const config = loadConfig(envB);
    const store = await openStore(config, createLogger('silent'));
    cleanups.push(() => store.close());
    const deps = pushDeps(store, systemClock, config);
    const challenge = await createPushChallenge(deps, userId, { applicationName: 'Two Node App', ip: '198.51.100.4', userAgent: null });
    if (!challenge.ok) throw new Error(challenge.refusal);

    await until(`"id":"${challenge.challengeId}"`);
    expect(received).toContain('event: challenge');
    expect(received).toContain('"application":"Two Node App"');
    expect(received).not.toContain(`"number"`);

    // The answer goes to node B.
    const approved = await runCli(
      ['authenticator', 'approve', '--store', storeFile, '--server', urlB, '--number', String(challenge.number), '--json'],
      envB,
    );
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.json).toMatchObject({ outcome: 'approved', challengeId: challenge.challengeId });
    expect(nodeB.output()).toContain(`/api/v1/authenticator/challenges/${challenge.challengeId}`);
    expect(nodeA.output()).not.toContain(`/api/v1/authenticator/challenges/${challenge.challengeId}`);

    // Node A's stream sees it leave the list; the sign-in sees it approved.
    await until('event: closed');
    expect(await challengeStatus(deps, challenge.challengeId)).toMatchObject({ found: true, status: 'approved' });
    abort.abort();
  });
});
