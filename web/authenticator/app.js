/*
 * The TechPass Authenticator: approves TechPass sign-ins by number matching.
 *
 * This phone holds one P-256 key per enrolled account, made by WebCrypto as
 * non-extractable and kept in IndexedDB: the private key never leaves the
 * browser's key store. device.js speaks the signed device protocol (like the
 * headless `techpass authenticator`); this file keeps the requests waiting for
 * the phone up to date (a live stream, else polling) and draws the screens. The
 * phone never receives the number: the person reads it on the computer and
 * types it here.
 */

import {
  ApiError,
  ENROL_PAGE,
  NetworkError,
  POLL_MS,
  answer,
  deviceOf,
  enableNotifications,
  enrol,
  fetchChallenges,
  forgetAccount,
  json,
  loadAccounts,
  readEvents,
  signedFetch,
} from './device.js';

// ---------------------------------------------------------------- state

const state = {
  accounts: [],
  /** challenge id → { challenge, account, phase: 'ask' | 'deny' | 'sending' | 'done', outcome, problem } */
  requests: new Map(),
  /** device id → 'connecting' | 'live' | 'polling' | 'offline' | 'clock' | 'revoked' */
  links: new Map(),
  notice: null,
  /** Web Push on this browser: 'on' | 'off' (can be turned on) | 'denied' | 'failed' | 'unavailable' */
  notifications: 'unavailable',
};

const sleep = (ms, signal) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

function upsertChallenge(account, challenge) {
  const known = state.requests.get(challenge.id);
  if (known) {
    known.challenge = challenge;
    return;
  }
  state.requests.set(challenge.id, { challenge, account, phase: 'ask', outcome: null, problem: '' });
  renderRequests();
  if (navigator.vibrate) navigator.vibrate(200);
}

/** The server no longer lists a challenge: it was answered elsewhere, withdrawn or expired. */
function closeChallenge(id) {
  const request = state.requests.get(id);
  if (!request || request.phase === 'done' || request.phase === 'sending') return;
  if (request.challenge.expiresAt <= Date.now() + 1000) {
    finish(request, 'expired');
  } else {
    state.requests.delete(id);
    renderRequests();
  }
}

/** Replaces one account's waiting requests with the server's list. */
function syncChallenges(account, challenges) {
  const live = new Set(challenges.map((c) => c.id));
  for (const [id, request] of state.requests) if (request.account.deviceId === account.deviceId && !live.has(id)) closeChallenge(id);
  for (const challenge of challenges) upsertChallenge(account, challenge);
}

function setLink(account, status) {
  state.links.set(account.deviceId, status);
  renderStatus();
  if (status === 'revoked' || status === 'clock') renderAccounts();
}

