/**
 * Passkeys at sign-in: the assertion that proves the second factor (or, from the
 * identify page, the account), and the registration that enrols one. Each prompt's
 * challenge is kept in the flow (sign-in-progress.ts makes it) and is single use: a
 * failed assertion is answered with a new one.
 */
import { DEFAULT_FACTOR_LABEL } from '../contracts/factors.js';
import type { SignInFlow } from '../domain/flows/sign-in.js';
import { techpassId } from '../domain/users.js';
import { assertionCredentialId, verifyAssertion, verifyRegistration } from '../strategies/passkey/passkey.js';
import { factorVerified, firstStepVerified, newPasskeyChallenge, settle } from './sign-in-progress.js';
import { advanceWith, refuseUnlessInGoodStanding, show, type SignInDeps, type SignInOutcome, type SignInRequest } from './sign-in-steps.js';

/** Signs in with a passkey instead of a TechPass ID and password; the passkey names the account. */
export async function signInWithPasskey(deps: SignInDeps, flow: SignInFlow, responseJson: string, req: SignInRequest): Promise<SignInOutcome> {
  const ip = req.ip;
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
    return newPasskeyChallenge(deps, flow, 'passkey_failed');
  }
  return firstStepVerified(deps, flow, user!, 'hwk', (next) => ({ type: 'passkey_verified', userId: user!.id, login: techpassId(user!), next }), req);
}

/** A passkey assertion from the browser (JSON, as @simplewebauthn/browser gives it). */
export async function submitPasskey(deps: SignInDeps, flow: SignInFlow, responseJson: string, req: SignInRequest): Promise<SignInOutcome> {
  const ip = req.ip;
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
    return newPasskeyChallenge(deps, flow, 'passkey_failed');
  }
  return factorVerified(deps, flow, 'hwk', req);
}

/** Registers a passkey made in the browser for this sign-in's account; the sign-in then completes. */
export async function confirmPasskeyEnrolment(
  deps: SignInDeps,
  flow: SignInFlow,
  responseJson: string,
  label: string,
  req: SignInRequest,
): Promise<SignInOutcome> {
  if (flow.state !== 'enrol' || !flow.userId || !flow.context.enrolment?.methods.includes('hwk')) return show(flow, 'stale');
  const challenge = flow.context.webauthn?.challenge;
  if (!challenge) return show(flow, 'stale');
  const verified = await verifyRegistration(deps.relyingParty, parseJson(responseJson), challenge);
  if (!verified.ok) return newPasskeyChallenge(deps, flow, 'passkey_failed');
  const refused = await refuseUnlessInGoodStanding(deps, flow);
  if (refused) return refused;
  const userId = flow.userId;
  const name = label.trim().slice(0, 60) || DEFAULT_FACTOR_LABEL.hwk;
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
  if (!enrolled.ok) return enrolled.problem === 'passkey_taken' ? newPasskeyChallenge(deps, flow, 'passkey_taken') : show(flow, enrolled.problem);
  return settle(deps, enrolled.flow, req);
}

function parseJson(value: string): unknown {
  if (value.length > 12_000) return null;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return null;
  }
}
