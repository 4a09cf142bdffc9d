/**
 * The sign-up and onboarding surface's dependencies, from the configuration and the
 * store (issue 18): which domains may sign up, the proof of work, the onboarding link's
 * lifetime, the policies' texts, the cookie binding a browser to its onboarding link.
 */
import { allowEveryDevice, type ManagedDeviceRule, type SignUpRules } from '../domain/onboarding.js';
import type { SignUpRoutesDeps } from '../http/sign-up-routes.js';
import type { Store } from '../persistence/store.js';
import type { Clock } from '../platform/clock.js';
import { isEmbeddedMode, type Config } from '../platform/config.js';
import type { PlatformPolicyTexts } from '../platform/policies.js';
import { altchaProofOfWork } from '../platform/proof-of-work.js';
import type { MasterKey } from '../platform/secrets.js';

/** Why a mailbox-less domain is refused, as the sign-up page says it. */
export const MAILBOXLESS_REASON = 'its addresses have no mailbox, so the mail that finishes a sign-up could never reach you. Use your organisational e-mail address.';

export function signUpRules(config: Pick<Config, 'SIGN_UP_DOMAINS' | 'SIGN_UP_INVITE_ONLY_DOMAINS' | 'SIGN_UP_MAILBOXLESS_DOMAINS' | 'LOCAL_ID_DOMAIN'>): SignUpRules {
  return {
    selfSignUp: config.SIGN_UP_DOMAINS,
    inviteOnly: config.SIGN_UP_INVITE_ONLY_DOMAINS,
    mailboxless: [
      // Local TechPass IDs (name@techpass.local) are names, never mailboxes.
      { domain: config.LOCAL_ID_DOMAIN, reason: `it is the domain of local TechPass IDs, which are names, not mailboxes. Use your organisational e-mail address.` },
      ...config.SIGN_UP_MAILBOXLESS_DOMAINS.map((domain) => ({ domain, reason: MAILBOXLESS_REASON })),
    ],
  };
}

export function signUpRoutesDeps(
  config: Config,
  store: Store,
  clock: Clock,
  masterKey: MasterKey,
  policies: PlatformPolicyTexts,
  cookie: { key: Buffer; name: string },
  deviceRule: ManagedDeviceRule = allowEveryDevice,
): SignUpRoutesDeps {
  const proofOfWork = altchaProofOfWork({
    hmacKey: masterKey.derive('altcha-sign-up').toString('base64url'),
    maxNumber: config.ALTCHA_MAX_NUMBER,
    ttlMs: config.ALTCHA_CHALLENGE_TTL * 1000,
    clock,
  });
  const onboardingTtlMs = config.ONBOARDING_LINK_TTL * 1000;
  return {
    secure: config.PUBLIC_URL.startsWith('https://'),
    signUp: {
      users: store.users,
      clients: store.clients,
      clock,
      rules: signUpRules(config),
      deviceRule,
      proofOfWork,
      publicUrl: config.PUBLIC_URL,
      onboardingTtlMs,
      transaction: (fn) => store.transaction(fn),
    },
    onboarding: {
      onboardingLinks: store.onboardingLinks,
      users: store.users,
      clients: store.clients,
      providers: store.upstreamProviders,
      clock,
      transaction: (fn) => store.transaction(fn),
    },
    proofOfWork,
    policies,
    cookie: { ...cookie, maxAgeSeconds: config.ONBOARDING_LINK_TTL },
    ...(isEmbeddedMode(config) ? { outboxUrl: '/dev/outbox' } : {}),
  };
}
