/**
 * Passkeys at sign-in: the WebAuthn options a page hands the browser (with a new
 * challenge kept in the flow, so each prompt is single use), the assertion that
 * proves the second factor, and the registration that enrols one.
 */
import { randomBytes } from 'node:crypto';
import type { SignInFlow } from '../domain/flows/sign-in.js';
import { techpassId } from '../domain/users.js';
import {
  assertionCredentialId,
  authenticationOptions,
  registrationOptions,
  verifyAssertion,
  verifyRegistration,
} from '../strategies/passkey/passkey.js';
import {
  advance,
  advanceWith,
  completeLogin,
  factorVerified,
  firstStepVerified,
  refuseUnlessInGoodStanding,
  show,
  type SignInDeps,
  type SignInOutcome,
} from './sign-in-steps.js';

export type PasskeyPrompt = { mode: 'sign-in' | 'register'; options: unknown };

/** What the passkey page hands navigator.credentials: options with a fresh challenge (saved in the flow first). */
export async function passkeyPrompt(deps: SignInDeps, flow: SignInFlow): Promise<PasskeyPrompt | null> {
  if (!flow.userId) return null;
  const mode = flow.state === 'enrol' ? 'register' : flow.state === 'factors' ? 'sign-in' : null;
  if (!mode) return null;
  const [user, existing] = await Promise.all([deps.users.findById(flow.userId), deps.passkeys.ofUser(flow.userId)]);
  if (!user) return null;
  const challenge = randomBytes(32).toString('base64url');
  const saved = await advance(deps, flow, { type: 'passkey_challenge', challenge });
  if (typeof saved === 'string') return null;
  const options =
    mode === 'register'
      ? await registrationOptions(
          deps.relyingParty,
          { id: user.id, techpassId: techpassId(user), displayName: `${user.givenName} ${user.familyName}`.trim() },
          existing,
          challenge,
        )
      : await authenticationOptions(deps.relyingParty, existing, challenge);
  return { mode, options };
}

/**
 * "Sign in with a passkey" on the identify page: any discoverable passkey for
 * TechPass, over the flow's challenge (made with the flow, or now).
 */
export async function identifyPasskeyOptions(deps: SignInDeps, flow: SignInFlow): Promise<unknown> {
  if (flow.state !== 'identify') return null;
  let challenge = flow.context.webauthn?.challenge;
  if (!challenge) {
    challenge = randomBytes(32).toString('base64url');
    if (typeof (await advance(deps, flow, { type: 'passkey_challenge', challenge })) === 'string') return null;
  }
  return authenticationOptions(deps.relyingParty, [], challenge);
}

/** Signs in with a passkey instead of a TechPass ID and password; the passkey names the account. */
export async function signInWithPasskey(deps: SignInDeps, flow: SignInFlow, responseJson: string, ip: string): Promise<SignInOutcome> {
  const challenge = flow.context.webauthn?.challenge;
  if (flow.state !== 'identify' || !challenge) return show(flow, 'stale');
  const response = parseJson(responseJson);
  const credentialId = assertionCredentialId(response);
  const passkey = credentialId ? await deps.passkeys.findByCredential(credentialId) : null;
  const user = passkey ? await deps.users.findById(passkey.userId) : null;
  const check =
    passkey && user ? await verifyAssertion(deps.relyingParty, response, challenge, passkey) : ({ ok: false, reason: 'unknown_credential' } as const);
  if (!check.ok || !(await deps.passkeys.recordUse(passkey!.id, passkey!.counter, check.value.counter))) {
    await deps.audit.append({
      actor: 'anonymous',
      action: 'sign_in.passkey_failed',
      targetType: 'user',
      targetId: user?.id ?? null,
      ip,
      data: { reason: check.ok ? 'counter_race' : check.reason, passwordless: true },
    });
    return show(flow, 'passkey_failed');
  }
  return firstStepVerified(deps, flow, user!, 'hwk', (next) => ({ type: 'passkey_verified', userId: user!.id, login: techpassId(user!), next }));
}

/** A passkey assertion from the browser (JSON, as @simplewebauthn/browser gives it). */
export async function submitPasskey(deps: SignInDeps, flow: SignInFlow, responseJson: string, ip: string): Promise<SignInOutcome> {
  if (flow.state !== 'factors' || !flow.userId || !(flow.context.factorsOwed ?? []).includes('hwk')) return show(flow, 'stale');
  const challenge = flow.context.webauthn?.challenge;
  if (!challenge) return show(flow, 'stale');
  const refused = await refuseUnlessInGoodStanding(deps, flow);
  if (refused) return refused;
  const response = parseJson(responseJson);
  const credentialId = assertionCredentialId(response);
  const passkey = credentialId ? await deps.passkeys.findByCredential(credentialId) : null;
  // Only a passkey of this account counts, checked against this prompt's challenge.
  const check =
    passkey && passkey.userId === flow.userId
      ? await verifyAssertion(deps.relyingParty, response, challenge, passkey)
      : ({ ok: false, reason: 'unknown_credential' } as const);
  if (!check.ok || !(await deps.passkeys.recordUse(passkey!.id, passkey!.counter, check.value.counter))) {
    await deps.audit.append({
      actor: 'anonymous',
      action: 'sign_in.passkey_failed',
      targetType: 'user',
      targetId: flow.userId,
      ip,
      data: { reason: check.ok ? 'counter_race' : check.reason },
    });
    return show(flow, 'passkey_failed');
  }
  return factorVerified(deps, flow, 'hwk');
}

/** Registers a passkey made in the browser for this sign-in's account; the sign-in then completes. */
export async function confirmPasskeyEnrolment(deps: SignInDeps, flow: SignInFlow, responseJson: string, label: string): Promise<SignInOutcome> {
  if (flow.state !== 'enrol' || !flow.userId || !flow.context.enrolment?.methods.includes('hwk')) return show(flow, 'stale');
  const challenge = flow.context.webauthn?.challenge;
  if (!challenge) return show(flow, 'stale');
  const verified = await verifyRegistration(deps.relyingParty, parseJson(responseJson), challenge);
  if (!verified.ok) return show(flow, 'passkey_failed');
  const refused = await refuseUnlessInGoodStanding(deps, flow);
  if (refused) return refused;
  const userId = flow.userId;
  const name = label.trim().slice(0, 60) || 'Passkey';
  const { credentialId, publicKey, counter, transports, aaguid, deviceType, backedUp } = verified.value;
  const enrolled = await advanceWith(deps, flow, { type: 'factor_enrolled', method: 'hwk' }, async (tx) => {
    const added = await tx.passkeys.add(userId, {
      label: name,
      credentialId,
      publicKey,
      counter,
      transports,
      data: { aaguid, deviceType, backedUp },
    });
    // Taken by an account already: the flow stays where it is, so another passkey can be made.
    if (!added.ok) return { ok: false, problem: 'passkey_taken' };
    await tx.audit.append({
      actor: userId,
      action: 'mfa.enrolled',
      targetType: 'user',
      targetId: userId,
      data: { method: 'hwk', factorId: added.value.id, name, aaguid, deviceType },
    });
    return { ok: true, value: added.value.id };
  });
  if (!enrolled.ok) return show(flow, enrolled.problem);
  return completeLogin(deps, enrolled.flow, enrolled.flow.context.remembered);
}

function parseJson(value: string): unknown {
  if (value.length > 12_000) return null;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return null;
  }
}