/** Keeps one account's requests current: the live stream, or polling while the stream cannot be had. */
async function follow(account, signal) {
  let failures = 0;
  while (!signal.aborted) {
    try {
      setLink(account, failures ? state.links.get(account.deviceId) : 'connecting');
      // The stream sends what is waiting as it starts; the list first makes sure nothing stale stays on screen.
      syncChallenges(account, await fetchChallenges(account, signal));
      const response = await signedFetch(deviceOf(account), 'GET', '/stream', undefined, { signal, accept: 'text/event-stream' });
      if (!response.ok) await json(response);
      if (!response.body || typeof TextDecoderStream === 'undefined') throw new NetworkError('no streaming in this browser');
      failures = 0;
      setLink(account, 'live');
      await readEvents(response, (event, data) => {
        if (event === 'challenge') upsertChallenge(account, data);
        else if (event === 'closed') closeChallenge(data.id);
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

let following = null;
function followAll() {
  following?.abort();
  following = new AbortController();
  for (const account of state.accounts) follow(account, following.signal);
}

// ---------------------------------------------------------------- answering

const OUTCOMES = {
  approved: ['success', 'Sign-in approved', 'Go back to your computer: it continues by itself.'],
  denied: ['neutral', 'Sign-in denied', 'The sign-in was refused. Nothing else changes on your account.'],
  reported: [
    'danger',
    'Reported. Your account is on hold',
    'The sign-in was refused, your account is paused and the TechPass team has been alerted. Check your e-mail for what to do next.',
  ],
  wrong_number: [
    'danger',
    'The number did not match',
    'The sign-in was refused. If it was you, start again on your computer and type the number it shows.',
  ],
  expired: ['neutral', 'This request has expired', 'It waited too long. If it was you, start the sign-in again on your computer.'],
  replayed: ['neutral', 'Already answered', 'This request was answered before, perhaps on another device.'],
  foreign_device: ['danger', 'Not for this phone', 'This request belongs to an account this phone is not enrolled for.'],
};

const ERROR_OUTCOMES = {
  'push.wrong_number': 'wrong_number',
  'push.challenge_expired': 'expired',
  'push.challenge_answered': 'replayed',
  'push.foreign_device': 'foreign_device',
  'push.challenge_not_found': 'expired',
};

function finish(request, outcome, pausedUntil) {
  request.phase = 'done';
  request.outcome = outcome;
  request.pausedUntil = pausedUntil;
  renderRequests();
}

async function send(request, decision, number) {
  request.phase = 'sending';
  request.problem = '';
  request.decision = decision;
  renderRequests();
  try {
    const result = await answer(request.account, request.challenge.id, decision, number);
    finish(request, result.outcome, result.pausedUntil);
  } catch (error) {
    const outcome = error instanceof ApiError ? ERROR_OUTCOMES[error.code] : undefined;
    if (outcome) return finish(request, outcome, error.pausedUntil);
    // Nothing was decided (network, clock): the person may try again.
    request.phase = decision === 'approve' ? 'ask' : 'deny';
    request.problem = error.message;
    renderRequests();
  }
}

// ---------------------------------------------------------------- views

/** A DOM element; text is always text, never parsed as HTML. */
function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key in el && typeof value !== 'string') el[key] = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) el.append(child);
  return el;
}

const app = () => document.getElementById('app');

const time = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const date = (ms) => new Date(ms).toLocaleDateString([], { day: 'numeric', month: 'short', year: 'numeric' });

function remaining(expiresAt) {
  const seconds = Math.max(0, Math.round((expiresAt - Date.now()) / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

function banner(kind, title, text) {
  return h(
    'div',
    { class: `alert alert-${kind}`, role: kind === 'danger' ? 'alert' : 'status' },
    title ? h('strong', {}, title) : null,
    text ? h('p', {}, text) : null,
  );
}

function guessDeviceName() {
  const ua = navigator.userAgent;
  const platform = /iPhone/.test(ua)
    ? 'iPhone'
    : /iPad/.test(ua)
      ? 'iPad'
      : /Android/.test(ua)
        ? 'Android phone'
        : /Mac OS X/.test(ua)
          ? 'Mac'
          : /Windows/.test(ua)
            ? 'Windows PC'
            : /Linux/.test(ua)
              ? 'Linux computer'
              : 'device';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrome\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'browser';
  return `${browser} on ${platform}`;
}

const ENROL_ERRORS = {
  'authenticator.enrolment_link_invalid': [
    'This link has expired or was already used',
    'An enrolment link works once, for 10 minutes. Ask your TechPass administrator for a new one.',
  ],
  'account.high_risk': ['This account is on hold', 'A sign-in was reported as not yours. Contact the TechPass team before adding a phone.'],
  'authenticator.request_stale': ["This phone's clock is wrong", "Set the phone's date and time automatically, then try again."],
};

function renderEnrol(token, problem) {
  const name = h('input', {
    id: 'device-name',
    name: 'name',
    class: 'input',
    maxLength: 60,
    required: true,
    autocomplete: 'off',
    value: guessDeviceName(),
  });
  const button = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Add account');
  const form = h(
    'form',
    {
      class: 'card',
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        const deviceName = name.value.trim();
        if (!deviceName) {
          renderEnrol(token, { title: 'Give this phone a name', text: 'The name helps you recognise it in your TechPass account.' });
          return;
        }
        button.disabled = true;
        button.textContent = 'Adding…';
        try {
          const account = await enrol(token, deviceName);
          history.replaceState(null, '', './');
          state.notice = [
            'success',
            'Account added',
            `This phone now approves sign-ins for ${account.account}. Keep this app open when you sign in.`,
          ];
          await start();
        } catch (error) {
          const known = error instanceof ApiError && ENROL_ERRORS[error.code];
          renderEnrol(
            token,
            known
              ? { title: known[0], text: known[1], final: error.code === 'authenticator.enrolment_link_invalid' }
              : { title: 'Could not add the account', text: error.message },
          );
        }
      },
    },
    h('h1', {}, 'Add your TechPass account'),
    h('p', { class: 'muted' }, 'This phone will approve your TechPass sign-ins. It makes a key that never leaves this browser.'),
    problem ? banner('danger', problem.title, problem.text) : null,
    problem?.final
      ? h('a', { class: 'btn btn-secondary btn-block', href: './' }, 'Open the authenticator')
      : [
          h('label', { for: 'device-name', class: 'label' }, 'Name this phone'),
          h('p', { class: 'hint', id: 'device-name-hint' }, 'You will see this name in your TechPass account.'),
          name,
          button,
        ],
  );
  name.setAttribute('aria-describedby', 'device-name-hint');
  app().replaceChildren(form);
  if (!problem) name.focus();
}

function requestCard(request) {
  const { challenge, account } = request;
  if (request.phase === 'done') {
    const [kind, title, text] = OUTCOMES[request.outcome] || ['neutral', 'Answered', ''];
    const paused = request.pausedUntil ? ` Sign-in requests are paused for this account until ${time(request.pausedUntil)}.` : '';
    return h(
      'article',
      { class: `card request outcome outcome-${kind}`, 'data-outcome': request.outcome, 'aria-live': 'assertive' },
      h('div', { class: `outcome-icon outcome-icon-${kind}`, 'aria-hidden': 'true' }, kind === 'success' ? '✓' : kind === 'danger' ? '!' : 'i'),
      h('h2', {}, title),
      h('p', {}, text + paused),
      h('p', { class: 'meta' }, `${challenge.application} · ${time(challenge.createdAt)}`),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-secondary btn-block',
          onclick: () => {
            state.requests.delete(challenge.id);
            renderRequests();
          },
        },
        'Done',
      ),
    );
  }
  const sending = request.phase === 'sending';
  const details = h(
    'dl',
    { class: 'details' },
    h('dt', {}, 'Application'),
    h('dd', {}, challenge.application),
    h('dt', {}, 'Account'),
    h('dd', {}, account.account),
    h('dt', {}, 'Time'),
    h('dd', {}, time(challenge.createdAt)),
    h('dt', {}, 'IP address'),
    h('dd', {}, challenge.ip || 'Unknown address'),
    h('dt', {}, 'Browser'),
    h('dd', {}, challenge.browser || 'Unknown browser'),
  );
  const head = [
    h('p', { class: 'eyebrow' }, 'Sign-in request'),
    h('h2', {}, `Are you trying to sign in to ${challenge.application}?`),
    details,
    h(
      'p',
      { class: 'expiry' },
      'Expires in ',
      h('span', { class: 'countdown', 'data-expires': String(challenge.expiresAt) }, remaining(challenge.expiresAt)),
    ),
  ];
  const problem = request.problem ? banner('danger', 'Not sent', request.problem) : null;
  if (request.phase === 'deny' || (sending && request.decision !== 'approve')) {
    return h(
      'article',
      { class: 'card request', 'data-challenge': challenge.id },
      ...head,
      h(
        'div',
        { class: 'confirm' },
        h('h3', {}, 'Did someone else try to sign in?'),
        h('p', {}, 'Report it if you did not start this sign-in. Your account is put on hold and the TechPass team is alerted.'),
      ),
      problem,
      h(
        'button',
        { type: 'button', class: 'btn btn-danger btn-block', disabled: sending, onclick: () => send(request, 'report', '') },
        sending && request.decision === 'report' ? 'Reporting…' : 'Report',
      ),
      h(
        'button',
        { type: 'button', class: 'btn btn-secondary btn-block', disabled: sending, onclick: () => send(request, 'deny', '') },
        sending && request.decision === 'deny' ? 'Denying…' : 'Just deny',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-link',
          disabled: sending,
          onclick: () => {
            request.phase = 'ask';
            request.problem = '';
            renderRequests();
          },
        },
        'Back',
      ),
    );
  }
  const inputId = `number-${challenge.id}`;
  const input = h('input', {
    id: inputId,
    class: 'input number-input',
    inputMode: 'numeric',
    pattern: '[0-9]*',
    maxLength: 2,
    autocomplete: 'one-time-code',
    'aria-describedby': `${inputId}-hint`,
    disabled: sending,
    value: request.typed || '',
    oninput: (event) => {
      event.target.value = event.target.value.replace(/\D/g, '').slice(0, 2);
      request.typed = event.target.value;
    },
  });
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: (event) => {
        event.preventDefault();
        const typed = input.value.trim();
        if (!/^\d{2}$/.test(typed)) {
          request.problem = 'Type the two-digit number shown on your computer.';
          renderRequests();
          return;
        }
        send(request, 'approve', typed);
      },
    },
    h('label', { for: inputId, class: 'label' }, 'Enter the number shown on your computer'),
    h('p', { class: 'hint', id: `${inputId}-hint` }, 'Only approve if you are signing in right now.'),
    input,
    problem,
    h('button', { type: 'submit', class: 'btn btn-primary btn-block', disabled: sending }, sending ? 'Approving…' : 'Yes'),
  );
  return h(
    'article',
    { class: 'card request', 'data-challenge': challenge.id },
    ...head,
    form,
    h(
      'button',
      {
        type: 'button',
        class: 'btn btn-outline-danger btn-block',
        disabled: sending,
        onclick: () => {
          request.phase = 'deny';
          request.problem = '';
          renderRequests();
        },
      },
      "No, it's not me",
    ),
  );
}

