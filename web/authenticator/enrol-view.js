// @ts-check
/*
 * The TechPass Authenticator's enrolment screen: the page an enrolment link
 * opens, where the person names the phone and the phone makes its key.
 */

import { ApiError, enrol } from './device.js';
import { app, banner, h } from './dom.js';
import { state } from './state.js';
import { hooks } from './view.js';

/** @typedef {import('../../src/contracts/errors.js').ErrorCode} ErrorCode */
/** @typedef {{ title: string, text: string, final?: boolean }} Problem */

export function guessDeviceName() {
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

/** The errors enrolment explains in its own words. @type {Partial<Record<ErrorCode, [title: string, text: string]>>} */
const ENROL_ERRORS = {
  'authenticator.enrolment_link_invalid': [
    'This link has expired or was already used',
    'An enrolment link works once, for 10 minutes. Ask your TechPass administrator for a new one.',
  ],
  'account.high_risk': ['This account is on hold', 'A sign-in was reported as not yours. Contact the TechPass team before adding a phone.'],
  'authenticator.request_stale': ["This phone's clock is wrong", "Set the phone's date and time automatically, then try again."],
};

/**
 * @param {string} token the enrolment link's token (its fragment)
 * @param {Problem} [problem]
 */
export function renderEnrol(token, problem) {
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
      onsubmit: /** @param {SubmitEvent} event */ async (event) => {
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
          await hooks.start();
        } catch (error) {
          const known = error instanceof ApiError && error.code ? ENROL_ERRORS[error.code] : undefined;
          renderEnrol(
            token,
            known
              ? { title: known[0], text: known[1], final: error instanceof ApiError && error.code === 'authenticator.enrolment_link_invalid' }
              : { title: 'Could not add the account', text: error instanceof Error ? error.message : String(error) },
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
