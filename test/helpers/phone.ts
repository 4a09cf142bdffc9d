/**
 * Every test account gets a phone: a TechPass Authenticator device (a P-256 key)
 * enrolled for it, so sign-ins (MFA is mandatory) can be approved the way the
 * phone app does: over the device API, typing the number the page shows.
 */
import { execFileSync } from 'node:child_process';
import { generateDeviceKey } from '../../src/platform/device-keys.js';
import type { UserId } from '../../src/domain/ids.js';
import { deviceFetch, signedAnswer, type StoredDevice } from './authenticator.js';
import type { TestServer } from './server.js';

const phones = new Map<string, StoredDevice>();

/** Enrols a device for `userId` directly in the store (the enrolment protocol has its own tests). */
export async function givePhone(tp: TestServer, userId: UserId, logins: string[]): Promise<StoredDevice> {
  const { privateJwk, publicJwk } = generateDeviceKey();
  const device = await tp.server.store.push.addDevice(userId, { name: 'Test phone', publicKeyJwk: publicJwk });
  const stored: StoredDevice = { server: tp.url, deviceId: device.id, privateJwk };
  for (const login of logins) phones.set(`${tp.url}|${login.toLowerCase()}`, stored);
  return stored;
}

export function phoneOf(tp: Pick<TestServer, 'url'>, login: string): StoredDevice | undefined {
  return phones.get(`${tp.url}|${login.trim().toLowerCase()}`);
}

/** Types `number` on the phone and taps Yes on the newest waiting request. */
export async function approveOnPhone(device: StoredDevice, number: string): Promise<string> {
  const list = (await (await deviceFetch(device.server, device, 'GET', '/challenges')).json()) as { challenges: Array<{ id: string }> };
  const newest = list.challenges[0];
  if (!newest) throw new Error('no sign-in request is waiting on the phone');
  const res = await deviceFetch(device.server, device, 'POST', `/challenges/${newest.id}`, signedAnswer(device, newest.id, 'approve', number));
  const body = (await res.json()) as { outcome: string };
  return body.outcome;
}

/** Seeds of authenticator apps enrolled during sign-ins, so later sign-ins can answer with oathtool. */
const seeds = new Map<string, { seed: string; lastStep: number }>();

export function rememberSeed(server: string, login: string, seed: string): void {
  seeds.set(`${server}|${login.trim().toLowerCase()}`, { seed, lastStep: 0 });
}

export function knownSeed(server: string, login: string): boolean {
  return seeds.has(`${server}|${login.trim().toLowerCase()}`);
}

/**
 * A code from Debian's oathtool for a step not used yet (codes are single use):
 * the current step, else the next one (accepted as one step of drift), else it
 * waits for the following step.
 */
export async function nextTotpCode(server: string, login: string): Promise<string> {
  const entry = seeds.get(`${server}|${login.trim().toLowerCase()}`);
  if (!entry) throw new Error(`no authenticator app enrolled for ${login}`);
  for (;;) {
    const now = Math.floor(Date.now() / 30_000);
    const step = Math.max(now, entry.lastStep + 1);
    if (step <= now + 1) {
      entry.lastStep = step;
      return execFileSync('oathtool', ['--totp', '-b', `--now=@${step * 30 + 1}`, entry.seed], { encoding: 'utf8' }).trim();
    }
    await new Promise((r) => setTimeout(r, (now + 1) * 30_000 - Date.now() + 50));
  }
}
