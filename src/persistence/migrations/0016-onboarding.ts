/**
 * Getting an account (issue 18): onboarding links, the platform's Privacy Policy and
 * Terms of Use accepted per user, and the proof-of-work answers already spent.
 *
 * onboarding_links: a single-use link mailed to a pending account (only the digest of
 * its secret is kept). A new link for the same account revokes the earlier one
 * (`revoked_at`); finishing the onboarding uses it (`used_at`). Opening it binds it to
 * one browser: `claim_digest` is the digest of a random value kept in that browser's
 * signed cookie. `client_id` is the application the person signed up from (where the
 * onboarding sends them to sign in), if any.
 *
 * platform_policy_acceptances: (user, policy) → the version accepted last, `privacy`
 * or `terms`; separate from each application's terms (terms_acceptances).
 *
 * spent_proofs: the sign-up page's proof-of-work answers (ALTCHA), each accepted once
 * until its challenge expires; expired rows are deleted as new ones arrive.
 */
import type { Kysely } from 'kysely';

export const onboarding = {
  async up(db: Kysely<unknown>): Promise<void> {
    const big = 'bigint' as const;
    await db.schema
      .createTable('onboarding_links')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('expires_at', big, (c) => c.notNull())
      .addColumn('claim_digest', 'text')
      .addColumn('claimed_at', big)
      .addColumn('used_at', big)
      .addColumn('revoked_at', big)
      .execute();
    await db.schema.createIndex('onboarding_links_by_user').on('onboarding_links').column('user_id').execute();

    await db.schema
      .createTable('platform_policy_acceptances')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('policy', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('accepted_at', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('platform_policy_acceptances_pkey', ['user_id', 'policy'])
      .execute();

    await db.schema
      .createTable('spent_proofs')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('expires_at', big, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('spent_proofs_by_expiry').on('spent_proofs').column('expires_at').execute();
  },
};
