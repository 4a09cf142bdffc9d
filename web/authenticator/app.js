// @ts-check
/*
 * The TechPass Authenticator: approves TechPass sign-ins by number matching.
 *
 * This phone holds one P-256 key per enrolled account, made by WebCrypto as
 * non-extractable and kept in IndexedDB: the private key never leaves the
 * browser's key store. device.js speaks the signed device protocol (like the
 * headless `techpass authenticator`); state.js holds the accounts and the
 * requests waiting for the phone; network.js keeps them up to date (a live
 * stream, else polling) and sends answers; dom.js, view.js, request-view.js and
 * enrol-view.js draw the screens. This file wires them together and starts. The
 * phone never receives the number: the person reads it on the computer and
 * types it here.
 */

import { ENROL_PAGE, enableNotifications, loadAccounts } from './device.js';
import { app, banner, remaining } from './dom.js';
import { renderEnrol } from './enrol-view.js';
import { followAll } from './network.js';
import { renderRequests } from './request-view.js';
import { finish, redraw, state } from './state.js';
import { hooks, renderAccounts, renderHome, renderNotifications, renderStatus } from './view.js';

redraw.requests = renderRequests;
redraw.status = renderStatus;
redraw.accounts = renderAccounts;
hooks.start = start;

async function start() {
  try {
    state.accounts = (await loadAccounts()).sort((a, b) => a.enrolledAt - b.enrolledAt);
  } catch {
    app().replaceChildren(
      banner(
        'danger',
        'This browser cannot keep the key',
        'Private browsing may block the storage the authenticator needs. Open it in a normal window.',
      ),
    );
    return;
  }
  const ids = new Set(state.accounts.map((a) => a.deviceId));
  for (const [id, request] of state.requests) if (!ids.has(request.account.deviceId)) state.requests.delete(id);
  for (const id of state.links.keys()) if (!ids.has(id)) state.links.delete(id);
  renderStatus();
  renderHome();
  followAll();
  // Keeps the subscription registered for every account (new ones too) once permission was given.
  enableNotifications(state.accounts, false).then((status) => {
    state.notifications = status;
    renderNotifications();
  });
}

function boot() {
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('sw.js', { scope: './' }).catch(() => {});
  if (!window.isSecureContext || !crypto.subtle || !window.indexedDB) {
    app().replaceChildren(banner('danger', 'This browser cannot be an authenticator', 'Open this page over HTTPS in an up-to-date browser.'));
    return;
  }
  // Countdowns tick in place, so a half-typed number is never redrawn.
  setInterval(() => {
    for (const el of document.querySelectorAll(/** @type {'span'} */ ('.countdown'))) el.textContent = remaining(Number(el.dataset.expires));
    for (const request of state.requests.values())
      if (request.phase === 'ask' && request.challenge.expiresAt <= Date.now()) finish(request, 'expired');
  }, 1000);
  if (location.pathname.endsWith(ENROL_PAGE)) {
    const token = decodeURIComponent(location.hash.slice(1));
    // The token is a one-time secret: keep it out of the history and off the screen.
    history.replaceState(null, '', location.pathname);
    if (token) return renderEnrol(token);
    renderEnrol('', { title: 'This enrolment link is incomplete', text: 'Open the whole link you were given, or ask for a new one.', final: true });
    return;
  }
  start();
}

boot();
