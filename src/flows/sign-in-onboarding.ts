/**
 * Onboarding and the platform policies as each sign-in step sees them (issue 18): a
 * pending account may sign in only from the browser that opened its onboarding link,
 * and what the sign-in asks after MFA (the policies owed, the onboarding to finish).
 * The step that accepts the policies is in sign-in-policies.ts.
 */
import { PLATFORM_POLICIES, policiesOwed } from '../domain/onboarding.js';
import type { AfterFactors } from '../domain/flows/sign-in.js';
import { standingRefusal, techpassId, type StandingRefusal, type User } from '../domain/users.js';
import { onboardingBinding, type OnboardingBrowserValue } from './onboarding.js';
import type { SignInDeps, SignInRequest } from './sign-in-steps.js';

/** The onboarding this browser is finishing for `user`, if its link is bound to this browser and live. */
async function onboardingOf(deps: SignInDeps, user: User, req: SignInRequest | undefined): Promise<{ linkId: string } | null> {
  if (!deps.platform || !req?.onboarding || user.status !== 'pending') return null;
  const binding = await onboardingBinding({ onboardingLinks: deps.platform.onboardingLinks, clock: deps.clock }, req.onboarding);
  return binding && binding.userId === user.id ? { linkId: binding.linkId } : null;
}

/**
 * Why this account may not sign in now. A pending account is refused (`account_pending`)
 * unless this browser opened its onboarding link: then it signs in to finish onboarding.
 */
export async function signInStanding(deps: SignInDeps, user: User, req: SignInRequest | undefined): Promise<StandingRefusal | null> {
  const standing = standingRefusal(user);
  if (standing === 'account_pending' && (await onboardingOf(deps, user, req))) return null;
  return standing;
}

/** What the sign-in asks after MFA: the policies owed (every one, onboarding), and the onboarding to finish. */
export async function afterFactors(deps: SignInDeps, user: User, req: SignInRequest | undefined): Promise<AfterFactors> {
  if (!deps.platform) return {};
  const onboarding = await onboardingOf(deps, user, req);
  const current = deps.platform.versions;
  const owed = onboarding ? PLATFORM_POLICIES : policiesOwed(await deps.platform.policies.accepted(user.id), current);
  return {
    ...(owed.length > 0 || onboarding ? { policies: { ...current } } : {}),
    ...(onboarding ? { onboarding } : {}),
  };
}

/** The TechPass ID this browser is onboarding (its link opened and live), for the identify page to show filled in. */
export async function onboardingLogin(deps: SignInDeps, browser: OnboardingBrowserValue | null | undefined): Promise<string | undefined> {
  if (!deps.platform || !browser) return undefined;
  const binding = await onboardingBinding({ onboardingLinks: deps.platform.onboardingLinks, clock: deps.clock }, browser);
  const user = binding ? await deps.users.findById(binding.userId as User['id']) : null;
  return user && user.status === 'pending' ? techpassId(user) : undefined;
}
