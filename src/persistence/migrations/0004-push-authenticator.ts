/**
 * The TechPass Authenticator: enrolled devices (public keys only), one-time
 * enrolment links (only a digest of the secret), push challenges (number
 * matching), and the accounts whose push prompts are paused after repeated
 * wrong numbers or denials. All of it lives here so a challenge created on one
 * node can be answered through another.
 */
import type { Kysely } from 'kysely';

export const pushAuthenticator = {
  async up(db: Kysely<unknown>): Promise<void> {
    const big = 'bigint' as const;
    const schema = db.schema;

    await schema
      .createTable('authenticator_devices')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('public_key_jwk', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('last_used_at', big)
      .execute();
    await schema.createIndex('authenticator_devices_by_user').on('authenticator_devices').columns(['user_id']).execute();

    await schema
      .createTable('authenticator_enrolments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('expires_at', big, (c) => c.notNull())
      .addColumn('used_at', big)
      .execute();

    await schema
      .createTable('push_challenges')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('number', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text')
      .addColumn('flow_id', 'text')
      .addColumn('application_name', 'text', (c) => c.notNull())
      .addColumn('ip', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('expires_at', big, (c) => c.notNull())
      .addColumn('answered_at', big)
      .addColumn('device_id', 'text', (c) => c.references('authenticator_devices.id').onDelete('set null'))
      .addColumn('consumed_at', big)
      .execute();
    // Pending prompts of an account (the limit, the device's list) and its recent failures (the pause).
    await schema.createIndex('push_challenges_by_user').on('push_challenges').columns(['user_id', 'status', 'expires_at']).execute();
    await schema.createIndex('push_challenges_by_answer').on('push_challenges').columns(['user_id', 'answered_at']).execute();

    await schema
      .createTable('push_pauses')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('paused_until', big, (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .execute();
  },
};
