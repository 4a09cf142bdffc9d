/**
 * Getting an account (issue 18): who may sign up on their own, the onboarding
 * link's states, the platform's Privacy Policy and Terms of Use, and the hook for
 * the access-rules engine that will allow sign-up only from managed devices.
 * Rules only: the flows (src/flows/sign-up.ts, onboarding.ts) apply them.
 */
import { domainMatches, emailDomain } from './email-domains.js';

/** How long an onboarding link works unless configured otherwise (ONBOARDING_LINK_TTL). */
export const DEFAULT_ONBOARDING_LINK_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** The platform configuration of sign-up, by e-mail domain (patterns as email-domains.ts reads them). */
export interface SignUpRules {
  /** Domains whose people may sign up on their own (SIGN_UP_DOMAINS). */
  selfSignUp: readonly string[];
  /** Domains whose people must be invited by an officer (SIGN_UP_INVITE_ONLY_DOMAINS). */
  inviteOnly: readonly string[];
  /** Domains without mailboxes, refused with their reason (SIGN_UP_MAILBOXLESS_DOMAINS, and the local TechPass ID domain). */
  mailboxless: ReadonlyArray<{ domain: string; reason: string }>;
}

export type SignUpEligibility =
  | { kind: 'eligible'; domain: string }
  | { kind: 'invite_only'; domain: string }
  | { kind: 'mailboxless'; domain: string; reason: string }
  | { kind: 'not_eligible'; domain: string }
  | { kind: 'invalid' };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Whether this address may sign up. A mailbox-less domain is refused first (the
 * onboarding mail could never arrive), then invite-only, then self sign-up; any other
 * domain is refused.
 */
export function signUpEligibility(email: string, rules: SignUpRules): SignUpEligibility {
  const address = email.trim().toLowerCase();
  const domain = EMAIL.test(address) && address.length <= 254 ? emailDomain(address) : null;
  if (!domain) return { kind: 'invalid' };
  const mailboxless = rules.mailboxless.find((m) => domainMatches(m.domain, domain));
  if (mailboxless) return { kind: 'mailboxless', domain, reason: mailboxless.reason };
  if (rules.inviteOnly.some((p) => domainMatches(p, domain))) return { kind: 'invite_only', domain };
  if (rules.selfSignUp.some((p) => domainMatches(p, domain))) return { kind: 'eligible', domain };
  return { kind: 'not_eligible', domain };
}

/** What a request tells about the device it came from (the access-rules engine will read more). */
export interface DeviceFacts {
  ip: string;
  userAgent: string;
}

export type DeviceDecision = { allowed: true } | { allowed: false; reason: string };

/**
 * The hook for the access-rules engine: sign-up must later be allowed only from
 * managed devices. Every sign-up asks it; until that engine exists, every device is allowed.
 */
export type ManagedDeviceRule = (device: DeviceFacts) => DeviceDecision;
export const allowEveryDevice: ManagedDeviceRule = () => ({ allowed: true });

/** An onboarding link as stored (the secret's digest only). */
export interface OnboardingLink {
  id: string;
  userId: string;
  digest: string;
  clientId: string | null;
  createdAt: number;
  expiresAt: number;
  claimDigest: string | null;
  usedAt: number | null;
  revokedAt: number | null;
}

/** Live, or why it no longer works: used (the onboarding finished), replaced by a newer link, or expired. */
export type OnboardingLinkState = 'live' | 'used' | 'replaced' | 'expired';

export function onboardingLinkState(link: Pick<OnboardingLink, 'expiresAt' | 'usedAt' | 'revokedAt'>, now: number): OnboardingLinkState {
  if (link.usedAt !== null) return 'used';
  if (link.revokedAt !== null) return 'replaced';
  if (link.expiresAt <= now) return 'expired';
  return 'live';
}

/** The platform-wide policies every account accepts (separate from each application's terms). */
export const PLATFORM_POLICIES = ['privacy', 'terms'] as const;
export type PlatformPolicy = (typeof PLATFORM_POLICIES)[number];
export type PolicyVersions = Record<PlatformPolicy, number>;
export type AcceptedPolicies = Record<PlatformPolicy, number | null>;

export const POLICY_TITLES: Record<PlatformPolicy, string> = { privacy: 'Privacy Policy', terms: 'Terms of Use' };

/**
 * The policies whose current version the account must still accept: a version older than
 * the current one. An account with no acceptance at all was made before onboarding asked
 * for one (by an administrator, or before issue 18): it counts as having accepted version 1,
 * so it is asked from the first new version on. Onboarding asks for every policy anyway.
 */
export function policiesOwed(accepted: AcceptedPolicies, current: PolicyVersions): PlatformPolicy[] {
  return PLATFORM_POLICIES.filter((p) => (accepted[p] ?? 1) < current[p]);
}
