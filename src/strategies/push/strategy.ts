/**
 * The push strategy (the TechPass Authenticator, number matching) as a
 * CredentialStrategy (src/domain/credentials.ts):
 *
 * - `enrol`: a device registers its P-256 key with a one-time enrolment link
 *   (devices.ts);
 * - `challenge`: a prompt for the account's devices, whose number the browser
 *   shows (challenges.ts);
 * - `verify`: the sign-in claims an approved prompt, once.
 *
 * The device's own signed answer (`answerChallenge`) settles a prompt between
 * `challenge` and `verify`. The account's standing, the lockout and fraud
 * reports are the flows' (src/flows/push.ts, src/flows/authenticator.ts).
 */
import type { ErrorCode } from '../../contracts/errors.js';
import { failed, notResponsible, verified, type CredentialStrategy } from '../../domain/credentials.js';
import type { UserId } from '../../domain/ids.js';
import { claimPushApproval, issueChallenge, type ChallengeContext, type ChallengeDeps, type ClaimRefusal, type PushRefusal } from './challenges.js';
import { enrolDevice, type DeviceEnrolmentDeps, type EnrolledDevice, type SignedRequest } from './devices.js';

export interface PushEnrolment {
  /** The enrolment link's token (`id.secret`) or the whole link. */
  token: string;
  name: string;
  publicKeyJwk: unknown;
  /** The registration request, signed with the key it registers. */
  proof: SignedRequest;
  ip?: string;
}

export interface PushChallengeRequest extends ChallengeContext {
  userId: UserId;
}

export interface IssuedPushChallenge {
  challengeId: string;
  /** Shown in the browser only. */
  number: number;
  expiresAt: number;
}

export interface PushApprovalClaim {
  challengeId: string | undefined;
  userId: UserId;
  flowId?: string | null;
}

export type PushStrategy = CredentialStrategy<
  PushEnrolment,
  EnrolledDevice,
  PushChallengeRequest,
  IssuedPushChallenge,
  PushApprovalClaim,
  { challengeId: string },
  ErrorCode | PushRefusal | ClaimRefusal
>;

export type PushStrategyDeps = ChallengeDeps & DeviceEnrolmentDeps;

export function pushStrategy(deps: PushStrategyDeps): PushStrategy {
  return {
    id: 'swk',
    kind: 'possession',
    async enrol({ token, name, publicKeyJwk, proof, ip }) {
      const result = await enrolDevice(deps, token, { name, publicKeyJwk }, proof, ip);
      return result.ok ? verified(result.value) : failed(result.error);
    },
    async challenge({ userId, ...context }) {
      const created = await issueChallenge(deps, userId, context);
      return created.ok
        ? verified({ challengeId: created.challengeId, number: created.number, expiresAt: created.expiresAt })
        : failed(created.refusal);
    },
    async verify({ challengeId, userId, flowId }) {
      // A sign-in that started no prompt has nothing for this strategy to check.
      if (!challengeId) return notResponsible;
      const claimed = await claimPushApproval(deps, challengeId, { userId, flowId: flowId ?? null });
      return claimed.ok ? verified({ challengeId }) : failed(claimed.reason);
    },
  };
}
