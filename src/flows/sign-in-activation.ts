/**
 * A vendor's first sign-in (activation). A tenant admin created the account pending,
 * e-mailed its TechPass ID and sent a one-time activation code by SMS (vendors.ts).
 * When the person types that ID, the sign-in asks for the code and a new password
 * instead of a password (the account has none yet, and a pending account is otherwise
 * refused). The code is checked under the lockout, exactly like a password: a wrong
 * one counts, and the failure that reaches the threshold locks the account (a new code
 * from the tenant admin lifts it). An expired code says so, and so does a used one.
 *
 * A right code is spent, the password set and the flow moved to the enrol step in one
 * transaction; enrolment cannot be skipped. Once MFA is enrolled the account becomes
 * active (sign-in-activation-status.ts) and the sign-in completes as any other.
 */
import { type SignInFlow } from '../domain/flows/sign-in.js';
import { activationCodeState, awaitsActivation, normaliseActivationCode } from '../domain/vendors.js';
import { checkPassword, type PasswordProblem } from '../strategies/password/policy.js';
import { passwordStrategy } from '../strategies/password/strategy.js';
import { addressThrottled, attemptCredential } from './credential-attempts.js';
import { attemptFacts } from './sign-in-log.js';
import type { ActivationProblem } from './sign-in-activation-problems.js';
import { enrolmentOffer, move, settle } from './sign-in-progress.js';
import { advanceWith, refuse, show, type SignInDeps, type SignInOutcome, type SignInRequest } from './sign-in-steps.js';

const PASSWORD_PROBLEMS: Record<PasswordProblem, ActivationProblem> = {
  too_short: 'password_too_short',
  too_long: 'password_too_long',
  common: 'password_common',
  matches_identifier: 'password_matches_identifier',
};

/**
 * Called by the identify step: when `login` names a pending vendor account that was
 * given an activation code, the sign-in goes to the activation page; otherwise null
 * (the sign-in goes on as for anyone).
 */
export async function activationFor(deps: SignInDeps, flow: SignInFlow, login: string, req: SignInRequest): Promise<SignInOutcome | null> {
  const user = await deps.users.findByLogin(login);
  if (!user || user.accountType !== 'vendor' || user.status !== 'pending') return null;
  const code = await deps.transaction((tx) => tx.activationCodes.find(user.id));
  if (!awaitsActivation(user, code)) return null;
  return move(deps, flow, { type: 'activation_required', login }, req);
}

export interface ActivationForm {
  code: string;
  password: string;
  confirm: string;
}

/** The activation page's form: the SMS code and the new password (twice). */
export async function submitActivation(deps: SignInDeps, flow: SignInFlow, form: ActivationForm, req: SignInRequest): Promise<SignInOutcome> {
  const now = deps.clock.now();
  if (flow.state !== 'activate') return show(flow, 'stale');
  if (flow.expiresAt <= now) return show(flow, 'expired');
  if (await addressThrottled(deps, req.ip)) return refuse(deps, flow, 'throttled', req);
  const user = flow.context.login ? await deps.users.findByLogin(flow.context.login) : null;
  if (!user || user.accountType !== 'vendor') return show(flow, 'stale');
  // Activated meanwhile (another tab): its code is spent; the person signs in with the new password.
  if (user.status !== 'pending') return show(flow, 'activation_code_used');
  if (user.lockedAt !== null) return refuse(deps, { ...flow, userId: user.id }, 'activation_locked', req);

  const code = normaliseActivationCode(form.code);
  if (!code) return show(flow, 'activation_code_malformed');
  const state = activationCodeState(await deps.transaction((tx) => tx.activationCodes.find(user.id)), now);
  if (state === 'expired' || state === 'none') return show(flow, 'activation_code_expired');
  if (state === 'used') return show(flow, 'activation_code_used');

  // The new password's rules first: a weak password costs no attempt and spends nothing.
  if (form.password !== form.confirm) return show(flow, 'passwords_differ');
  // The username covers the TechPass ID name@<local domain> too (policy.ts compares the part before @).
  const identifiers = [user.email, user.username];
  const weak = checkPassword(form.password, identifiers);
  if (weak) return show(flow, PASSWORD_PROBLEMS[weak]);

  const facts = await attemptFacts(deps, { ...flow, userId: user.id }, req, ['activation_code']);
  const outcome = await attemptCredential(
    deps,
    user.id,
    'activation_code',
    req.ip,
    () => deps.transaction((tx) => tx.activationCodes.matches(user.id, code)),
    undefined,
    { facts, reason: () => 'wrong_activation_code' },
  );
  if (outcome === 'locked' || outcome === 'locked_now') return refuse(deps, { ...flow, userId: user.id }, 'activation_locked', req);
  if (outcome !== 'ok') return show(flow, 'activation_code_wrong');

  const made = await passwordStrategy.enrol({ password: form.password, identifiers });
  if (made.kind !== 'ok') return show(flow, made.kind === 'failed' && made.reason !== 'wrong_password' ? PASSWORD_PROBLEMS[made.reason] : 'stale');
  const hash = made.value.hash;
  // The code is spent, the password set and the flow moved together: of two tabs with the right code, one wins.
  const moved = await advanceWith(deps, flow, { type: 'activation_verified', userId: user.id, offer: enrolmentOffer(deps, flow) }, async (tx) => {
    if (!(await tx.activationCodes.consume(user.id, code, deps.clock.now()))) {
      const left = activationCodeState(await tx.activationCodes.find(user.id), deps.clock.now());
      return { ok: false, problem: left === 'used' ? 'activation_code_used' : 'activation_code_expired' };
    }
    await tx.users.setPassword(user.id, hash);
    await tx.audit.append({ actor: user.id, action: 'vendor.activation_code_used', targetType: 'user', targetId: user.id, ip: req.ip });
    return { ok: true, value: null };
  });
  return moved.ok ? settle(deps, moved.flow, req) : show(flow, moved.problem);
}
