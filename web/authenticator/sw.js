// @ts-check
/// <reference lib="webworker" />
/*
 * The TechPass Authenticator's service worker: keeps the app shell so the app
 * opens without a network, and turns a Web Push message (a sign-in waiting for
 * this phone) into a notification that opens the app. It answers only for the shell's own files; the
 * device API (/api/v1/authenticator/…) lies outside its scope and is never
 * cached. The server fills in the shell's files and their digest, so a new
 * release is a new worker with a new cache.
 */

/** @typedef {import('../../src/contracts/authenticator.js').WebPushMessage} WebPushMessage */
/** This script's global, a service worker's (tsconfig.web-worker.json checks it with the WebWorker types). */
const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));
const VERSION = '__SHELL_VERSION__';
const PREFIX = 'techpass-authenticator-';
const CACHE = PREFIX + VERSION;
// The server fills in the shell's files (src/http/authenticator-app.ts's SHELL, the one list), the page as './'.
const SHELL = ['./', .../** @type {string[]} */ (JSON.parse('__SHELL_FILES__'))];
const shellUrls = new Set(SHELL.map((file) => new URL(file, sw.registration.scope).href));
const indexUrl = new URL('./', sw.registration.scope).href;

sw.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((file) => new Request(new URL(file, sw.registration.scope), { cache: 'no-cache' }))))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith(PREFIX) && name !== CACHE).map((name) => caches.delete(name))))
      .then(() => sw.clients.claim()),
  );
});

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin || !url.pathname.startsWith(new URL(sw.registration.scope).pathname)) return;
  if (request.mode === 'navigate') {
    // The app's pages (/authenticator/ and /authenticator/enrol): fresh when online, the cached shell offline.
    event.respondWith(fetch(request).catch(() => caches.match(indexUrl).then((cached) => cached || Response.error())));
    return;
  }
  url.hash = '';
  url.search = '';
  if (!shellUrls.has(url.href)) return;
  event.respondWith(caches.match(url.href).then((cached) => cached || fetch(request)));
});

// A sign-in request while the app is closed: a notification that opens it. The message never holds the number.
sw.addEventListener('push', (event) => {
  /** @type {Partial<WebPushMessage>} */
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    message = {};
  }
  const application = typeof message.application === 'string' ? message.application : 'an application';
  event.waitUntil(
    sw.registration.showNotification('TechPass sign-in request', {
      body: `Signing in to ${application}? Open the TechPass Authenticator and type the number shown on your computer.`,
      tag: typeof message.challengeId === 'string' ? message.challengeId : 'sign-in-request',
      icon: new URL('icon-192.png', sw.registration.scope).href,
      requireInteraction: true,
      data: { challengeId: message.challengeId },
    }),
  );
});

sw.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(
    sw.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => w.url.startsWith(sw.registration.scope));
      return open ? open.focus() : sw.clients.openWindow(sw.registration.scope);
    }),
  );
});
