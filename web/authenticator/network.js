// @ts-check
/*
 * The TechPass Authenticator's link to TechPass: for each account, follows the
 * live stream of waiting requests, and polls while the stream cannot be had
 * (then tries the stream again); and sends the person's answer to a request.
 * The signed device protocol itself is device.js.
 */

import { ApiError, NetworkError, POLL_MS, answer, deviceOf, fetchChallenges, json, readEvents, signedFetch } from './device.js';
import { closeChallenge, finish, redraw, setLink, state, syncChallenges, upsertChallenge } from './state.js';

/** @typedef {import('./device.js').Account} Account */
/** @typedef {import('./state.js').Request} Request */
/** @typedef {import('./state.js').Outcome} Outcome */
/** @typedef {import('./state.js').Decision} Decision */
/** @typedef {import('../../src/contracts/errors.js').ErrorCode} ErrorCode */
/** @typedef {import('../../src/contracts/authenticator.js').DeviceChallenge} DeviceChallenge */

/**
 * @param {number} ms
 * @param {AbortSignal} [signal]
 * @returns {Promise<void>}
 */
const sleep = (ms, signal) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Keeps one account's requests current: the live stream, or polling while the stream cannot be had.
 * @param {Account} account
 * @param {AbortSignal} signal
 */
async function follow(account, signal) {
  let failures = 0;
  while (!signal.aborted) {
    try {
      setLink(account, failures ? (state.links.get(account.deviceId) ?? 'connecting') : 'connecting');
      // The stream sends what is waiting as it starts; the list first makes sure nothing stale stays on screen.
      syncChallenges(account, await fetchChallenges(account, signal));
      const response = await signedFetch(deviceOf(account), 'GET', '/stream', undefined, { signal, accept: 'text/event-stream' });
      if (!response.ok) await json(response);
      if (!response.body || typeof TextDecoderStream === 'undefined') throw new NetworkError('no streaming in this browser');
      failures = 0;
      setLink(account, 'live');
      await readEvents(response, (event, data) => {
        if (event === 'challenge') upsertChallenge(account, /** @type {DeviceChallenge} */ (data));
        else if (event === 'closed') closeChallenge(/** @type {{ id: string }} */ (data).id);
      });
      // The server ends each stream after a few minutes; the next one is signed afresh.
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof ApiError && error.status === 401) {
        if (error.code === 'authenticator.request_stale') setLink(account, 'clock');
        else return setLink(account, 'revoked');
        await sleep(30_000, signal);
        continue;
      }
      failures += 1;
      setLink(account, error instanceof NetworkError && !navigator.onLine ? 'offline' : 'polling');
      // Poll for a while before trying the stream again.
      const until = Date.now() + Math.min(60_000, 5_000 * failures);
      while (!signal.aborted && Date.now() < until) {
        await sleep(POLL_MS, signal);
        if (signal.aborted) return;
        try {
          syncChallenges(account, await fetchChallenges(account, signal));
          setLink(account, 'polling');
        } catch (pollError) {
          if (pollError instanceof ApiError && pollError.status === 401) break;
          if (!signal.aborted) setLink(account, 'offline');
        }
      }
    }
  }
}

/** @type {AbortController | null} */
let following = null;

/** Follows every account on the phone, ending what followed the previous list. */
export function followAll() {
  following?.abort();
  following = new AbortController();
  for (const account of state.accounts) follow(account, following.signal);
}

/**
 * The server's errors that settle a request (the others leave it open to try again).
 * @type {Partial<Record<ErrorCode, Outcome>>}
 */
const ERROR_OUTCOMES = {
  'push.wrong_number': 'wrong_number',
  'push.challenge_expired': 'expired',
  'push.challenge_answered': 'replayed',
  'push.foreign_device': 'foreign_device',
  'push.challenge_not_found': 'expired',
};

/**
 * Sends the person's answer to a request.
 * @param {Request} request
 * @param {Decision} decision
 * @param {string} number
 */
export async function send(request, decision, number) {
  request.phase = 'sending';
  request.problem = '';
  request.decision = decision;
  redraw.requests();
  try {
    const result = await answer(request.account, request.challenge.id, decision, number);
    finish(request, result.outcome, result.pausedUntil);
  } catch (error) {
    const outcome = error instanceof ApiError ? ERROR_OUTCOMES[/** @type {ErrorCode} */ (error.code)] : undefined;
    if (outcome) return finish(request, outcome, error instanceof ApiError ? error.pausedUntil : undefined);
    // Nothing was decided (network, clock): the person may try again.
    request.phase = decision === 'approve' ? 'ask' : 'deny';
    request.problem = error instanceof Error ? error.message : String(error);
    redraw.requests();
  }
}
