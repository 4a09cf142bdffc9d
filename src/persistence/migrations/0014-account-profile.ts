/**
 * The account profile the reference describes: business operation (onshore or offshore)
 * and, for offshore users, the reporting officer's e-mail and the company's address. The
 * mobile, agency and department columns exist since 0001.
 *
 * A mobile number is an identifier like the e-mail and the username: it is unique across
 * TechPass, so it gets a `user_identifiers` row (kind `mobile`) when the account has one,
 * and a unique index of its own on `users.mobile` (NULLs never collide, on either engine).
 * Existing mobiles are carried over as they are (nothing wrote one before this migration).
 */
import { sql, type Kysely } from 'kysely';

export const accountProfile = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('users').addColumn('business_operation', 'text').execute();
    await db.schema.alterTable('users').addColumn('reporting_officer_email', 'text').execute();
    await db.schema.alterTable('users').addColumn('company_address', 'text').execute();
    await db.schema.createIndex('users_mobile_unique').unique().on('users').column('mobile').execute();
    await sql`insert into user_identifiers (identifier, user_id, kind)
      select mobile, id, 'mobile' from users where mobile is not null on conflict do nothing`.execute(db);
  },
};
