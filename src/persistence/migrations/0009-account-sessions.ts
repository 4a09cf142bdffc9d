/**
 * Ending an account's sessions everywhere (a password reset or change, an MFA reset, a
 * lost factor removed, a fraud report, a lock or a status that forbids signing in):
 *
 * - oidc_models.account_id: the account of a provider Session or Grant row (only those;
 *   the tokens of a grant die with it, and the access and refresh tokens written at every
 *   token request stay out of the index). Rows written before this migration get it from
 *   their payload.
 * - backchannel_logouts: logout tokens owed to the applications that registered a
 *   back-channel logout URI, delivered by a job with retries (the event may happen in a
 *   CLI process that has no provider).
 * - password_reset_requests: "Forgot your password?" only queues the request; a job looks
 *   the account up and sends the mail, so known and unknown accounts cost the request the
 *   same work and time.
 */
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../database.js';

export const accountSessions = (engine: Engine) => ({
  async up(db: Kysely<unknown>): Promise<void> {
    const big = 'bigint' as const;
    await db.schema.alterTable('oidc_models').addColumn('account_id', 'text').execute();
    const accountOf = engine === 'sqlite' ? sql`json_extract(payload, '$.accountId')` : sql`(payload::json ->> 'accountId')`;
    await sql`update oidc_models set account_id = ${accountOf} where model in ('Session', 'Grant')`.execute(db);
    await db.schema
      .createIndex('oidc_models_by_account')
      .on('oidc_models')
      .columns(['account_id', 'model'])
      .where(sql.ref('account_id'), 'is not', null)
      .execute();

    await db.schema
      .createTable('backchannel_logouts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('sid', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('next_attempt_at', big, (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('sent_at', big)
      .addColumn('last_error', 'text')
      .execute();
    await db.schema.createIndex('backchannel_logouts_pending').on('backchannel_logouts').columns(['sent_at', 'next_attempt_at']).execute();

    await db.schema
      .createTable('password_reset_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('login', 'text', (c) => c.notNull())
      .addColumn('ip', 'text')
      .addColumn('created_at', big, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('password_reset_requests_by_time').on('password_reset_requests').columns(['created_at']).execute();
  },
});
