/**
 * group_user_members: the index by user also holds the group id, so "the groups this user
 * is a direct member of in this namespace" (the access facts read by every token request
 * about a user) is answered from that index alone.
 *
 * TechPass never runs ANALYZE, so SQLite plans without statistics. It then preferred the
 * primary key (namespace_id, group_id, user_id), which covered the query, over the index by
 * (user_id, namespace_id), which did not: it read every membership of the namespace to find
 * one user's (100,000 rows for a namespace of that size). With both covering, two equality
 * columns win over one. PostgreSQL plans from its own statistics either way.
 */
import type { Kysely } from 'kysely';

export const membershipByUserCovering = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('group_user_members_by_user').execute();
    await db.schema.createIndex('group_user_members_by_user').on('group_user_members').columns(['user_id', 'namespace_id', 'group_id']).execute();
  },
};
