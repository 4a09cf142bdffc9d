/**
 * The TechPass Authenticator's side of push, as the device API serves it: enrol
 * with a one-time link, authenticate each signed request, follow and answer the
 * prompts, keep or drop a Web Push subscription, leave. The push strategy
 * (src/strategies/push/) holds the credential's rules and storage; this module
 * adds what needs the flows: a wrong number counts in the one lockout
 * (credential-attempts.ts), and "No, it's not me" puts the account on hold and ends
 * its sessions (account-risk.ts).
 */
import type { LockoutPolicy } from '../domain/lockout.js';
import type { AuthenticatorDevice } from '../domain/push.js';
import type { SignInFlow } from '../domain/flows/sign-in.js';
import type { ClientDirectory, Repositories, Transactional } from '../domain/repositories.js';
import type { Clock } from '../platform/clock.js';
import type { PushSignals } from '../platform/notices.js';
import type { WebPushSender } from '../platform/web-push.js';
import {
  answerChallenge as answerWithDevice,
  pendingChallengesOf,
  watchChallenges,
  type AnswerResult,
  type ChallengeWatcher,
  type PendingChallenge,
} from '../strategies/push/challenges.js';
import { removeDevice, unsubscribeWebPush as forgetSubscription } from '../strategies/push/devices.js';
import type { SignedAnswer } from '../strategies/push/rules.js';
import { reportFraud } from './account-risk.js';
import { attemptCredential } from './credential-attempts.js';
import { attemptFacts, failedAttempt } from './sign-in-log.js';

const NO_CLIENTS: Pick<ClientDirectory, 'findApplication'> = { findApplication: async () => null };

export {
  authenticateDevice,
  enrolDevice,
  subscribeWebPush,
  webPushKey,
  type DeviceAuthentication,
  type EnrolledDevice,
  type SignedRequest,
} from '../strategies/push/devices.js';
export type { AnswerOutcome, AnswerResult, ChallengeWatcher, PendingChallenge } from '../strategies/push/challenges.js';

/** What answering a prompt writes in one transaction: the challenge, and the lockout or the fraud report it may set off. */
export type AnswerRepositories = Pick<
  Repositories,
  'push' | 'audit' | 'users' | 'accountStatuses' | 'accountSessions' | 'outbox' | 'rateLimits' | 'flows' | 'signInLog'
>;

export interface AnswerDeps extends Pick<Repositories, 'push' | 'audit'>, Transactional<AnswerRepositories> {
  clock: Clock;
  /** The one lockout: a wrong number counts like a wrong password or code. */
  lockout: LockoutPolicy;
  /** Where people reach TechPass (the fraud report's e-mail points here). */
  publicUrl: string;
  signals?: PushSignals;
  /** The applications (the per-node cache): the namespace of a sign-in a prompt served, for its sign-in log line. */
  clients?: Pick<ClientDirectory, 'findApplication'>;
}

/** Everything the device API's flows need; the composition root builds one. */
export interface AuthenticatorDeps extends AnswerDeps {
  /** Wakes subscribed authenticator apps by Web Push, when VAPID keys are configured. */
  webPush?: WebPushSender;
}

/**
 * A device's signed answer to a prompt (see the strategy's answerChallenge). A wrong
 * number counts in the one lockout; a fraud report puts the account on hold; both
 * inside the answer's transaction.
 */
export async function answerChallenge(
  deps: AnswerDeps,
  deviceId: string,
  challengeId: string,
  answer: SignedAnswer,
  ip: string | null = null,
): Promise<AnswerResult> {
  return answerWithDevice(deps, deviceId, challengeId, answer, ip, {
    reported: (tx, challenge, device, at) => reportFraud(tx, deps, challenge, device, at),
    // The phone's address is not the sign-in's, so it is not counted against an address.
    wrongNumber: async (tx, userId) => {
      const inThisTransaction = { ...tx, lockout: deps.lockout, transaction: <T>(fn: (t: typeof tx) => Promise<T>) => fn(tx) };
      await attemptCredential(inThisTransaction, userId, 'push_number', null, async () => false);
    },
    // The sign-in the prompt served failed: its line, with the browser's address the prompt recorded. After the
    // answer's transaction (the application's namespace may need a query, which must not wait on that transaction).
    refusedByPerson: async (challenge, outcome) => {
      const flowId = challenge.flowId;
      const flow = flowId ? ((await deps.transaction((tx) => tx.flows.find(flowId))) as SignInFlow | null) : null;
      if (!flow) return;
      const browser = challenge.ip ? { ip: challenge.ip, userAgent: challenge.userAgent ?? '' } : undefined;
      const facts = await attemptFacts({ clients: deps.clients ?? NO_CLIENTS }, flow, browser, [...flow.methodsDone, 'swk']);
      await deps.transaction((tx) => tx.signInLog.record(failedAttempt(facts, outcome === 'wrong_number' ? 'push_wrong_number' : 'push_denied')));
    },
  });
}

/** The prompts waiting for the device's account, newest first (never their numbers). */
export function pendingChallenges(deps: Pick<Repositories, 'push'>, device: AuthenticatorDevice): Promise<PendingChallenge[]> {
  return pendingChallengesOf(deps, device.userId);
}

/** Follows the prompts waiting for the device's account (see the strategy's watchChallenges). */
export function followChallenges(
  deps: Pick<Repositories, 'push'> & { signals?: PushSignals },
  device: AuthenticatorDevice,
  pollMs: number,
  watcher: ChallengeWatcher,
): { first: Promise<void>; stop(): void } {
  return watchChallenges(deps, device.userId, pollMs, watcher);
}

/** The person removed the account from the phone: TechPass forgets the device too (audited). */
export async function removeOwnDevice(
  deps: Transactional<Pick<Repositories, 'push' | 'audit'>>,
  device: AuthenticatorDevice,
  ip: string | null,
): Promise<void> {
  await deps.transaction((tx) => removeDevice(tx, device, 'device', ip));
}

/** The device turned notifications off: its Web Push subscription is forgotten (audited). */
export async function unsubscribeWebPush(
  deps: Transactional<Pick<Repositories, 'push' | 'audit'>>,
  device: AuthenticatorDevice,
  ip: string | null,
): Promise<void> {
  await deps.transaction((tx) => forgetSubscription(tx, device, ip));
}
