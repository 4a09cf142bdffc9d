/**
 * Vendor accounts, as a tenant admin manages them in their namespace. The CLI calls
 * these today (`techpass vendor …`); the management API will call the same functions
 * with the namespace its caller administers.
 *
 * Creating a vendor makes a pending account (type vendor) with an e-mail, a local
 * username and a mobile number, each unique across TechPass, records its namespace,
 * and sends two messages in the same transaction: the username by e-mail and a
 * one-time activation code by SMS. Only an HMAC of the code is stored. The first
 * sign-in takes the code (flows/sign-in-activation.ts). A new code replaces the old.
 */
import { randomInt } from 'node:crypto';
import { ErrorCodes } from '../contracts/errors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import type { NamespaceId } from '../domain/ids.js';
import { brandedMail, sms, utc } from '../domain/messages.js';
import type { Repositories, Transactional } from '../domain/repositories.js';
import { checkNewUser, localTechpassId, normaliseEmail, normaliseMobile, type User } from '../domain/users.js';
import {
  ACTIVATION_CODE_DIGITS,
  activationCodeState,
  mobileEnding,
  namesFromUsername,
  vendorUsername,
  type ActivationCodeState,
} from '../domain/vendors.js';
import type { Clock } from '../platform/clock.js';

export type VendorRepositories = Pick<Repositories, 'users' | 'outbox' | 'audit' | 'activationCodes' | 'forNamespace'>;

export interface VendorDeps extends VendorRepositories, Transactional<VendorRepositories> {
  clock: Clock;
  /** LOCAL_ID_DOMAIN: a vendor's TechPass ID is `username@<it>`. */
  localIdDomain: string;
  /** VENDOR_ACTIVATION_CODE_TTL, in milliseconds. */
  activationCodeTtlMs: number;
}

export interface NewVendorInput {
  email: string;
  /** `name` or `name@<local domain>`. */
  username: string;
  /** Any common spelling of a number with its country code; stored in E.164. */
  mobile: string;
  /** Read from a `first_last` username when not given. */
  givenName?: string;
  familyName?: string;
}

export interface VendorSummary {
  id: string;
  techpassId: string;
  email: string;
  mobile: string | null;
  givenName: string;
  familyName: string;
  status: User['status'];
  /** The activation code's state now (`none` for an account activated before codes were kept, or never given one). */
  activationCode: ActivationCodeState;
  activationCodeExpiresAt: number | null;
  createdBy: string;
  createdAt: number;
}

/** Creates a pending vendor account in `namespace` and sends its username (e-mail) and activation code (SMS). */
export async function createVendor(
  deps: VendorDeps,
  namespace: { id: NamespaceId; displayName: string },
  actor: string,
  input: NewVendorInput,
): Promise<Result<{ vendor: VendorSummary; namespaceId: NamespaceId }>> {
  const name = vendorUsername(input.username, deps.localIdDomain);
  if (!name.ok) return fail(ErrorCodes.inputInvalid, `username ${name.message}`, 'username');
  const mobile = normaliseMobile(input.mobile);
  if (!mobile) return fail(ErrorCodes.inputInvalid, 'mobile must be a mobile number with its country code, such as +65 9123 4567', 'mobile');
  const derived = namesFromUsername(name.username);
  const givenName = input.givenName ?? derived?.givenName;
  const familyName = input.familyName ?? derived?.familyName;
  if (givenName === undefined || familyName === undefined) {
    const field = givenName === undefined ? 'givenName' : 'familyName';
    return fail(
      ErrorCodes.inputInvalid,
      `${field} is required when the username does not read first_last (give --first-name and --last-name)`,
      field,
    );
  }
  const newUser = {
    email: normaliseEmail(input.email),
    username: name.username,
    givenName,
    familyName,
    accountType: 'vendor' as const,
    status: 'pending' as const,
    profile: { mobile },
  };
  const problem = checkNewUser(newUser);
  if (problem) return fail(ErrorCodes.inputInvalid, `${problem.field} ${problem.message}`, problem.field);

  const techpassId = localTechpassId(name.username, deps.localIdDomain);
  return deps.transaction(async (tx) => {
    const created = await tx.users.create(newUser, { passwordHash: null });
    if (!created.ok) {
      // One identifier, one account: each is unique across TechPass, whatever kind it is.
      if (created.conflict === 'mobile') return fail(ErrorCodes.userExists, `${mobile} is already the mobile number of an account`, 'mobile');
      if (created.conflict === 'username') {
        return fail(ErrorCodes.userExists, `${techpassId} is already the TechPass ID (e-mail or username) of an account`, 'username');
      }
      return fail(ErrorCodes.userExists, `${newUser.email} is already the e-mail or username of an account`, 'email');
    }
    const user = created.value;
    await tx.forNamespace(namespace.id).vendors.add(user.id, actor);
    await tx.audit.append({
      actor,
      action: 'user.created',
      targetType: 'user',
      targetId: user.id,
      namespaceId: namespace.id,
      data: { email: newUser.email, type: 'vendor', status: 'pending', mobile, username: name.username },
    });
    await tx.outbox.enqueue(welcomeMail(user, techpassId, namespace.displayName));
    const expiresAt = await sendActivationCode(tx, deps, user, techpassId, actor, namespace.id);
    return ok({
      namespaceId: namespace.id,
      vendor: summary(user, techpassId, { state: 'live', expiresAt }, actor, user.createdAt),
    });
  });
}