function renderRequests() {
  const list = document.getElementById('requests');
  if (!list) return;
  // Keep what is being typed and where the focus is across a redraw.
  const focused = document.activeElement?.id;
  const requests = [...state.requests.values()].sort((a, b) => b.challenge.createdAt - a.challenge.createdAt);
  list.replaceChildren(
    ...(requests.length
      ? requests.map(requestCard)
      : [
          h(
            'div',
            { class: 'card empty' },
            h('div', { class: 'empty-icon', 'aria-hidden': 'true' }),
            h('h2', {}, 'No sign-in requests'),
            h('p', { class: 'muted' }, 'When you sign in to TechPass, the request appears here by itself. Keep this app open.'),
          ),
        ]),
  );
  if (focused) document.getElementById(focused)?.focus();
  const waiting = requests.filter((r) => r.phase !== 'done').length;
  document.title = waiting ? `(${waiting}) TechPass Authenticator` : 'TechPass Authenticator';
}

function renderStatus() {
  const status = document.getElementById('status');
  const links = [...state.links.values()];
  if (!links.length) {
    status.hidden = true;
    return;
  }
  const [kind, label] = links.includes('offline')
    ? ['offline', 'Offline']
    : links.includes('clock')
      ? ['offline', 'Check clock']
      : links.includes('polling')
        ? ['polling', 'Checking']
        : links.every((l) => l === 'live' || l === 'revoked')
          ? ['live', 'Live']
          : ['polling', 'Connecting'];
  status.hidden = false;
  status.className = `status status-${kind}`;
  status.textContent = label;
}

