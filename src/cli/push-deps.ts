/** Wires push with the TechPass Authenticator to the store: for the server, the CLI and tests. */
import type { AuthenticatorDeps } from '../flows/authenticator.js';
import type { SignInPushDeps } from '../flows/push.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { PushSignals } from '../platform/notices.js';
import type { Store } from '../persistence/store.js';
import { webPushSender } from '../platform/web-push.js';
import { DEFAULT_LOCKOUT, type LockoutPolicy } from '../domain/lockout.js';

/** What the server's sign-in and device API ask of push, built once. */
export type PushWiring = SignInPushDeps & AuthenticatorDeps;

export function pushDeps(
  store: Store,
  clock: Clock,
  config: Pick<
    Config,
    | 'LOCKOUT_THRESHOLD'
    | 'THROTTLE_FAILURES_PER_IP'
    | 'PUBLIC_URL'
    | 'PUSH_CHALLENGE_TTL'
    | 'WEB_PUSH_PUBLIC_KEY'
    | 'WEB_PUSH_PRIVATE_KEY'
    | 'WEB_PUSH_SUBJECT'
    | 'MAIL_FROM'
  >,
  signals?: PushSignals,
): PushWiring {
  const { WEB_PUSH_PUBLIC_KEY: publicKey, WEB_PUSH_PRIVATE_KEY: privateKey } = config;
  return {
    ...(signals ? { signals } : {}),
    ...(publicKey && privateKey ? { webPush: webPushSender({ publicKey, privateKey, subject: webPushSubject(config) }) } : {}),
    push: store.push,
    users: store.users,
    audit: store.audit,
    clients: store.clients,
    clock,
    publicUrl: config.PUBLIC_URL,
    challengeTtlMs: config.PUSH_CHALLENGE_TTL * 1000,
    lockout: lockoutPolicy(config),
    transaction: (fn) => store.transaction((repositories) => fn(repositories)),
  };
}

/**
 * What the CLI's account commands (enrolment links, clear-risk, reset-mfa) need: the
 * store's repositories in one transaction, the clock and the public URL; no push
 * settings (the flows ask only for what they use).
 */
export function accountCommandDeps(store: Store, clock: Clock, publicUrl: string) {
  return { users: store.users, clock, publicUrl, transaction: store.transaction };
}

/** Whom push services may contact: WEB_PUSH_SUBJECT, else the https public URL, else the sender address of our mail. */
function webPushSubject(config: Pick<Config, 'WEB_PUSH_SUBJECT' | 'PUBLIC_URL' | 'MAIL_FROM'>): string {
  if (config.WEB_PUSH_SUBJECT) return config.WEB_PUSH_SUBJECT;
  if (config.PUBLIC_URL.startsWith('https://')) return config.PUBLIC_URL;
  const address = /<([^>]+)>/.exec(config.MAIL_FROM)?.[1] ?? config.MAIL_FROM;
  return `mailto:${address.trim()}`;
}

/** The lockout the configuration sets (one policy for passwords, codes and push numbers). */
export function lockoutPolicy(config: Pick<Config, 'LOCKOUT_THRESHOLD' | 'THROTTLE_FAILURES_PER_IP'>): LockoutPolicy {
  return { ...DEFAULT_LOCKOUT, threshold: config.LOCKOUT_THRESHOLD, perAddress: config.THROTTLE_FAILURES_PER_IP };
}
