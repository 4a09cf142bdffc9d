/*
 * The TechPass Authenticator's device side: the server it belongs to, the
 * non-extractable P-256 keys in IndexedDB, the signed device protocol of
 * src/contracts/authenticator.ts (requests over
 * `METHOD\npath?query\ntimestamp\nsha256(body)`, answers over
 * `techpass-push-answer/v1\nchallenge\nnumber\ndecision\ntimestamp`, ECDSA
 * P-256, SHA-256, raw r||s, base64url) and the Web Push subscription.
 * app.js draws the screens on top of it.
 */

export const APP_SEGMENT = '/authenticator';
/** Where the server lives: this page's origin and any path before /authenticator. */
export const BASE = location.origin + location.pathname.slice(0, Math.max(0, location.pathname.indexOf(APP_SEGMENT)));
export const API = `${BASE}/api/v1/authenticator`;
export const ENROL_PAGE = `${APP_SEGMENT}/enrol`;
export const POLL_MS = 3000;

// ---------------------------------------------------------------- encoding

export const utf8 = new TextEncoder();

export function base64url(buffer) {
  let binary = '';
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export async function sha256(text) {
  return base64url(await crypto.subtle.digest('SHA-256', utf8.encode(text)));
}

export async function sign(privateKey, message) {
  return base64url(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, utf8.encode(message)));
}

// ---------------------------------------------------------------- key store (IndexedDB)

export const DB_NAME = 'techpass-authenticator';
export const ACCOUNTS = 'accounts';

export function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(ACCOUNTS, { keyPath: 'deviceId' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export async function withStore(mode, work) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(ACCOUNTS, mode);
      const result = work(tx.objectStore(ACCOUNTS));
      tx.oncomplete = () => resolve(result && 'result' in result ? result.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

export const loadAccounts = () => withStore('readonly', (store) => store.getAll());
/** An account: { deviceId, name, account, server, keys: CryptoKeyPair, enrolledAt }. CryptoKeys are structured-cloneable. */
export const saveAccount = (account) => withStore('readwrite', (store) => store.put(account));
export const forgetAccount = (deviceId) => withStore('readwrite', (store) => store.delete(deviceId));

// ---------------------------------------------------------------- the device protocol

export class ApiError extends Error {
  constructor(status, body) {
    super(body.message || `TechPass answered ${status}`);
    this.status = status;
    this.code = body.error || '';
    this.pausedUntil = body.pausedUntil;
  }
}

export class NetworkError extends Error {}

/** A request signed with `privateKey` (and naming the device, once it has an id). */
export async function signedFetch({ privateKey, deviceId }, method, path, body, init = {}) {
  const url = new URL(API + path);
  const text = body === undefined ? '' : JSON.stringify(body);
  const timestamp = Date.now();
  // A fresh nonce per request (16 random bytes, base64url): TechPass accepts each signed request once.
  const nonce = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const canonical = ['techpass-device-request/v2', method, url.pathname + url.search, String(timestamp), nonce, await sha256(text)].join('\n');
  const signature = await sign(privateKey, canonical);
  const headers = {
    'x-techpass-timestamp': String(timestamp),
    'x-techpass-nonce': nonce,
    'x-techpass-signature': signature,
    accept: init.accept || 'application/json',
  };
  if (deviceId) headers['x-techpass-device'] = deviceId;
  if (body !== undefined) headers['content-type'] = 'application/json';
  try {
    return await fetch(url, { method, headers, body: body === undefined ? undefined : text, cache: 'no-store', signal: init.signal });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new NetworkError('Cannot reach TechPass. Check your connection and try again.');
  }
}

export async function json(response) {
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

export const deviceOf = (account) => ({ privateKey: account.keys.privateKey, deviceId: account.deviceId });

export async function enrol(token, name) {
  // The browser keeps the private key and will not hand it out, not even to this script.
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', keys.publicKey);
  const enrolled = await json(
    await signedFetch({ privateKey: keys.privateKey }, 'POST', '/devices', { token, name, publicKeyJwk: { kty, crv, x, y } }),
  );
  const account = { deviceId: enrolled.deviceId, name: enrolled.name, account: enrolled.account, server: BASE, keys, enrolledAt: Date.now() };
  await saveAccount(account);
  return account;
}

export async function fetchChallenges(account, signal) {
  return (await json(await signedFetch(deviceOf(account), 'GET', '/challenges', undefined, { signal }))).challenges;
}

export async function answer(account, challengeId, decision, number) {
  const timestamp = Date.now();
  const signature = await sign(account.keys.privateKey, ['techpass-push-answer/v1', challengeId, number, decision, String(timestamp)].join('\n'));
  const response = await signedFetch(deviceOf(account), 'POST', `/challenges/${encodeURIComponent(challengeId)}`, {
    number,
    decision,
    timestamp,
    signature,
  });
  return json(response);
}

/** Reads a server-sent event stream from a fetch response (EventSource cannot sign its request). */
export async function readEvents(response, onEvent) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = text;
        else if (field === 'data') data.push(text);
      }
      if (data.length) onEvent(event, JSON.parse(data.join('\n')));
    }
  }
}

// ---------------------------------------------------------------- Web Push (requests reach the phone while the app is closed)

export function fromBase64url(text) {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export async function webPushKey() {
  try {
    const response = await fetch(`${API}/web-push`, { cache: 'no-store' });
    return response.ok ? (await response.json()).publicKey : null;
  } catch {
    return null;
  }
}

/**
 * Subscribes this browser with TechPass's VAPID key and registers the subscription
 * for every account on it. Asks for permission only when `ask` (a tap).
 */
export async function enableNotifications(accounts, ask) {
  if (!('serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window)) return 'unavailable';
  const key = await webPushKey();
  if (!key || !accounts.length) return 'unavailable';
  if (Notification.permission === 'denied') return 'denied';
  if (Notification.permission !== 'granted') {
    if (!ask) return 'off';
    if ((await Notification.requestPermission()) !== 'granted') return 'denied';
  }
  try {
    const registration = await navigator.serviceWorker.ready;
    const subscription =
      (await registration.pushManager.getSubscription()) ||
      (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: fromBase64url(key) }));
    const { endpoint, keys } = subscription.toJSON();
    for (const account of accounts) await json(await signedFetch(deviceOf(account), 'PUT', '/devices/me/web-push', { endpoint, keys }));
    return 'on';
  } catch {
    return 'failed';
  }
}
