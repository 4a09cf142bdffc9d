// @ts-check
/*
 * The TechPass Authenticator's device side: the server it belongs to, the
 * non-extractable P-256 keys in IndexedDB, the signed device protocol of
 * src/contracts/authenticator.ts (requests over
 * `techpass-device-request/v2\nMETHOD\npath?query\ntimestamp\nnonce\nsha256(body)`, answers over
 * `techpass-push-answer/v1\nchallenge\nnumber\ndecision\ntimestamp`, ECDSA
 * P-256, SHA-256, raw r||s, base64url) and the Web Push subscription.
 * app.js draws the screens on top of it. Types come from src/contracts
 * (tsconfig.web.json checks this file against them).
 */

/** @typedef {typeof import('../../src/contracts/authenticator.js')} Contract */
/** @typedef {import('../../src/contracts/authenticator.js').EnrolDeviceBody} EnrolDeviceBody */
/** @typedef {import('../../src/contracts/authenticator.js').EnrolDeviceAnswer} EnrolDeviceAnswer */
/** @typedef {import('../../src/contracts/authenticator.js').DeviceChallenge} DeviceChallenge */
/** @typedef {import('../../src/contracts/authenticator.js').DeviceChallengesAnswer} DeviceChallengesAnswer */
/** @typedef {import('../../src/contracts/authenticator.js').AnswerChallengeBody} AnswerChallengeBody */
/** @typedef {import('../../src/contracts/authenticator.js').AnswerChallengeAnswer} AnswerChallengeAnswer */
/** @typedef {import('../../src/contracts/authenticator.js').WebPushSubscriptionBody} WebPushSubscriptionBody */
/** @typedef {import('../../src/contracts/errors.js').ErrorBody} ErrorBody */

/**
 * An account on this phone, as kept in IndexedDB (CryptoKeys are structured-cloneable).
 * @typedef {object} Account
 * @property {string} deviceId
 * @property {string} name
 * @property {string} account the account's TechPass ID
 * @property {string} server
 * @property {CryptoKeyPair} keys
 * @property {number} enrolledAt
 */

/** What signs a request: a key, and the device it names once it has an id. @typedef {{ privateKey: CryptoKey, deviceId?: string }} Signer */

export const APP_SEGMENT = '/authenticator';
/** Where the server lives: this page's origin and any path before /authenticator. */
export const BASE = location.origin + location.pathname.slice(0, Math.max(0, location.pathname.indexOf(APP_SEGMENT)));
/** @type {Contract['AUTHENTICATOR_API']} */
const API_PATH = '/api/v1/authenticator';
export const API = `${BASE}${API_PATH}`;
export const ENROL_PAGE = `${APP_SEGMENT}/enrol`;
export const POLL_MS = 3000;

// ---------------------------------------------------------------- encoding

export const utf8 = new TextEncoder();

/** @param {ArrayBuffer | Uint8Array} buffer */
export function base64url(buffer) {
  let binary = '';
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** @param {string} text */
export async function sha256(text) {
  return base64url(await crypto.subtle.digest('SHA-256', utf8.encode(text)));
}

/**
 * @param {CryptoKey} privateKey
 * @param {string} message
 */
export async function sign(privateKey, message) {
  return base64url(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, utf8.encode(message)));
}

// ---------------------------------------------------------------- key store (IndexedDB)

export const DB_NAME = 'techpass-authenticator';
export const ACCOUNTS = 'accounts';

