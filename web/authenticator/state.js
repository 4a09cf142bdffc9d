// @ts-check
/*
 * The TechPass Authenticator's state: the accounts on this phone, the sign-in
 * requests waiting for them, and how each account is linked to TechPass. The
 * network (network.js) and the screens (view.js) change it through the functions
 * below; each change asks the view to redraw what it shows, through `redraw`,
 * which app.js points at view.js (so this module imports neither).
 */

/** @typedef {import('../../src/contracts/authenticator.js').DeviceChallenge} DeviceChallenge */
/** @typedef {import('../../src/contracts/authenticator.js').AnswerChallengeBody['decision']} Decision */
/** @typedef {import('./device.js').Account} Account */

/**
 * What became of a request, as shown on its card: the server's answer, or an
 * error the server gave that settles it (see ERROR_OUTCOMES in network.js).
 * @typedef {import('../../src/contracts/authenticator.js').AnswerChallengeAnswer['outcome']
 *   | 'wrong_number' | 'expired' | 'replayed' | 'foreign_device'} Outcome
 */

/**
 * A sign-in request on screen.
 * @typedef {object} Request
 * @property {DeviceChallenge} challenge
 * @property {Account} account
 * @property {'ask' | 'deny' | 'sending' | 'done'} phase
 * @property {Outcome | null} outcome
 * @property {number} [pausedUntil]
 * @property {string} problem
 * @property {Decision} [decision]
 * @property {string} [typed]
 */

/** @typedef {'connecting' | 'live' | 'polling' | 'offline' | 'clock' | 'revoked'} Link */
/** Web Push on this browser: 'off' can be turned on. @typedef {'on' | 'off' | 'denied' | 'failed' | 'unavailable'} Notifications */
/** @typedef {[kind: string, title: string, text: string]} Notice */

export const state = {
  /** @type {Account[]} */
  accounts: [],
  /** @type {Map<string, Request>} challenge id → request */
  requests: new Map(),
  /** @type {Map<string, Link>} device id → link */
  links: new Map(),
  /** @type {Notice | null} */
  notice: null,
  /** @type {Notifications} */
  notifications: 'unavailable',
};

/** What to redraw after a change; app.js points these at view.js. */
export const redraw = {
  requests: () => {},
  status: () => {},
  accounts: () => {},
};

/**
 * @param {Account} account
 * @param {DeviceChallenge} challenge
 */
export function upsertChallenge(account, challenge) {
  const known = state.requests.get(challenge.id);
  if (known) {
    known.challenge = challenge;
    return;
  }
  state.requests.set(challenge.id, { challenge, account, phase: 'ask', outcome: null, problem: '' });
  redraw.requests();
  if (navigator.vibrate) navigator.vibrate(200);
}

/**
 * The server no longer lists a challenge: it was answered elsewhere, withdrawn or expired.
 * @param {string} id
 */
export function closeChallenge(id) {
  const request = state.requests.get(id);
  if (!request || request.phase === 'done' || request.phase === 'sending') return;
  if (request.challenge.expiresAt <= Date.now() + 1000) {
    finish(request, 'expired');
  } else {
    state.requests.delete(id);
    redraw.requests();
  }
}

/**
 * Replaces one account's waiting requests with the server's list.
 * @param {Account} account
 * @param {DeviceChallenge[]} challenges
 */
export function syncChallenges(account, challenges) {
  const live = new Set(challenges.map((c) => c.id));
  for (const [id, request] of state.requests) if (request.account.deviceId === account.deviceId && !live.has(id)) closeChallenge(id);
  for (const challenge of challenges) upsertChallenge(account, challenge);
}

/**
 * @param {Account} account
 * @param {Link} status
 */
export function setLink(account, status) {
  state.links.set(account.deviceId, status);
  redraw.status();
  if (status === 'revoked' || status === 'clock') redraw.accounts();
}

/**
 * @param {Request} request
 * @param {Outcome} outcome
 * @param {number} [pausedUntil]
 */
export function finish(request, outcome, pausedUntil) {
  request.phase = 'done';
  request.outcome = outcome;
  request.pausedUntil = pausedUntil;
  redraw.requests();
}
