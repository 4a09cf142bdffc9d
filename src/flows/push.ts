/**
 * Push number matching, as the sign-in uses it: a prompt is started only for an
 * account in good standing; the sign-in page polls its status and, once approved,
 * claims the approval (once). The challenge's own lifecycle is the push strategy's
 * (src/strategies/push/); the device's side is src/flows/authenticator.ts.
 */
import type { UserId } from '../domain/ids.js';
import type { Repositories } from '../domain/repositories.js';
import { issueChallenge, refusePush, type ChallengeContext, type ChallengeDeps, type CreatedChallenge } from '../strategies/push/challenges.js';
import type { EnrolmentLinkDeps } from '../strategies/push/devices.js';
import type { FactorRemovalDeps } from './mfa-recovery.js';

export {
  challengeStatus,
  claimPushApproval,
  type ChallengeStatus,
  type ClaimedApproval,
  type CreatedChallenge,
  type PushRefusal,
} from '../strategies/push/challenges.js';
export { ENROLMENT_PATH, enrolmentToken, issueEnrolmentLink } from '../strategies/push/devices.js';
export { clearRisk, signInBlockedByRisk } from './account-risk.js';

export interface PushPromptDeps extends ChallengeDeps, Pick<Repositories, 'users'> {}

/**
 * What the sign-in asks of push: prompts, enrolment links for an account that has
 * no factor yet, and the removal of a lost phone ("I can't use my phone").
 */
export type SignInPushDeps = PushPromptDeps & EnrolmentLinkDeps & FactorRemovalDeps;

/** Starts a push prompt for the account's devices, unless its standing forbids; the caller shows `number` in the browser. */
export async function createPushChallenge(
  deps: PushPromptDeps,
  userId: UserId,
  context: ChallengeContext,
  /** The sign-in onboards this pending account (its link bound to the browser): it proves the authenticator it just enrolled. */
  options: { onboarding?: boolean } = {},
): Promise<CreatedChallenge> {
  const user = await deps.users.findById(userId);
  if (!user) return { ok: false, refusal: 'no_device' };
  if (user.status === 'high_risk') return refusePush(deps, userId, context, 'high_risk');
  if (user.status !== 'active' && !(user.status === 'pending' && options.onboarding)) return refusePush(deps, userId, context, 'account_inactive');
  return issueChallenge(deps, userId, context);
}
