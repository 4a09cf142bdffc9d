// @ts-check
/*
 * The TechPass Authenticator's building blocks for screens: elements made from
 * data (text is always text, never parsed as HTML, so nothing TechPass or a
 * sign-in sends can inject markup), banners, and times as the phone shows them.
 */

/** @typedef {Node | string | null | undefined | false} Child */

/**
 * A DOM element; text is always text, never parsed as HTML.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown>} [props] attributes, properties (non-string values) and `on…` listeners
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), /** @type {EventListener} */ (value));
    else if (key === 'class') el.className = String(value);
    else if (key in el && typeof value !== 'string') Reflect.set(el, key, value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) el.append(child);
  return el;
}

/** The page's one container. */
export const app = () => /** @type {HTMLElement} */ (document.getElementById('app'));

/** @param {number} ms */
export const time = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
/** @param {number} ms */
export const date = (ms) => new Date(ms).toLocaleDateString([], { day: 'numeric', month: 'short', year: 'numeric' });

/** @param {number} expiresAt */
export function remaining(expiresAt) {
  const seconds = Math.max(0, Math.round((expiresAt - Date.now()) / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/**
 * @param {string} kind
 * @param {string} [title]
 * @param {string} [text]
 */
export function banner(kind, title, text) {
  return h(
    'div',
    { class: `alert alert-${kind}`, role: kind === 'danger' ? 'alert' : 'status' },
    title ? h('strong', {}, title) : null,
    text ? h('p', {}, text) : null,
  );
}
