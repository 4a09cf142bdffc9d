/**
 * user_identifiers: every identifier a person signs in with (an account's e-mail and
 * its username) is one row, keyed by the identifier itself. Unique keys on users.email
 * and users.username each kept their own column unique, but a username could equal
 * another account's e-mail, so one TechPass ID named two accounts. One primary key over
 * both kinds makes that impossible in the database, even for accounts created at the
 * same moment on different nodes.
 *
 * Existing accounts are carried over: every e-mail first, then every username. A
 * username that is already another account's e-mail is cleared, so that account's
 * TechPass ID becomes its own e-mail: sign-in with that identifier already found the
 * e-mail's owner (findByLogin looks at e-mails first), so the username owner could not
 * use it, while their tokens still carried it as preferred_username.
 */
import { sql, type Kysely } from 'kysely';

export const userIdentifiers = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('user_identifiers')
      .addColumn('identifier', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('user_identifiers_by_user').on('user_identifiers').column('user_id').execute();
    // Stored e-mails and usernames are already lower-cased by the repository, so they are the identifiers.
    // `where true`: SQLite needs it to read ON CONFLICT after a SELECT.
    await sql`insert into user_identifiers (identifier, user_id, kind)
      select email, id, 'email' from users where true on conflict do nothing`.execute(db);
    await sql`update users set username = null
      where username is not null
        and exists (select 1 from user_identifiers i where i.identifier = users.username and i.user_id <> users.id)`.execute(db);
    await sql`insert into user_identifiers (identifier, user_id, kind)
      select username, id, 'username' from users where username is not null and username <> email on conflict do nothing`.execute(db);
  },
};
