/**
 * The TechPass Authenticator's devices. A platform admin (or the sign-in's MFA
 * set-up) issues a one-time link (`id.secret`, valid 10 minutes, only the digest
 * of the secret stored); the phone or the headless CLI opens it, makes a P-256
 * key pair and registers the public key, proving it holds the private key by
 * signing the registration request with it. Later requests from the device are
 * signed the same way and checked here. A device may keep a Web Push
 * subscription, so a prompt wakes the app.
 */
import { ErrorCodes } from '../../contracts/errors.js';
import { fail, ok, type Result } from '../../contracts/result.js';
import type { UserId } from '../../domain/ids.js';
import type { AuthenticatorDevice } from '../../domain/push.js';
import type { Repositories, Transactional } from '../../domain/repositories.js';
import { techpassId } from '../../domain/users.js';
import type { Clock } from '../../platform/clock.js';
import { readDevicePublicJwk, verifyDeviceSignature } from '../../platform/device-keys.js';
import { newSecret } from '../../platform/ids.js';
import { digestSecret } from '../../platform/secrets.js';
import { endpointAllowed, type WebPushSender } from '../../platform/web-push.js';
import { canonicalDeviceRequest, ENROLMENT_LINK_TTL_MS, nonceIsWellFormed, REQUEST_NONCE_TTL_MS, timestampIsFresh } from './rules.js';

/** The path of the enrolment page; the token follows in the fragment, so it never reaches a server log. */
export const ENROLMENT_PATH = '/authenticator/enrol';

/** What enrolling a device reads and writes in one transaction. */
export type EnrolmentRepositories = Pick<Repositories, 'users' | 'push' | 'audit'>;

export interface EnrolmentLinkDeps extends Pick<Repositories, 'users'>, Transactional<Pick<Repositories, 'push' | 'audit'>> {
  clock: Clock;
  /** Where people reach TechPass (enrolment links point here). */
  publicUrl: string;
}

export type DeviceEnrolmentDeps = Transactional<EnrolmentRepositories> & { clock: Clock };

/** A signed device request, as received: what the signature covers and the signature itself. */
export interface SignedRequest {
  method: string;
  /** The path and query exactly as requested. */
  path: string;
  timestamp: number;
  /** The request's nonce (header x-techpass-nonce): accepted once per device. */
  nonce: string;
  /** SHA-256 of the raw body, base64url (of the empty string when there is none). */
  bodySha256: string;
  signature: string;
}

export async function issueEnrolmentLink(
  deps: EnrolmentLinkDeps,
  userId: UserId,
  actor: string,
): Promise<Result<{ link: string; expiresAt: number; userId: UserId; techpassId: string }>> {
  const user = await deps.users.findById(userId);
  if (!user) return fail(ErrorCodes.userNotFound, 'no such account', 'user');
  if (user.status === 'high_risk') {
    return fail(ErrorCodes.accountHighRisk, `${techpassId(user)} is marked high risk; clear it first (techpass user clear-risk)`, 'user');
  }
  const secret = newSecret();
  const expiresAt = deps.clock.now() + ENROLMENT_LINK_TTL_MS;
  return deps.transaction(async (tx) => {
    const id = await tx.push.createEnrolmentLink({ userId, digest: digestSecret(secret), createdBy: actor, expiresAt });
    await tx.audit.append({
      actor,
      action: 'authenticator.enrolment_link_issued',
      targetType: 'user',
      targetId: userId,
      data: { linkId: id, expiresAt },
    });
    return ok({ link: `${deps.publicUrl}${ENROLMENT_PATH}#${id}.${secret}`, expiresAt, userId, techpassId: techpassId(user) });
  });
}

/** The token of an enrolment link: its fragment, or the token itself. */
export function enrolmentToken(linkOrToken: string): string {
  const hash = linkOrToken.indexOf('#');
  return hash >= 0 ? linkOrToken.slice(hash + 1) : linkOrToken;
}

/** A registered device and the account it signs for (its TechPass ID, for the app to show). */
export interface EnrolledDevice {
  device: AuthenticatorDevice;
  account: string;
}

