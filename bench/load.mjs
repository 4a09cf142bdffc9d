/**
 * Load generation (runs on the bench's own core). Single-request scenarios at peak go
 * through autocannon (keep-alive connections, optional per-request setup for tokens that
 * change with every call); at a set rate (half of peak) through `paced`, an open loop. The sign-in scenario is a closed loop of virtual clients, each walking
 * the whole journey with the test suite's HttpBrowser and completeSignIn, so a step added
 * to the flow (TOTP) is walked here too.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import * as client from 'openid-client';
import { Secret, TOTP } from 'otpauth';
import { testHelper } from './helpers.mjs';

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
export const form = (fields) => new URLSearchParams(fields).toString();
export const basic = (id, secret) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/**
 * Runs one request shape against `url` for `duration` seconds over `connections`
 * connections (at most `rate` requests/s in total when given).
 */
export async function hammer(url, spec, { connections, duration, rate }) {
  const { setupRequest, onResponse, ...request } = spec;
  const result = await autocannon({
    url,
    connections,
    duration,
    timeout: 10,
    ...(rate ? { overallRate: Math.max(1, Math.round(rate)) } : {}),
    requests: [{ method: 'GET', ...request, ...(setupRequest ? { setupRequest } : {}), ...(onResponse ? { onResponse } : {}) }],
  });
  const ok = result['2xx'];
  return {
    ok,
    failed: result.non2xx + result.errors + result.timeouts,
    rps: ok / duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: result.latency.mean,
  };
}

/** p50, p99 and mean of latencies in ms (to 0.1 ms; NaN when there are none). */
export function latencySummary(latencies) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const round = (ms) => Math.round(ms * 10) / 10;
  return { p50: round(at(0.5)), p99: round(at(0.99)), mean: round(sorted.reduce((sum, ms) => sum + ms, 0) / sorted.length) };
}

/**
 * An open loop at a steady `rate` requests/s for `duration` seconds: request i is due at
 * start + i/rate, sent over at most `connections` keep-alive connections (queued by the
 * agent when all are busy), and its latency counts from when it was due, so a stall also
 * counts for the requests waiting behind it (no coordinated omission). The first
 * `warmup` seconds are sent the same way but not recorded (the connections open and the
 * pace settles). Takes the same request shape as `hammer`. (autocannon's overallRate is a budget per second: every
 * connection sends back to back until the second's share is spent, which is peak load for
 * part of each second, and it corrects latencies against a 1 ms interval.) `onLatency(at, ms)`
 * hears of every response: when it was due (ms since the start) and how long it took.
 */
export async function paced(url, spec, { rate, duration, connections, warmup = 0, onLatency }) {
  const { setupRequest, onResponse, ...shape } = spec;
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const send = (request) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        { host: target.hostname, port: target.port, agent, method: request.method, path: request.path, headers: request.headers },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode, body }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(request.body);
    });
  const latencies = [];
  let failed = 0;
  // The first `warmup` seconds run at the same rate over the same connections, unrecorded.
  const skipped = Math.round(rate * warmup);
  const total = skipped + Math.round(rate * duration);
  const begun = performance.now() + 20;
  const started = begun + warmup * 1000;
  const pending = [];
  for (let i = 0; i < total; i += 1) {
    const due = begun + (i * 1000) / rate;
    const recorded = i >= skipped;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const base = { method: 'GET', ...shape };
    const request = setupRequest ? setupRequest(base) : base;
    pending.push(
      send(request).then(
        ({ status, body }) => {
          onResponse?.(status, body);
          if (!recorded) return;
          const ms = performance.now() - due;
          onLatency?.(due - started, ms);
          if (status >= 200 && status < 300) latencies.push(ms);
          else failed += 1;
        },
        () => recorded && (failed += 1),
      ),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  const seconds = (performance.now() - started) / 1000;
  return { ok: latencies.length, failed, rps: latencies.length / seconds, ...latencySummary(latencies) };
}

/** `concurrency` virtual clients call `once(n, client)` back to back for `duration` seconds (`n` counts calls, `client` is 0…concurrency-1). */
export async function closedLoop(once, { concurrency, duration }) {
  const started = performance.now();
  const deadline = started + duration * 1000;
  const latencies = [];
  let failed = 0;
  let lastError;
  let n = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, client) => {
      while (performance.now() < deadline) {
        const t = performance.now();
        try {
          await once(n++, client);
          latencies.push(performance.now() - t);
        } catch (error) {
          failed += 1;
          lastError = error;
        }
      }
    }),
  );
  if (failed && !latencies.length) throw lastError;
  const seconds = (performance.now() - started) / 1000;
  return { ok: latencies.length, failed, rps: latencies.length / seconds, ...latencySummary(latencies), lastError };
}

