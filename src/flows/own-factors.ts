/**
 * A person's own second factors, outside a sign-in (issue 20's My Account › Security):
 * add one (an authenticator app, a passkey, the TechPass Authenticator) and remove one.
 * Both need a recent sign-in with a second factor (domain/authorization-own-factors.ts).
 *
 * Adding is two steps, kept in a flow of kind `factor-enrolment` (10 minutes, single
 * use, only its person may finish it):
 * - start: a TOTP seed (sealed in the flow; shown once as secret and otpauth URI), a
 *   WebAuthn registration challenge, or a one-time enrolment link for the phone;
 * - complete: a code from the app (5 wrong codes end the enrolment), the browser's new
 *   passkey, or (the phone having used the link) nothing more.
 * Each addition is audited and e-mailed, in the transaction that saves it.
 *
 * Removing one ends the account's other sessions (the portal session making the change
 * stays) and is e-mailed. The last factor stays: the account must always have one.
 */
import { randomBytes } from 'node:crypto';
import { ErrorCodes } from '../contracts/errors.js';
import { DEFAULT_FACTOR_LABEL } from '../contracts/factors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import { auditContext, type Caller } from '../domain/authorization.js';
import { mayAddOwnFactor, mayRemoveOwnFactor } from '../domain/authorization-own-factors.js';
import type { Flow } from '../domain/flows/flow.js';
import { asUserId, type UserId } from '../domain/ids.js';
import { factorAddedMail, factorRemovedMail } from '../domain/factor-mails.js';
import type { Repositories, Transactional } from '../domain/repositories.js';
import type { UserFactor } from '../domain/user-directory.js';
import { techpassId, type User } from '../domain/users.js';
import type { Clock } from '../platform/clock.js';
import { newId } from '../platform/ids.js';
import type { RelyingParty } from '../strategies/passkey/passkey.js';
import { passkeyStrategy } from '../strategies/passkey/strategy.js';
import { issueEnrolmentLink } from '../strategies/push/devices.js';
import { totpStrategy } from '../strategies/totp/strategy.js';
import { newTotpSeed, totpUri } from '../strategies/totp/totp.js';
import { refused } from './namespace-management.js';
import { removeUserFactor, type UserManagementDeps } from './user-management.js';

export const ENROLMENT_TTL_MS = 10 * 60 * 1000;
/** Wrong codes one TOTP enrolment takes before it ends. */
export const ENROLMENT_MAX_WRONG_CODES = 5;

export type OwnFactorMethod = 'totp' | 'passkey' | 'authenticator';

type OwnFactorRepositories = Pick<Repositories, 'users' | 'userDirectory' | 'passkeys' | 'push' | 'flows' | 'audit' | 'outbox' | 'accountSessions'>;

export interface OwnFactorDeps
  extends Pick<Repositories, 'users' | 'userDirectory' | 'passkeys' | 'push' | 'flows'>, Transactional<OwnFactorRepositories> {
  clock: Clock;
  publicUrl: string;
  relyingParty: RelyingParty;
  sealer: { seal(value: string, context: string): string; open(sealed: string, context: string): string };
  /** How recent the sign-in must be (PORTAL_FRESH_SIGN_IN_MINUTES). */
  freshMs: number;
}

interface EnrolmentContext {
  method: OwnFactorMethod;
  sealedSeed?: string;
  challenge?: string;
  linkId?: string;
  wrongCodes?: number;
}

type EnrolmentFlow = Flow<'started' | 'completed' | 'failed', EnrolmentContext>;
const KIND = 'factor-enrolment';

export interface EnrolmentStarted {
  id: string;
  method: OwnFactorMethod;
  expiresAt: number;
  /** TOTP: the seed (base32) and the otpauth:// URI to scan. */
  totp?: { secret: string; uri: string };
  /** Passkey: what the browser hands navigator.credentials.create (JSON). */
  passkey?: { options: unknown };
  /** TechPass Authenticator: the one-time link the phone opens (as a QR code). */
  authenticator?: { link: string };
}

