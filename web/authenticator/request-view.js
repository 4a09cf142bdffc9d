// @ts-check
/*
 * The TechPass Authenticator's sign-in requests: one card per request, asking
 * for the number shown on the computer, offering to deny or report, and then
 * showing what became of it.
 */

import { h, banner, remaining, time } from './dom.js';
import { send } from './network.js';
import { state } from './state.js';

/** @typedef {import('./state.js').Request} Request */
/** @typedef {import('./state.js').Outcome} Outcome */

/** What each outcome says on its card. @type {Record<Outcome, [kind: string, title: string, text: string]>} */
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

/** @param {Request} request */
function requestCard(request) {
  const { challenge, account } = request;
  if (request.phase === 'done') {
    const [kind, title, text] = (request.outcome && OUTCOMES[request.outcome]) || ['neutral', 'Answered', ''];
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
    oninput: /** @param {Event} event */ (event) => {
      const field = /** @type {HTMLInputElement} */ (event.target);
      field.value = field.value.replace(/\D/g, '').slice(0, 2);
      request.typed = field.value;
    },
  });
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: /** @param {SubmitEvent} event */ (event) => {
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

/** Redraws the list of requests, keeping what is being typed and where the focus is. */
export function renderRequests() {
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
