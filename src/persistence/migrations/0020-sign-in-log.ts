/**
 * The sign-in log (domain/sign-in-log.ts), and the audit log's indexes for the
 * management API's queries (issue 19).
 *
 * sign_in_log: one line per sign-in attempt. No foreign keys: a line outlives the
 * account, the application and the namespace it names (it is history), and is deleted
 * only by age (the cleanup job). Indexed for the queries the API makes, newest first:
 * all lines, by user, by application, by namespace (a tenant admin's).
 * audit_events: by actor, by action and by time, beside the existing by namespace and
 * by target (the chain's order, seq, is the primary key).
 */
import type { Kysely } from 'kysely';

export const signInLog = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('sign_in_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('occurred_at', 'bigint', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('login', 'text')
      .addColumn('client_id', 'text')
      .addColumn('namespace_id', 'text')
      .addColumn('ip', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('factors', 'text', (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('correlation_id', 'text')
      .addColumn('flow_id', 'text')
      .execute();
    await db.schema.createIndex('sign_in_log_by_time').on('sign_in_log').columns(['occurred_at', 'id']).execute();
    await db.schema.createIndex('sign_in_log_by_user').on('sign_in_log').columns(['user_id', 'occurred_at', 'id']).execute();
    await db.schema.createIndex('sign_in_log_by_client').on('sign_in_log').columns(['client_id', 'occurred_at', 'id']).execute();
    await db.schema.createIndex('sign_in_log_by_namespace').on('sign_in_log').columns(['namespace_id', 'occurred_at', 'id']).execute();

    await db.schema.createIndex('audit_events_by_actor').on('audit_events').columns(['actor', 'seq']).execute();
    await db.schema.createIndex('audit_events_by_action').on('audit_events').columns(['action', 'seq']).execute();
    await db.schema.createIndex('audit_events_by_time').on('audit_events').columns(['occurred_at']).execute();
  },
};
