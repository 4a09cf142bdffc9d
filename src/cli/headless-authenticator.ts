/**
 * The headless TechPass Authenticator: the same protocol as the installable web
 * app, with the device key in a local JSON file (mode 0600) instead of IndexedDB.
 * For automation and tests. It talks to the server over HTTP only; it never
 * opens the database.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  AUTHENTICATOR_API,
  DEVICE_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  NONCE_HEADER,
  type AnswerChallengeAnswer,
  type DeviceChallengesAnswer,
  type EnrolDeviceAnswer,
} from '../contracts/authenticator.js';
import { ErrorCodes } from '../contracts/errors.js';
import { canonicalAnswer, canonicalDeviceRequest, type PushDecision } from '../strategies/push/rules.js';
import { bodyDigest, generateDeviceKey, signAsDevice, type DevicePublicJwk } from '../platform/device-keys.js';
import { ENROLMENT_PATH } from '../flows/push.js';
import { CommandError } from './output.js';

export interface DeviceStore {
  version: 1;
  /** The TechPass server the device is enrolled with (its public URL). */
  server: string;
  deviceId: string;
  name: string;
  account: string;
  privateJwk: Record<string, unknown>;
  publicJwk: DevicePublicJwk;
  enrolledAt: number;
}

export function readDeviceStore(file: string): DeviceStore {
  let parsed: Partial<DeviceStore>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<DeviceStore>;
  } catch (error) {
    throw new CommandError(
      `cannot read the authenticator store ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (run techpass authenticator enrol first)' : (error as Error).message}`,
      ErrorCodes.authenticatorStoreInvalid,
      'store',
    );
  }
  if (parsed.version !== 1 || !parsed.server || !parsed.deviceId || !parsed.privateJwk) {
    throw new CommandError(`${file} is not a TechPass authenticator store`, ErrorCodes.authenticatorStoreInvalid, 'store');
  }
  return parsed as DeviceStore;
}

/** The server an enrolment link belongs to, and the link's token. */
export function parseEnrolmentLink(link: string): { server: string; token: string } {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new CommandError(
      'the enrolment link must be a URL such as https://techpass.example/authenticator/enrol#…',
      ErrorCodes.inputInvalid,
      'link',
    );
  }
  const at = url.pathname.lastIndexOf(ENROLMENT_PATH);
  const token = url.hash.slice(1);
  if (at < 0 || !token || !/^https?:$/.test(url.protocol)) {
    throw new CommandError(`not a TechPass enrolment link (expected …${ENROLMENT_PATH}#<token>)`, ErrorCodes.inputInvalid, 'link');
  }
  return { server: `${url.origin}${url.pathname.slice(0, at)}`, token };
}

interface Signer {
  deviceId?: string;
  privateJwk: Record<string, unknown>;
}

/** Sends a request signed with the device key; answers the JSON body, or throws a CommandError naming the server's error. */
async function signedRequest<T>(server: string, signer: Signer, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const url = new URL(`${server.replace(/\/+$/, '')}${AUTHENTICATOR_API}${path}`);
  const text = body === undefined ? '' : JSON.stringify(body);
  const timestamp = Date.now();
  // A fresh nonce per request: the server accepts each signed request once.
  const nonce = randomBytes(16).toString('base64url');
  const signature = signAsDevice(
    signer.privateJwk,
    canonicalDeviceRequest(method, `${url.pathname}${url.search}`, timestamp, nonce, bodyDigest(text)),
  );
  const headers: Record<string, string> = {
    [TIMESTAMP_HEADER]: String(timestamp),
    [NONCE_HEADER]: nonce,
    [SIGNATURE_HEADER]: signature,
    accept: 'application/json',
  };
  if (signer.deviceId) headers[DEVICE_HEADER] = signer.deviceId;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: text }), signal: AbortSignal.timeout(15_000) });
  } catch (error) {
    const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new CommandError(`cannot reach TechPass at ${url.origin} (${reason})`, ErrorCodes.authenticatorUnreachable);
  }
  const answer = (await res.json().catch(() => ({}))) as { error?: string; message?: string; field?: string; pausedUntil?: number };
  if (!res.ok) {
    const paused = answer.pausedUntil ? `; push sign-in is now paused for this account until ${new Date(answer.pausedUntil).toISOString()}` : '';
    throw new CommandError(`${answer.message ?? `TechPass answered ${res.status}`}${paused}`, answer.error ?? 'command.failed', answer.field);
  }
  return answer as T;
}