/**
 * A relying party and its users' browsers (and their authenticator apps): `signIn()`
 * takes a user from `pickLogin()`, runs authorization request → sign-in pages →
 * password → TOTP → code → token exchange, and answers the tokens. `signIn({ login,
 * approvePush })` signs in that user, whose second factor is the push prompt.
 *
 * Every seeded user has the same TOTP seed; codes are computed here (otpauth). A code
 * is good once per user and step (the server also takes the next step, as drift), so
 * each user is signed in at most twice per 30-s step: a user with both steps taken is
 * passed over for another, and so is one whose code was refused as used (by an
 * earlier run of the bench in the same minute).
 */
export async function signInDriver({ issuer, clientId, clientSecret, redirectUri, password, totpSeed, pickLogin }) {
  const { HttpBrowser } = await testHelper('http-browser');
  const { completeSignIn, finishAuthorization } = await testHelper('sign-in');
  const config = await client.discovery(new URL(issuer), clientId, clientSecret, client.ClientSecretBasic(clientSecret), {
    execute: [client.allowInsecureRequests],
  });
  const back = (url) => url.startsWith(redirectUri);
  const totp = new TOTP({ secret: Secret.fromBase32(totpSeed), algorithm: 'SHA1', digits: 6, period: 30 });
  const lastStep = new Map();
  /** A user and a code for a step they have not used yet. */
  const nextUser = () => {
    for (;;) {
      const login = pickLogin();
      const now = Math.floor(Date.now() / 30_000);
      const step = Math.max(now, (lastStep.get(login) ?? now - 1) + 1);
      if (step > now + 1) continue;
      lastStep.set(login, step);
      return { login, code: totp.generate({ timestamp: step * 30_000 }) };
    }
  };
  /** One attempt; answers null when the code was refused as used (by an earlier bench run within the same minute). */
  const attempt = async (given) => {
    const { login, code } = given?.login ? { login: given.login } : nextUser();
    const browser = new HttpBrowser();
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const first = await browser.follow(url.toString(), {}, back);
    const last = first.stopped
      ? first
      : await completeSignIn(browser, first, {
          clientId,
          clientSecret,
          redirectUri,
          login,
          password,
          ...(code ? { totp: () => code } : {}),
          ...(given?.approvePush ? { approvePush: given.approvePush } : {}),
        });
    // The code page, saying the code was refused (post/redirect/get: the problem is in the page's query).
    if (!last.stopped && last.status === 401 && /[?&]problem=(reused_code|wrong_code)\b/.test(last.url)) {
      lastStep.set(login, Math.floor(Date.now() / 30_000) + 1);
      return null;
    }
    if (!last.stopped) throw new Error(`sign-in of ${login} stopped at ${last.url} (${last.status})`);
    return finishAuthorization({ config, verifier, state, nonce }, last.url);
  };
  /** Signs in a user from `pickLogin()` (TOTP), or `given.login` approving the push prompt with `given.approvePush`. */
  return async function signIn(given) {
    for (let tries = 1; ; tries += 1) {
      const tokens = await attempt(given);
      if (tokens) return tokens;
      if (tries === 5 || given) throw new Error('TOTP codes refused as used five times in a row');
    }
  };
}