/** The namespace's vendor accounts, oldest first. */
export async function listVendors(
  deps: Pick<VendorDeps, 'forNamespace' | 'clock' | 'localIdDomain'>,
  namespace: NamespaceId,
): Promise<VendorSummary[]> {
  const now = deps.clock.now();
  return (await deps.forNamespace(namespace).vendors.list()).map((v) =>
    summary(
      v.user,
      localTechpassId(v.user.username ?? v.user.email, deps.localIdDomain),
      { state: activationCodeState(v.code, now), expiresAt: v.code?.expiresAt ?? null },
      v.createdBy,
      v.createdAt,
    ),
  );
}

/**
 * A new activation code for a pending vendor of `namespace` (the old one stops working),
 * sent by SMS. It also lifts a lock that wrong codes caused. `login` is the TechPass ID,
 * the bare username or the e-mail.
 */
export async function reissueActivationCode(
  deps: VendorDeps,
  namespace: NamespaceId,
  actor: string,
  login: string,
): Promise<Result<{ vendor: VendorSummary }>> {
  return deps.transaction(async (tx) => {
    const user = await tx.users.findByLogin(login);
    const vendor = user ? await tx.forNamespace(namespace).vendors.get(user.id) : null;
    if (!user || !vendor) return fail(ErrorCodes.userNotFound, `no vendor account ${login.trim().toLowerCase()} in this namespace`, 'username');
    const techpassId = localTechpassId(user.username ?? user.email, deps.localIdDomain);
    if (user.status !== 'pending') {
      return fail(
        ErrorCodes.statusChangeRefused,
        `${techpassId} is ${user.status.replace('_', ' ')}: only a pending account is activated with a code`,
        'username',
      );
    }
    if (!user.profile.mobile) return fail(ErrorCodes.inputInvalid, `${techpassId} has no mobile number to send a code to`, 'mobile');
    const expiresAt = await sendActivationCode(tx, deps, user, techpassId, actor, namespace, { reissued: true, unlocked: user.lockedAt !== null });
    return ok({ vendor: summary(user, techpassId, { state: 'live', expiresAt }, vendor.createdBy, vendor.createdAt) });
  });
}

/** A new code: its HMAC stored (replacing any other), the SMS queued and the issue audited, in the caller's transaction. */
async function sendActivationCode(
  tx: VendorRepositories,
  deps: Pick<VendorDeps, 'clock' | 'activationCodeTtlMs'>,
  user: User,
  techpassId: string,
  actor: string,
  namespaceId: NamespaceId,
  data: Record<string, unknown> = {},
): Promise<number> {
  const code = String(randomInt(0, 10 ** ACTIVATION_CODE_DIGITS)).padStart(ACTIVATION_CODE_DIGITS, '0');
  const expiresAt = deps.clock.now() + deps.activationCodeTtlMs;
  await tx.activationCodes.issue(user.id, code, expiresAt);
  await tx.outbox.enqueueSms(
    sms(
      user.profile.mobile!,
      `TechPass: the activation code of ${techpassId} is ${code}. It works once, until ${utc(expiresAt)}. Never share it; TechPass will not ask for it by phone.`,
    ),
  );
  await tx.audit.append({
    actor,
    action: 'vendor.activation_code_issued',
    targetType: 'user',
    targetId: user.id,
    namespaceId,
    data: { expiresAt, ...data },
  });
  return expiresAt;
}

function welcomeMail(user: User, techpassId: string, namespaceName: string) {
  return brandedMail({
    to: user.email,
    subject: 'Your TechPass account',
    techpassId,
    lines: [
      `Hello ${user.givenName},`,
      '',
      `${namespaceName} created a TechPass account for you. Your TechPass ID is ${techpassId}`,
      '',
      'To sign in for the first time:',
      '1. Open the application you work on and choose to sign in with TechPass.',
      `2. Enter your TechPass ID: ${techpassId}`,
      `3. Enter the activation code we sent by SMS to your mobile number ending in ${mobileEnding(user.profile.mobile ?? '')}, and choose your password.`,
      '4. Set up your second factor: the TechPass Authenticator app on your phone, an authenticator app, or a passkey.',
      '',
      'The activation code works once and for a limited time. If it has expired, ask your tenant administrator for a new one.',
      'If you did not expect this account, tell the TechPass team.',
    ],
  });
}

function summary(
  user: User,
  techpassId: string,
  code: { state: ActivationCodeState; expiresAt: number | null },
  createdBy: string,
  createdAt: number,
): VendorSummary {
  return {
    id: user.id,
    techpassId,
    email: user.email,
    mobile: user.profile.mobile,
    givenName: user.givenName,
    familyName: user.familyName,
    status: user.status,
    activationCode: code.state,
    activationCodeExpiresAt: code.expiresAt,
    createdBy,
    createdAt,
  };
}
