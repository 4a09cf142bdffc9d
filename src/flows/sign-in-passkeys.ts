/**
 * Passkeys at sign-in: the assertion that proves the second factor (or, from the
 * identify page, the account), and the registration that enrols one. Each prompt's
 * challenge is kept in the flow (sign-in-progress.ts makes it) and is single use: a
 * failed assertion is answered with a new one.
 */
import { DEFAULT_FACTOR_LABEL } from '../contracts/factors.js';
import type { SignInFlow } from '../domain/flows/sign-in.js';
import { techpassId, type User } from '../domain/users.js';
import type { UserId } from '../domain/ids.js';
import { passkeyStrategy } from '../strategies/passkey/strategy.js';
import { attemptFacts, failedAttempt } from './sign-in-log.js';
import { factorVerified, firstStepVerified, newPasskeyChallenge, settle } from './sign-in-progress.js';
import { advanceWith, refuseUnlessInGoodStanding, show, type SignInDeps, type SignInOutcome, type SignInRequest } from './sign-in-steps.js';

/**
 * An assertion from the browser (JSON, as @simplewebauthn/browser gives it) over the
 * flow's challenge: the account of the passkey it names, once its signature and
 * counter check out (the counter is recorded by a conditional write, so a cloned
 * authenticator or a race loses). With `owner`, only that account's passkeys count.
 * A failure is audited and answered with a new challenge.
 */
async function assertion(
  deps: SignInDeps,
  flow: SignInFlow,
  responseJson: string,
  req: SignInRequest,
  owner?: UserId,
): Promise<{ ok: true; user: User } | { ok: false; outcome: SignInOutcome }> {
  const strategy = passkeyStrategy(deps.relyingParty);
  const response = parseJson(responseJson);
  const credentialId = strategy.credentialIdOf(response);
  const found = credentialId ? await deps.passkeys.findByCredential(credentialId) : null;
  const passkey = found && (!owner || found.userId === owner) ? found : null;
  const user = passkey ? await deps.users.findById(passkey.userId) : null;
  const check = await strategy.verify({ response, challenge: flow.context.webauthn?.challenge ?? '', stored: user ? passkey : null });
  if (check.kind === 'ok' && (await deps.passkeys.recordUse(passkey!.id, passkey!.counter, check.value.counter))) return { ok: true, user: user! };
  const userId = owner ?? user?.id ?? null;
  const facts = await attemptFacts(deps, { ...flow, userId }, req, owner ? [...flow.methodsDone, 'hwk'] : ['hwk']);
  // The audit event and the sign-in log's line commit together.
  await deps.transaction(async (tx) => {
    await tx.audit.append({
      actor: 'anonymous',
      action: 'sign_in.passkey_failed',
      targetType: 'user',
      targetId: userId,
      ip: req.ip,
      data: {
        reason: check.kind === 'ok' ? 'counter_race' : check.kind === 'failed' ? check.reason : 'unknown_credential',
        ...(owner ? {} : { passwordless: true }),
      },
    });
    await tx.signInLog.record(failedAttempt(facts, 'passkey_failed'));
  });
  return { ok: false, outcome: await newPasskeyChallenge(deps, flow, 'passkey_failed') };
}

/** Signs in with a passkey instead of a TechPass ID and password; the passkey names the account. */
export async function signInWithPasskey(deps: SignInDeps, flow: SignInFlow, responseJson: string, req: SignInRequest): Promise<SignInOutcome> {
  if (flow.state !== 'identify' || !flow.context.webauthn?.challenge) return show(flow, 'stale');
  const proven = await assertion(deps, flow, responseJson, req);
  if (!proven.ok) return proven.outcome;
  const user = proven.user;
  return firstStepVerified(deps, flow, user, 'hwk', (next) => ({ type: 'passkey_verified', userId: user.id, login: techpassId(user), next }), req);
}

/** A passkey as the second factor: only a passkey of this account counts, checked against this prompt's challenge. */
export async function submitPasskey(deps: SignInDeps, flow: SignInFlow, responseJson: string, req: SignInRequest): Promise<SignInOutcome> {
  if (flow.state !== 'factors' || !flow.userId || !(flow.context.factorsOwed ?? []).includes('hwk')) return show(flow, 'stale');
  if (!flow.context.webauthn?.challenge) return show(flow, 'stale');
  const refused = await refuseUnlessInGoodStanding(deps, flow, req);
  if (refused) return refused;
  const proven = await assertion(deps, flow, responseJson, req, flow.userId);
  return proven.ok ? factorVerified(deps, flow, 'hwk', req) : proven.outcome;
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
  const verified = await passkeyStrategy(deps.relyingParty).enrol({ response: parseJson(responseJson), challenge });
  if (verified.kind !== 'ok') return newPasskeyChallenge(deps, flow, 'passkey_failed');
  const refused = await refuseUnlessInGoodStanding(deps, flow, req);
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
