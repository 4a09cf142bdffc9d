/** Onboarding links, platform policy acceptances and spent proof-of-work answers (migration 0016). */
import type { Kysely } from 'kysely';
import { asUserId } from '../../domain/ids.js';
import { PLATFORM_POLICIES, type AcceptedPolicies } from '../../domain/onboarding.js';
import type { OnboardingLinks, PlatformPolicyAcceptances, SpentProofs } from '../../domain/repositories.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { Schema } from '../schema.js';

export function onboardingLinks(db: Kysely<Schema>, clock: Clock): OnboardingLinks {
  const live = () => db.updateTable('onboarding_links').where('used_at', 'is', null).where('revoked_at', 'is', null).where('expires_at', '>', clock.now());
  return {
    async create(link) {
      const id = newId('onb_');
      const now = clock.now();
      // A new link replaces every earlier one of the account that was not used.
      await db
        .updateTable('onboarding_links')
        .set({ revoked_at: now })
        .where('user_id', '=', link.userId)
        .where('used_at', 'is', null)
        .where('revoked_at', 'is', null)
        .execute();
      await db
        .insertInto('onboarding_links')
        .values({
          id,
          user_id: link.userId,
          digest: link.digest,
          client_id: link.clientId,
          created_by: link.createdBy,
          created_at: now,
          expires_at: link.expiresAt,
          claim_digest: null,
          claimed_at: null,
          used_at: null,
          revoked_at: null,
        })
        .execute();
      return id;
    },
    async find(id) {
      const row = await db.selectFrom('onboarding_links').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return null;
      return {
        id: row.id,
        userId: asUserId(row.user_id),
        digest: row.digest,
        clientId: row.client_id,
        createdAt: Number(row.created_at),
        expiresAt: Number(row.expires_at),
        claimDigest: row.claim_digest,
        usedAt: row.used_at === null ? null : Number(row.used_at),
        revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
      };
    },
    async claim(id, claimDigest) {
      const result = await live()
        .set({ claim_digest: claimDigest, claimed_at: clock.now() })
        .where('id', '=', id)
        .where('claim_digest', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async consume(id) {
      const result = await live().set({ used_at: clock.now() }).where('id', '=', id).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

export function platformPolicyAcceptances(db: Kysely<Schema>, clock: Clock): PlatformPolicyAcceptances {
  return {
    async accepted(userId) {
      const rows = await db.selectFrom('platform_policy_acceptances').select(['policy', 'version']).where('user_id', '=', userId).execute();
      const accepted: AcceptedPolicies = { privacy: null, terms: null };
      for (const row of rows) {
        if ((PLATFORM_POLICIES as readonly string[]).includes(row.policy)) accepted[row.policy as keyof AcceptedPolicies] = Number(row.version);
      }
      return accepted;
    },
    async accept(userId, versions) {
      const now = clock.now();
      for (const policy of PLATFORM_POLICIES) {
        const version = versions[policy];
        await db
          .insertInto('platform_policy_acceptances')
          .values({ user_id: userId, policy, version, accepted_at: now })
          .onConflict((oc) => oc.columns(['user_id', 'policy']).doUpdateSet({ version, accepted_at: now }))
          .execute();
      }
    },
  };
}

export function spentProofs(db: Kysely<Schema>, clock: Clock): SpentProofs {
  return {
    async spend(key, expiresAt) {
      await db.deleteFrom('spent_proofs').where('expires_at', '<=', clock.now()).execute();
      // One statement with a unique key: of two requests spending the same answer, exactly one inserts.
      const result = await db
        .insertInto('spent_proofs')
        .values({ key, expires_at: expiresAt })
        .onConflict((oc) => oc.column('key').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    },
  };
}