export async function enrolDevice(
  deps: DeviceEnrolmentDeps,
  token: string,
  input: { name: string; publicKeyJwk: unknown },
  proof: SignedRequest,
  ip?: string,
): Promise<Result<EnrolledDevice>> {
  const name = input.name.trim();
  if (!name || name.length > 60) return fail(ErrorCodes.inputInvalid, 'the device name is required (at most 60 characters)', 'name');
  const publicKeyJwk = readDevicePublicJwk(input.publicKeyJwk);
  if (!publicKeyJwk)
    return fail(ErrorCodes.deviceKeyInvalid, 'the device key must be a public P-256 key as a JWK (kty EC, crv P-256, x, y)', 'publicKeyJwk');
  if (!timestampIsFresh(proof.timestamp, deps.clock.now())) {
    return fail(ErrorCodes.deviceRequestStale, "the request's timestamp is too far from the server's time; check the device clock");
  }
  // Proof of possession: the registration is signed with the key it registers.
  if (
    !nonceIsWellFormed(proof.nonce) ||
    !verifyDeviceSignature(
      publicKeyJwk,
      canonicalDeviceRequest(proof.method, proof.path, proof.timestamp, proof.nonce, proof.bodySha256),
      proof.signature,
    )
  ) {
    return fail(ErrorCodes.deviceUnauthenticated, 'the request is not signed with the key being registered');
  }
  const [id, secret] = enrolmentToken(token).split('.');
  const invalid = fail(ErrorCodes.enrolmentLinkInvalid, 'this enrolment link has expired or was already used; ask for a new one');
  if (!id || !secret) return invalid;
  return deps.transaction(async (tx) => {
    const userId = await tx.push.consumeEnrolmentLink(id, digestSecret(secret));
    if (!userId) return invalid;
    const user = await tx.users.findById(userId);
    if (!user) return invalid;
    if (user.status === 'high_risk') return fail(ErrorCodes.accountHighRisk, 'this account is marked high risk; contact the TechPass team');
    const device = await tx.push.addDevice(userId, { name, publicKeyJwk });
    await tx.audit.append({
      actor: userId,
      action: 'authenticator.device_enrolled',
      targetType: 'user',
      targetId: userId,
      ip: ip ?? null,
      data: { deviceId: device.id, name, linkId: id },
    });
    return ok({ device, account: user.username ?? user.email });
  });
}

export type DeviceAuthentication =
  { ok: true; device: AuthenticatorDevice } | { ok: false; reason: 'unsigned' | 'unknown_device' | 'stale' | 'bad_signature' | 'replayed' };

/** Checks a device's signed request: a known device, a fresh timestamp, its signature, and a nonce the device has not used. */
export async function authenticateDevice(
  deps: Pick<Repositories, 'push'> & { clock: Clock },
  deviceId: string,
  request: SignedRequest,
): Promise<DeviceAuthentication> {
  if (!deviceId || !request.signature || !Number.isSafeInteger(request.timestamp) || !nonceIsWellFormed(request.nonce)) {
    return { ok: false, reason: 'unsigned' };
  }
  const now = deps.clock.now();
  if (!timestampIsFresh(request.timestamp, now)) return { ok: false, reason: 'stale' };
  const device = await deps.push.findDevice(deviceId);
  if (!device) return { ok: false, reason: 'unknown_device' };
  const message = canonicalDeviceRequest(request.method, request.path, request.timestamp, request.nonce, request.bodySha256);
  if (!verifyDeviceSignature(device.publicKeyJwk, message, request.signature)) return { ok: false, reason: 'bad_signature' };
  // Only a verified request uses up its nonce, so nobody else can spend a device's nonces.
  if (!(await deps.push.claimRequestNonce(device.id, request.nonce, now + REQUEST_NONCE_TTL_MS))) return { ok: false, reason: 'replayed' };
  return { ok: true, device };
}

/** TechPass forgets a device (audited); `by` says who removed it. */
export async function removeDevice(
  tx: Pick<Repositories, 'push' | 'audit'>,
  device: AuthenticatorDevice,
  by: 'device',
  ip: string | null,
): Promise<void> {
  await tx.push.removeDevice(device.id);
  await tx.audit.append({
    actor: device.userId,
    action: 'authenticator.device_removed',
    targetType: 'user',
    targetId: device.userId,
    ip,
    data: { deviceId: device.id, name: device.name, by },
  });
}

/** TechPass's VAPID public key, for the app to subscribe with, when Web Push is configured. */
export function webPushKey(deps: { webPush?: WebPushSender }): Result<{ publicKey: string }> {
  if (!deps.webPush) return fail(ErrorCodes.webPushNotConfigured, 'Web Push is not configured on this TechPass');
  return ok({ publicKey: deps.webPush.publicKey });
}

/**
 * Keeps the device's Web Push subscription, so a prompt wakes the app. The push
 * service's URL comes from the device, so TechPass calls only https endpoints at
 * public addresses (others only with OUTBOUND_ALLOW_PRIVATE).
 */
export async function subscribeWebPush(
  deps: Pick<Repositories, 'push'> & { webPush?: WebPushSender },
  device: AuthenticatorDevice,
  subscription: NonNullable<AuthenticatorDevice['webPush']>,
  allowPrivateEndpoints: boolean,
): Promise<Result<void>> {
  if (!deps.webPush) return fail(ErrorCodes.webPushNotConfigured, 'Web Push is not configured on this TechPass');
  if (!endpointAllowed(subscription.endpoint, allowPrivateEndpoints)) {
    return fail(ErrorCodes.webPushEndpointRefused, 'endpoint: a push service must be reached over https at a public address', 'endpoint');
  }
  await deps.push.setWebPush(device.id, subscription);
  return ok(undefined);
}

/** The device no longer wants to be woken: its subscription is forgotten (audited). */
export async function unsubscribeWebPush(tx: Pick<Repositories, 'push' | 'audit'>, device: AuthenticatorDevice, ip: string | null): Promise<void> {
  await tx.push.setWebPush(device.id, null);
  await tx.audit.append({
    actor: device.userId,
    action: 'authenticator.web_push_unsubscribed',
    targetType: 'user',
    targetId: device.userId,
    ip,
    data: { deviceId: device.id, name: device.name, subscribed: device.webPush !== null },
  });
}
