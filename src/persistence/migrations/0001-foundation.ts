/**
 * The foundation schema: accounts, directory (namespaces, applications, groups,
 * assignments), audit log, signing keys, the OIDC provider's models, job leases
 * and the mail outbox. Namespace-owned tables carry `namespace_id NOT NULL`, a
 * unique key on (namespace_id, id) and composite foreign keys, so the database
 * itself refuses a reference that crosses namespaces.
 */
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../database.js';

export function foundation(engine: Engine) {
  const big = 'bigint' as const;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const schema = db.schema;

      await schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('username', 'text', (c) => c.unique())
        .addColumn('given_name', 'text', (c) => c.notNull())
        .addColumn('family_name', 'text', (c) => c.notNull())
        .addColumn('account_type', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('platform_role', 'text')
        .addColumn('password_hash', 'text')
        .addColumn('password_changed_at', big)
        .addColumn('failed_sign_ins', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('locked_at', big)
        .addColumn('mobile', 'text')
        .addColumn('agency', 'text')
        .addColumn('department', 'text')
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('updated_at', big, (c) => c.notNull())
        .addColumn('status_changed_at', big, (c) => c.notNull())
        .addColumn('last_sign_in_at', big)
        .execute();

      await schema
        .createTable('user_factors')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('secret_sealed', 'text')
        .addColumn('public_key', 'text')
        .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('last_used_at', big)
        .addColumn('last_used_step', big)
        .execute();
      await schema.createIndex('user_factors_user').on('user_factors').columns(['user_id', 'kind']).execute();

      await schema
        .createTable('namespaces')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('directory_id', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', big, (c) => c.notNull())
        .execute();

      await schema
        .createTable('namespace_admins')
        .addColumn('namespace_id', 'text', (c) => c.notNull().references('namespaces.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', big, (c) => c.notNull())
        .addPrimaryKeyConstraint('namespace_admins_pk', ['namespace_id', 'user_id'])
        .execute();

      await schema
        .createTable('applications')
        .addColumn('namespace_id', 'text', (c) => c.notNull().references('namespaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('homepage_url', 'text')
        .addColumn('logout_url', 'text')
        .addColumn('redirect_uris', 'text', (c) => c.notNull())
        .addColumn('is_public', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('sign_in_enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('assignment_required', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('implicit_grant', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('backchannel_logout_uri', 'text')
        .addColumn('terms_version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('updated_at', big, (c) => c.notNull())
        .addUniqueConstraint('applications_ns_id', ['namespace_id', 'id'])
        .addUniqueConstraint('applications_ns_name', ['namespace_id', 'name'])
        .execute();

      for (const table of ['application_secrets', 'application_certificates'] as const) {
        let builder = schema
          .createTable(table)
          .addColumn('namespace_id', 'text', (c) => c.notNull())
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('application_id', 'text', (c) => c.notNull());
        builder =
          table === 'application_secrets'
            ? builder
                .addColumn('digest', 'text', (c) => c.notNull())
                .addColumn('hint', 'text', (c) => c.notNull())
                .addColumn('expires_at', big, (c) => c.notNull())
            : builder
                .addColumn('pem', 'text', (c) => c.notNull())
                .addColumn('thumbprint_sha1', 'text', (c) => c.notNull())
                .addColumn('thumbprint_sha256', 'text', (c) => c.notNull())
                .addColumn('not_after', big, (c) => c.notNull());
        await builder
          .addColumn('created_at', big, (c) => c.notNull())
          .addForeignKeyConstraint(`${table}_app`, ['namespace_id', 'application_id'], 'applications', ['namespace_id', 'id'], (fk) =>
            fk.onDelete('cascade'),
          )
          .execute();
        await schema.createIndex(`${table}_by_app`).on(table).columns(['namespace_id', 'application_id']).execute();
      }

      await schema
        .createTable('groups')
        .addColumn('namespace_id', 'text', (c) => c.notNull().references('namespaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', big, (c) => c.notNull())
        .addUniqueConstraint('groups_ns_id', ['namespace_id', 'id'])
        .addUniqueConstraint('groups_ns_name', ['namespace_id', 'name'])
        .execute();

      await schema
        .createTable('group_user_members')
        .addColumn('namespace_id', 'text', (c) => c.notNull())
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', big, (c) => c.notNull())
        .addPrimaryKeyConstraint('group_user_members_pk', ['namespace_id', 'group_id', 'user_id'])
        .addForeignKeyConstraint('group_user_members_group', ['namespace_id', 'group_id'], 'groups', ['namespace_id', 'id'], (fk) =>
          fk.onDelete('cascade'),
        )
        .execute();
      await schema.createIndex('group_user_members_by_user').on('group_user_members').columns(['user_id', 'namespace_id']).execute();

      await schema
        .createTable('group_group_members')
        .addColumn('namespace_id', 'text', (c) => c.notNull())
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('member_group_id', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addPrimaryKeyConstraint('group_group_members_pk', ['namespace_id', 'group_id', 'member_group_id'])
        .addForeignKeyConstraint('group_group_members_group', ['namespace_id', 'group_id'], 'groups', ['namespace_id', 'id'], (fk) =>
          fk.onDelete('cascade'),
        )
        .addForeignKeyConstraint('group_group_members_member', ['namespace_id', 'member_group_id'], 'groups', ['namespace_id', 'id'], (fk) =>
          fk.onDelete('cascade'),
        )
        .execute();

      await schema
        .createTable('application_user_assignments')
        .addColumn('namespace_id', 'text', (c) => c.notNull())
        .addColumn('application_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', big, (c) => c.notNull())
        .addPrimaryKeyConstraint('application_user_assignments_pk', ['namespace_id', 'application_id', 'user_id'])
        .addForeignKeyConstraint(
          'application_user_assignments_app',
          ['namespace_id', 'application_id'],
          'applications',
          ['namespace_id', 'id'],
          (fk) => fk.onDelete('cascade'),
        )
        .execute();

      await schema
        .createTable('application_group_assignments')
        .addColumn('namespace_id', 'text', (c) => c.notNull())
        .addColumn('application_id', 'text', (c) => c.notNull())
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addPrimaryKeyConstraint('application_group_assignments_pk', ['namespace_id', 'application_id', 'group_id'])
        .addForeignKeyConstraint(
          'application_group_assignments_app',
          ['namespace_id', 'application_id'],
          'applications',
          ['namespace_id', 'id'],
          (fk) => fk.onDelete('cascade'),
        )
        .addForeignKeyConstraint('application_group_assignments_group', ['namespace_id', 'group_id'], 'groups', ['namespace_id', 'id'], (fk) =>
          fk.onDelete('cascade'),
        )
        .execute();

      await schema
        .createTable('audit_events')
        .addColumn('seq', engine === 'postgres' ? 'bigserial' : 'integer', (c) =>
          engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('occurred_at', big, (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target_type', 'text')
        .addColumn('target_id', 'text')
        .addColumn('namespace_id', 'text')
        .addColumn('ip', 'text')
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await schema.createIndex('audit_events_by_namespace').on('audit_events').columns(['namespace_id', 'seq']).execute();
      await schema.createIndex('audit_events_by_target').on('audit_events').columns(['target_id', 'seq']).execute();

      await schema
        .createTable('signing_keys')
        .addColumn('kid', 'text', (c) => c.primaryKey())
        .addColumn('alg', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('sealed_jwk', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('activated_at', big)
        .addColumn('retired_at', big)
        .addColumn('publish_until', big)
        .execute();

      await schema
        .createTable('oidc_models')
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('grant_id', 'text')
        .addColumn('uid', 'text')
        .addColumn('user_code', 'text')
        .addColumn('expires_at', big)
        .addColumn('consumed_at', big)
        .addPrimaryKeyConstraint('oidc_models_pk', ['model', 'id'])
        .execute();
      await schema.createIndex('oidc_models_by_grant').on('oidc_models').columns(['grant_id']).execute();
      await schema.createIndex('oidc_models_by_uid').on('oidc_models').columns(['model', 'uid']).execute();
      await schema.createIndex('oidc_models_by_user_code').on('oidc_models').columns(['model', 'user_code']).execute();
      await schema.createIndex('oidc_models_by_expiry').on('oidc_models').columns(['expires_at']).execute();

      await schema
        .createTable('job_leases')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('owner', 'text')
        .addColumn('lease_until', big, (c) => c.notNull())
        .addColumn('last_run_at', big)
        .execute();

      await schema
        .createTable('mail_outbox')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('to_address', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('text_body', 'text', (c) => c.notNull())
        .addColumn('html_body', 'text')
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('sent_at', big)
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .execute();
      await schema.createIndex('mail_outbox_pending').on('mail_outbox').columns(['sent_at', 'created_at']).execute();

      if (engine === 'postgres') {
        // The audit log is append-only: the database refuses edits and deletions.
        await sql`CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$`.execute(db);
        await sql`CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
          FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`.execute(db);
      } else {
        await sql`CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
          BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`.execute(db);
        await sql`CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
          BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`.execute(db);
      }
    },
  };
}
