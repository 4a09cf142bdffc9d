/** Wires invitations and registration to the store and the configuration: the CLI, the pages and the job use the same. */
import type { InvitationDeps } from '../flows/invitations.js';
import type { RegistrationDeps } from '../flows/registration.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { Store } from '../persistence/store.js';

export function invitationDeps(
  store: Store,
  config: Pick<Config, 'PUBLIC_URL' | 'LOCAL_ID_DOMAIN' | 'INVITATION_LINK_TTL' | 'ONBOARDING_LINK_TTL' | 'SIGN_UP_MAILBOXLESS_DOMAINS'>,
  clock: Clock,
): InvitationDeps {
  return {
    users: store.users,
    upstreamProviders: store.upstreamProviders,
    clock,
    publicUrl: config.PUBLIC_URL,
    localIdDomain: config.LOCAL_ID_DOMAIN,
    mailboxlessDomains: config.SIGN_UP_MAILBOXLESS_DOMAINS,
    linkTtlMs: config.INVITATION_LINK_TTL * 1000,
    onboardingTtlMs: config.ONBOARDING_LINK_TTL * 1000,
    transaction: (fn) => store.transaction(fn),
  };
}

export function registrationDeps(store: Store, config: Pick<Config, 'LOCAL_ID_DOMAIN'>, clock: Clock): RegistrationDeps {
  return {
    invitations: store.invitations,
    users: store.users,
    clock,
    localIdDomain: config.LOCAL_ID_DOMAIN,
    transaction: (fn) => store.transaction(fn),
  };
}