function renderAccounts() {
  const list = document.getElementById('accounts');
  if (!list) return;
  list.replaceChildren(
    ...state.accounts.map((account) => {
      const link = state.links.get(account.deviceId);
      return h(
        'li',
        { class: 'account' },
        h('span', { class: 'avatar', 'aria-hidden': 'true' }, (account.account[0] || '?').toUpperCase()),
        h(
          'span',
          { class: 'account-text' },
          h('span', { class: 'account-id' }, account.account),
          h('span', { class: 'account-meta' }, `${account.name} · added ${date(account.enrolledAt)}`),
          link === 'revoked' ? h('span', { class: 'account-problem' }, 'No longer enrolled: TechPass does not know this phone any more.') : null,
          link === 'clock' ? h('span', { class: 'account-problem' }, "This phone's clock is wrong: set the date and time automatically.") : null,
          h(
            'button',
            {
              type: 'button',
              class: 'btn btn-link btn-small',
              'aria-label': `Remove ${account.account} from this phone`,
              onclick: async () => {
                if (!confirm(`Remove ${account.account} from this phone? You will need a new enrolment link to add it again.`)) return;
                // TechPass forgets this phone's key too; if it cannot be reached, the phone forgets it anyway.
                await signedFetch(deviceOf(account), 'DELETE', '/devices/me').catch(() => undefined);
                await forgetAccount(account.deviceId);
                await start();
              },
            },
            'Remove',
          ),
        ),
      );
    }),
  );
}

