/**
 * The sign-in's last step before it completes (issue 18): the platform's Privacy
 * Policy and Terms of Use, asked after MFA when the account has not accepted their
 * current versions (never, or an older one), and the onboarding of a pending account
 * through its link bound to this browser (flows/onboarding.ts): accepting the policies
 * then uses the link and activates the account (pending → active, audited), in one
 * transaction with the flow's move. Declining is the page's Cancel: nothing completes.
 */
import type { PolicyVersions } from '../domain/onboarding.js';
import type { SignInFlow } from '../domain/flows/sign-in.js';
import { applyStatusChange } from './account-status.js';
import { settle } from './sign-in-progress.js';
import { advanceWith, show, type SignInDeps, type SignInOutcome, type SignInRequest } from './sign-in-steps.js';

/** "I accept": records the versions accepted (audited) and, onboarding, activates the account; then the sign-in completes. */
export async function acceptPolicies(deps: SignInDeps, flow: SignInFlow, req: SignInRequest): Promise<SignInOutcome> {
  const versions: PolicyVersions | undefined = flow.context.policiesOwed;
  const userId = flow.userId;
  if (flow.state !== 'policies' || !versions || !userId) return show(flow, 'stale');
  const onboarding = flow.context.onboarding;
  const moved = await advanceWith(deps, flow, { type: 'policies_accepted' }, async (tx) => {
    await tx.platformPolicies.accept(userId, versions);
    await tx.audit.append({
      actor: userId,
      action: 'policies.accepted',
      targetType: 'user',
      targetId: userId,
      data: { privacy: versions.privacy, terms: versions.terms, clientId: flow.context.clientId },
    });
    if (onboarding) {
      // The link works once; a newer link (signed up again) or its expiry ends this one.
      if (!(await tx.onboardingLinks.consume(onboarding.linkId))) return { ok: false, problem: 'onboarding_ended' };
      const activated = await applyStatusChange(tx, userId, 'activate', userId, { reason: 'onboarding completed' });
      if (!activated.ok) return { ok: false, problem: 'onboarding_ended' };
      await tx.audit.append({
        actor: userId,
        action: 'onboarding.completed',
        targetType: 'user',
        targetId: userId,
        data: { linkId: onboarding.linkId, clientId: flow.context.clientId, amr: flow.context.amr ?? flow.methodsDone },
      });
    }
    return { ok: true, value: null };
  });
  return moved.ok ? settle(deps, moved.flow, req) : show(flow, moved.problem);
}