const notFound = () => fail(ErrorCodes.enrolmentNotFound, 'this enrolment has finished or expired; start again', 'id');

async function caller_(deps: OwnFactorDeps, caller: Caller, decide: typeof mayAddOwnFactor): Promise<Result<User>> {
  const id = asUserId(caller.userId);
  const decision = decide(caller, id, deps.clock.now(), deps.freshMs);
  if (!decision.allow) return refused(decision);
  const user = await deps.users.findById(id);
  return user ? ok(user) : fail(ErrorCodes.userNotFound, 'your account is gone', 'userId');
}

/** Starts adding a second factor of `method` to the caller's own account. */
export async function startOwnEnrolment(deps: OwnFactorDeps, caller: Caller, method: OwnFactorMethod): Promise<Result<EnrolmentStarted>> {
  const found = await caller_(deps, caller, mayAddOwnFactor);
  if (!found.ok) return found;
  const user = found.value;
  const now = deps.clock.now();
  const flow: EnrolmentFlow = {
    id: newId('flw_'),
    kind: KIND,
    state: 'started',
    interactionUid: null,
    userId: user.id,
    requestedAal: 2,
    methodsDone: [],
    context: { method },
    csrf: '',
    expiresAt: now + ENROLMENT_TTL_MS,
    version: 0,
    createdAt: now,
    updatedAt: now,
  };
  const started: EnrolmentStarted = { id: flow.id, method, expiresAt: flow.expiresAt };
  if (method === 'totp') {
    const seed = newTotpSeed();
    flow.context.sealedSeed = deps.sealer.seal(seed, `flows:${flow.id}`);
    started.totp = { secret: seed, uri: totpUri(seed, techpassId(user)) };
  } else if (method === 'passkey') {
    const challenge = randomBytes(32).toString('base64url');
    flow.context.challenge = challenge;
    const holder = { id: user.id, techpassId: techpassId(user), displayName: `${user.givenName} ${user.familyName}`.trim() };
    const made = await passkeyStrategy(deps.relyingParty).challenge({ challenge, existing: await deps.passkeys.ofUser(user.id), register: holder });
    if (made.kind !== 'ok') return fail(ErrorCodes.internal, 'the passkey options could not be made');
    started.passkey = { options: made.value };
  } else {
    const issued = await issueEnrolmentLink({ ...deps, transaction: (fn) => deps.transaction(fn) }, user.id, user.id);
    if (!issued.ok) return issued;
    flow.context.linkId = issued.value.link.slice(issued.value.link.indexOf('#') + 1).split('.')[0]!;
    started.authenticator = { link: issued.value.link };
    started.expiresAt = Math.min(flow.expiresAt, issued.value.expiresAt);
    flow.expiresAt = started.expiresAt;
  }
  await deps.flows.create(flow);
  return ok(started);
}

/** The caller's own enrolment `id`, if it is still open. */
async function openEnrolment(deps: OwnFactorDeps, caller: Caller, id: string): Promise<EnrolmentFlow | null> {
  const flow = (await deps.flows.find(id)) as EnrolmentFlow | null;
  if (!flow || flow.kind !== KIND || flow.userId !== caller.userId || caller.via === 'operator') return null;
  if (flow.state !== 'started' || flow.expiresAt <= deps.clock.now()) return null;
  return flow;
}

/** Whether the phone has used an authenticator enrolment's link yet (what the portal polls). */
export async function ownEnrolmentStatus(
  deps: OwnFactorDeps,
  caller: Caller,
  id: string,
): Promise<Result<{ id: string; method: OwnFactorMethod; ready: boolean; expiresAt: number }>> {
  const flow = await openEnrolment(deps, caller, id);
  if (!flow) return notFound();
  const ready = flow.context.method === 'authenticator' ? await deps.push.enrolmentLinkUsed(flow.context.linkId ?? '') : false;
  return ok({ id: flow.id, method: flow.context.method, ready, expiresAt: flow.expiresAt });
}

