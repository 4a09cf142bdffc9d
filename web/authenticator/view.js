// @ts-check
/*
 * The TechPass Authenticator's home screen: the requests (request-view.js), the
 * accounts on this phone, the link status and the notifications box.
 */

import { deviceOf, enableNotifications, forgetAccount, signedFetch } from './device.js';
import { app, banner, date, h } from './dom.js';
import { renderRequests } from './request-view.js';
import { state } from './state.js';

/** What the screens ask of the app (reload the accounts and start again); app.js fills it in. */
export const hooks = {
  start: async () => {},
};

export function renderStatus() {
  const status = /** @type {HTMLElement} */ (document.getElementById('status'));
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

export function renderAccounts() {
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
                await hooks.start();
              },
            },
            'Remove',
          ),
        ),
      );
    }),
  );
}

export function renderHome() {
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

export function renderNotifications() {
  const box = document.getElementById('notifications');
  if (!box) return;
  /** @type {Partial<Record<import('./state.js').Notifications, string>>} */
  const texts = {
    on: 'Notifications are on: sign-in requests reach this phone even when the app is closed.',
    off: 'Turn on notifications so sign-in requests reach this phone even when the app is closed.',
    denied: "Notifications are blocked for this app in the browser's settings. Keep the app open when you sign in.",
    failed: 'Notifications could not be turned on in this browser. Keep the app open when you sign in.',
  };
  const text = texts[state.notifications];
  box.hidden = !text;
  if (!text) return;
  box.replaceChildren(
    h('p', { class: 'muted' }, text),
    // Only "off" offers a button: replaceChildren would write a null as the word "null" (found by the type check).
    ...(state.notifications === 'off'
      ? [
          h(
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
          ),
        ]
      : []),
  );
}