/** @returns {Promise<IDBDatabase>} */
export function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(ACCOUNTS, { keyPath: 'deviceId' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Runs `work` in one transaction on the accounts store; answers its request's result once committed.
 * @template T
 * @param {IDBTransactionMode} mode
 * @param {(store: IDBObjectStore) => IDBRequest<T> | void} work
 * @returns {Promise<T>}
 */
export async function withStore(mode, work) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(ACCOUNTS, mode);
      const result = work(tx.objectStore(ACCOUNTS));
      tx.oncomplete = () => resolve(/** @type {T} */ (result && 'result' in result ? result.result : undefined));
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** @returns {Promise<Account[]>} */
export const loadAccounts = () => withStore('readonly', (store) => store.getAll());
/** @param {Account} account */
export const saveAccount = (account) => withStore('readwrite', (store) => store.put(account));
/** @param {string} deviceId */
export const forgetAccount = (deviceId) => withStore('readwrite', (store) => store.delete(deviceId));

// ---------------------------------------------------------------- the device protocol

/** TechPass refused a request: its status and error code (src/contracts/errors.ts). */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {Partial<ErrorBody> & { pausedUntil?: number }} body
   */
  constructor(status, body) {
    super(body.message || `TechPass answered ${status}`);
    this.status = status;
    /** @type {import('../../src/contracts/errors.js').ErrorCode | ''} */
    this.code = body.error || '';
    this.pausedUntil = body.pausedUntil;
  }
}

export class NetworkError extends Error {}

/** A request signed with `privateKey` (and naming the device, once it has an id). */
/**
 * @param {Signer} signer
 * @param {string} method
 * @param {string} path under the device API
 * @param {unknown} [body]
 * @param {{ signal?: AbortSignal, accept?: string }} [init]
 */
export async function signedFetch({ privateKey, deviceId }, method, path, body, init = {}) {
  const url = new URL(API + path);
  const text = body === undefined ? '' : JSON.stringify(body);
  const timestamp = Date.now();
  // A fresh nonce per request (16 random bytes, base64url): TechPass accepts each signed request once.
  const nonce = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const canonical = ['techpass-device-request/v2', method, url.pathname + url.search, String(timestamp), nonce, await sha256(text)].join('\n');
  const signature = await sign(privateKey, canonical);
  /** @type {Partial<Record<Contract['DEVICE_HEADER'] | 'content-type', string>> & Record<Contract['TIMESTAMP_HEADER'] | Contract['NONCE_HEADER'] | Contract['SIGNATURE_HEADER'] | 'accept', string>} */
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
    if (error instanceof Error && error.name === 'AbortError') throw error;
    throw new NetworkError('Cannot reach TechPass. Check your connection and try again.');
  }
}

/**
 * The answer's JSON body, or an ApiError when TechPass refused.
 * @param {Response} response
 * @returns {Promise<any>} the body of the contract's answer for this request (the callers name its type)
 */
export async function json(response) {
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

/** @param {Account} account @returns {Signer} */
export const deviceOf = (account) => ({ privateKey: account.keys.privateKey, deviceId: account.deviceId });

/**
 * @param {string} token
 * @param {string} name
 * @returns {Promise<Account>}
 */
export async function enrol(token, name) {
  // The browser keeps the private key and will not hand it out, not even to this script.
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', keys.publicKey);
  /** @type {EnrolDeviceBody} */
  const body = { token, name, publicKeyJwk: { kty, crv, x, y } };
  /** @type {EnrolDeviceAnswer} */
  const enrolled = await json(await signedFetch({ privateKey: keys.privateKey }, 'POST', '/devices', body));
  /** @type {Account} */
  const account = { deviceId: enrolled.deviceId, name: enrolled.name, account: enrolled.account, server: BASE, keys, enrolledAt: Date.now() };
  await saveAccount(account);
  return account;
}

/**
 * @param {Account} account
 * @param {AbortSignal} [signal]
 * @returns {Promise<DeviceChallenge[]>}
 */
export async function fetchChallenges(account, signal) {
  return /** @type {DeviceChallengesAnswer} */ (await json(await signedFetch(deviceOf(account), 'GET', '/challenges', undefined, { signal })))
    .challenges;
}

/**
 * @param {Account} account
 * @param {string} challengeId
 * @param {AnswerChallengeBody['decision']} decision
 * @param {string} number
 * @returns {Promise<AnswerChallengeAnswer>}
 */
export async function answer(account, challengeId, decision, number) {
  const timestamp = Date.now();
  const signature = await sign(account.keys.privateKey, ['techpass-push-answer/v1', challengeId, number, decision, String(timestamp)].join('\n'));
  /** @type {AnswerChallengeBody} */
  const body = { number, decision, timestamp, signature };
  const response = await signedFetch(deviceOf(account), 'POST', `/challenges/${encodeURIComponent(challengeId)}`, body);
  return json(response);
}

/** Reads a server-sent event stream from a fetch response (EventSource cannot sign its request). */
/**
 * @param {Response} response
 * @param {(event: string, data: unknown) => void} onEvent
 */
export async function readEvents(response, onEvent) {
  if (!response.body) return;
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

/** @param {string} text */
export function fromBase64url(text) {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** TechPass's VAPID public key, or null when Web Push is not configured. @returns {Promise<string | null>} */
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
 * @param {Account[]} accounts
 * @param {boolean} ask
 * @returns {Promise<import('./state.js').Notifications>}
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
    const body = /** @type {WebPushSubscriptionBody} */ ({ endpoint, keys });
    for (const account of accounts) await json(await signedFetch(deviceOf(account), 'PUT', '/devices/me/web-push', body));
    return 'on';
  } catch {
    return 'failed';
  }
}