function renderHome() {
  const notice = state.notice;
  state.notice = null;
  if (!state.accounts.length) {
    app().replaceChildren(
      h(
        'section',
        { class: 'card welcome' },
        h('img', { class: 'welcome-icon', src: 'icon.svg', alt: '', width: 72, height: 72 }),
        h('h1', {}, 'Approve sign-ins with this phone'),
        h(
          'p',
          { class: 'muted' },
          'The TechPass Authenticator confirms it is really you: when you sign in, type the number your computer shows and tap Yes.',
        ),
        h(
          'ol',
          { class: 'steps' },
          h(
            'li',
            {},
            'Get an enrolment link: your TechPass administrator can send you one, or scan the code shown while setting up sign-in on your computer.',
          ),
          h('li', {}, 'Open the link on this phone and give the phone a name.'),
          h('li', {}, 'Add this app to your home screen so it is one tap away.'),
        ),
      ),
    );
    return;
  }
  app().replaceChildren(
    ...(notice ? [banner(...notice)] : []),
    h('h1', { class: 'section-title' }, 'Sign-in requests'),
    h('div', { id: 'requests', class: 'requests', 'aria-live': 'polite' }),
    h('h2', { class: 'section-title' }, 'Accounts on this phone'),
    h('ul', { id: 'accounts', class: 'card accounts' }),
    h('section', { id: 'notifications', class: 'card notifications', hidden: true }),
  );
  renderRequests();
  renderAccounts();
  renderNotifications();
}

function renderNotifications() {
  const box = document.getElementById('notifications');
  if (!box) return;
  const text = {
    on: 'Notifications are on: sign-in requests reach this phone even when the app is closed.',
    off: 'Turn on notifications so sign-in requests reach this phone even when the app is closed.',
    denied: "Notifications are blocked for this app in the browser's settings. Keep the app open when you sign in.",
    failed: 'Notifications could not be turned on in this browser. Keep the app open when you sign in.',
  }[state.notifications];
  box.hidden = !text;
  if (!text) return;
  box.replaceChildren(
    h('p', { class: 'muted' }, text),
    state.notifications === 'off'
      ? h(
          'button',
          {
            type: 'button',
            class: 'btn btn-secondary btn-small',
            onclick: async () => {
              state.notifications = await enableNotifications(state.accounts, true);
              renderNotifications();
            },
          },
          'Turn on notifications',
        )
      : null,
  );
}

// ---------------------------------------------------------------- start

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
    for (const el of document.querySelectorAll('.countdown')) el.textContent = remaining(Number(el.dataset.expires));
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