/**
 * Where the new key will be written: a file of its own, made (empty, mode 0600) in the
 * store's folder before the link is used, so a store that cannot be written is found
 * out while the link still works. Answers its path.
 */
function prepareStore(file: string, force: boolean): string {
  if (existsSync(file) && statSync(file).isDirectory()) {
    throw new CommandError(
      `${file} is a folder; give --store the name of a file to keep the device key in`,
      ErrorCodes.authenticatorStoreInvalid,
      'store',
    );
  }
  if (existsSync(file) && !force) {
    throw new CommandError(`${file} already holds a device key; give another --store or --force to replace it`, ErrorCodes.inputInvalid, 'store');
  }
  const pending = path.join(path.dirname(file), `.techpass-device-${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(pending, '', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new CommandError(
      `cannot write the device key next to ${file} (${reason}); nothing was enrolled and the link still works`,
      ErrorCodes.authenticatorStoreInvalid,
      'store',
    );
  }
  return pending;
}

/** Moves the written key to `file`: never over another file unless `force`. */
function saveStore(pending: string, file: string, store: DeviceStore, force: boolean): void {
  writeFileSync(pending, `${JSON.stringify(store, null, 2)}\n`, { mode: 0o600 });
  // A file made by an earlier umask or replaced: the key is a secret, so tighten it in every case.
  chmodSync(pending, 0o600);
  if (force) {
    renameSync(pending, file);
  } else {
    linkSync(pending, file);
    unlinkSync(pending);
  }
}

const forget = (file: string) => {
  try {
    unlinkSync(file);
  } catch {
    // Already gone, or never made.
  }
};

/**
 * Enrols with a one-time link. The store is checked first (the link is used only
 * when the key can be kept), and if saving the key fails anyway the device is removed
 * from TechPass again: a device whose key was lost would leave the person's next
 * sign-in waiting for a phone that does not exist.
 */
export async function enrolHeadless(link: string, file: string, name: string, force: boolean): Promise<DeviceStore> {
  const { server, token } = parseEnrolmentLink(link);
  const pending = prepareStore(file, force);
  const key = generateDeviceKey();
  let enrolled: EnrolDeviceAnswer;
  try {
    enrolled = await signedRequest<EnrolDeviceAnswer>(server, { privateJwk: key.privateJwk }, 'POST', '/devices', {
      token,
      name,
      publicKeyJwk: key.publicJwk,
    });
  } catch (error) {
    forget(pending);
    throw error;
  }
  const store: DeviceStore = {
    version: 1,
    server,
    deviceId: enrolled.deviceId,
    name: enrolled.name,
    account: enrolled.account,
    privateJwk: key.privateJwk,
    publicJwk: key.publicJwk,
    enrolledAt: Date.now(),
  };
  try {
    saveStore(pending, file, store, force);
  } catch (error) {
    forget(pending);
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    const removed = await signedRequest(server, store, 'DELETE', '/devices/me').then(
      () => 'the device was removed from TechPass again',
      () => `the device ${store.deviceId} could not be removed from TechPass: remove it in the portal`,
    );
    throw new CommandError(
      `could not save the device key to ${file} (${reason}); ${removed}. The link is used up: ask for a new enrolment link`,
      ErrorCodes.authenticatorStoreInvalid,
      'store',
    );
  }
  return store;
}

export function listPending(store: DeviceStore, server = store.server): Promise<DeviceChallengesAnswer> {
  return signedRequest<DeviceChallengesAnswer>(server, store, 'GET', '/challenges');
}

/** Answers one challenge (by default the newest waiting one) with a signed decision. */
export async function answerPending(
  store: DeviceStore,
  decision: PushDecision,
  number: string,
  options: { challengeId?: string; server?: string } = {},
): Promise<AnswerChallengeAnswer & { challengeId: string; application: string | null }> {
  const server = options.server ?? store.server;
  let challengeId = options.challengeId;
  let application: string | null = null;
  if (!challengeId) {
    const newest = (await listPending(store, server)).challenges[0];
    if (!newest) throw new CommandError('no sign-in request is waiting for this device', ErrorCodes.pushNoPending);
    challengeId = newest.id;
    application = newest.application;
  }
  const timestamp = Date.now();
  const signature = signAsDevice(store.privateJwk, canonicalAnswer(challengeId, { number, decision, timestamp }));
  const answer = await signedRequest<AnswerChallengeAnswer>(server, store, 'POST', `/challenges/${encodeURIComponent(challengeId)}`, {
    number,
    decision,
    timestamp,
    signature,
  });
  return { ...answer, challengeId, application };
}