/**
 * Finishes adding a factor: checks the code or the passkey, then saves the factor, its
 * audit event, its mail and the enrolment's end together (the enrolment is used once).
 */
export async function completeOwnEnrolment(
  deps: OwnFactorDeps,
  caller: Caller,
  id: string,
  input: { code?: string | undefined; response?: unknown; label?: string | undefined },
): Promise<Result<UserFactor>> {
  const flow = await openEnrolment(deps, caller, id);
  if (!flow) return notFound();
  const user = await deps.users.findById(asUserId(caller.userId));
  if (!user) return notFound();
  const label = input.label?.trim().slice(0, 60) ?? '';
  const now = deps.clock.now();
  const ended = (tx: OwnFactorRepositories, state: EnrolmentFlow['state'], context = flow.context) =>
    // `save` writes only over the version read, and moves it on: the enrolment is finished once.
    tx.flows.save({ ...flow, state, context, updatedAt: now });

  if (flow.context.method === 'totp') {
    const code = (input.code ?? '').replace(/\s/g, '');
    if (!/^\d{6}$/.test(code)) return fail(ErrorCodes.inputInvalid, 'enter the 6-digit code your authenticator app shows', 'code');
    const seed = deps.sealer.open(flow.context.sealedSeed ?? '', `flows:${flow.id}`);
    const check = await totpStrategy.enrol({ seed, code, now });
    if (check.kind !== 'ok') {
      const wrongCodes = (flow.context.wrongCodes ?? 0) + 1;
      const last = wrongCodes >= ENROLMENT_MAX_WRONG_CODES;
      const saved = await deps.transaction((tx) => ended(tx, last ? 'failed' : 'started', { ...flow.context, wrongCodes }));
      if (!saved || last) return fail(ErrorCodes.enrolmentNotFound, 'too many wrong codes: start again with a new code', 'code');
      return fail(ErrorCodes.inputInvalid, 'that code is not right: check the time on your phone and enter the code it shows now', 'code');
    }
    const name = label || DEFAULT_FACTOR_LABEL.otp;
    return deps.transaction(async (tx) => {
      if (!(await ended(tx, 'completed'))) return notFound();
      const factorId = await tx.users.addTotpFactor(user.id, name, seed);
      await tx.users.recordTotpUse(factorId, check.value.step);
      return added(tx, user, caller, factorId, 'totp', name, deps.publicUrl);
    });
  }

  if (flow.context.method === 'passkey') {
    const verified = await passkeyStrategy(deps.relyingParty).enrol({ response: input.response, challenge: flow.context.challenge ?? '' });
    if (verified.kind !== 'ok') return fail(ErrorCodes.inputInvalid, 'the browser’s passkey could not be verified; try again', 'response');
    const name = label || DEFAULT_FACTOR_LABEL.hwk;
    const { credentialId, publicKey, counter, transports, aaguid, deviceType, backedUp } = verified.value;
    return deps
      .transaction(async (tx) => {
        if (!(await ended(tx, 'completed'))) return notFound();
        const saved = await tx.passkeys.add(user.id, {
          label: name,
          credentialId,
          publicKey,
          counter,
          transports,
          data: { aaguid, deviceType, backedUp },
        });
        if (!saved.ok) throw new PasskeyTaken();
        return added(tx, user, caller, saved.value.id, 'passkey', name, deps.publicUrl);
      })
      .catch((error: unknown) => {
        if (error instanceof PasskeyTaken)
          return fail(ErrorCodes.inputInvalid, 'this passkey is already registered to an account; use another one', 'response');
        throw error;
      });
  }

  // The TechPass Authenticator registered itself with the link (strategies/push/devices.ts audits that).
  if (!(await deps.push.enrolmentLinkUsed(flow.context.linkId ?? ''))) {
    return fail(ErrorCodes.enrolmentPending, 'open the link on your phone with the TechPass Authenticator first', 'id');
  }
  return deps.transaction(async (tx) => {
    if (!(await ended(tx, 'completed'))) return notFound();
    const device = (await tx.userDirectory.factors(user.id)).filter((f) => f.type === 'authenticator').sort((a, b) => b.createdAt - a.createdAt)[0];
    if (!device) return fail(ErrorCodes.enrolmentPending, 'the phone has not finished registering; try again in a moment', 'id');
    await tx.outbox.enqueue(factorAddedMail(user, device, deps.publicUrl));
    return ok(device);
  });
}

class PasskeyTaken extends Error {}

async function added(
  tx: OwnFactorRepositories,
  user: User,
  caller: Caller,
  factorId: string,
  type: UserFactor['type'],
  label: string,
  publicUrl: string,
): Promise<Result<UserFactor>> {
  const method = type === 'totp' ? 'otp' : 'hwk';
  await tx.audit.append({
    actor: user.id,
    action: 'mfa.enrolled',
    targetType: 'user',
    targetId: user.id,
    data: { ...auditContext(caller), method, factorId, name: label },
  });
  await tx.outbox.enqueue(factorAddedMail(user, { type, label }, publicUrl));
  const factor = (await tx.userDirectory.factors(user.id)).find((f) => f.id === factorId);
  if (!factor) throw new Error(`the factor ${factorId} just added is not listed`);
  return ok(factor);
}

/** Removes one of the caller's own factors (never the last), ending their other sessions. */
export async function removeOwnFactor(deps: OwnFactorDeps, caller: Caller, factorId: string): Promise<Result<UserFactor>> {
  const found = await caller_(deps, caller, mayRemoveOwnFactor);
  if (!found.ok) return found;
  const user = found.value;
  return deps
    .transaction(async (tx) => {
      const removed = await tx.userDirectory.removeFactor(user.id, factorId);
      if (!removed) return fail(ErrorCodes.factorNotFound, `you have no second factor ${factorId}`, 'factorId');
      // Checked after the removal, in its transaction: two removals at once cannot take the last two.
      if ((await tx.userDirectory.factors(user.id)).length === 0) throw new LastFactor();
      const sessionsEnded = await tx.accountSessions.endAll(user.id, caller.portalSession ? { portalSession: caller.portalSession } : undefined);
      await tx.audit.append({
        actor: user.id,
        action: 'mfa.factor_removed',
        targetType: 'user',
        targetId: user.id,
        data: { ...auditContext(caller), reason: 'self', before: removed, after: null, sessionsEnded },
      });
      await tx.outbox.enqueue(factorRemovedMail(user, removed, 'self'));
      return ok(removed);
    })
    .catch((error: unknown) => {
      if (error instanceof LastFactor) {
        return fail(ErrorCodes.factorLast, 'this is your only second factor: add another one first, then remove this one', 'factorId');
      }
      throw error;
    });
}

class LastFactor extends Error {}

const isOwn = (caller: Caller, userId: string): boolean => caller.via !== 'operator' && caller.userId === (userId as UserId);

/**
 * `DELETE /users/{id}/factors/{factorId}`: one's own factor by the rules above (a fresh
 * sign-in, never the last); another person's as a platform admin (user-management.ts).
 * Without `own` (the CLI's operator, who has no factors) only the latter.
 */
export function removeFactorOf(
  users: UserManagementDeps,
  own: OwnFactorDeps | undefined,
  caller: Caller,
  input: { userId: string; factorId: string },
): Promise<Result<UserFactor>> {
  return isOwn(caller, input.userId) && own ? removeOwnFactor(own, caller, input.factorId) : removeUserFactor(users, caller, input);
}
