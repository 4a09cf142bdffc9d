/**
 * Applications (OIDC clients) of one namespace, their secrets and certificates. Every query
 * carries the scope's namespace id, so a caller holding one namespace's scope
 * cannot read or change another namespace's applications.
 *
 * Every write also moves the application's `updated_at` strictly forward (a secret or
 * certificate change is a change of the application) and tells `onChange`: that is what
 * `directoryFingerprint` and the per-node cache of client records (directory-cache.ts)
 * rely on to notice a change, on this node at once and on the others within seconds.
 */
import { sql, type ExpressionBuilder, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { ApplicationCertificate } from '../../domain/certificates.js';
import type { Application, ApplicationSecret } from '../../domain/directory.js';
import { asApplicationId, asNamespaceId, type ApplicationId, type NamespaceId } from '../../domain/ids.js';
import type { ApplicationRepository, ClientDirectory } from '../../domain/repositories.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { insertUnique } from '../errors.js';
import type { ApplicationCertificatesTable, ApplicationSecretsTable, ApplicationsTable, Schema } from '../schema.js';

export function toApplication(row: Selectable<ApplicationsTable>): Application {
  return {
    id: asApplicationId(row.id),
    namespaceId: asNamespaceId(row.namespace_id),
    name: row.name,
    homepageUrl: row.homepage_url,
    logoutUrl: row.logout_url,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    isPublic: row.is_public === 1,
    signInEnabled: row.sign_in_enabled === 1,
    assignmentRequired: row.assignment_required === 1,
    implicitGrant: row.implicit_grant === 1,
    backchannelLogoutUri: row.backchannel_logout_uri,
    termsVersion: row.terms_version,
    managementApi: row.management_api === 1,
    deviceGrant: row.device_grant === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toSecret(row: Selectable<ApplicationSecretsTable>): ApplicationSecret {
  return {
    id: row.id,
    applicationId: asApplicationId(row.application_id),
    digest: row.digest,
    hint: row.hint,
    name: row.name,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
  };
}

function toCertificate(row: Selectable<ApplicationCertificatesTable>): ApplicationCertificate {
  return {
    id: row.id,
    applicationId: asApplicationId(row.application_id),
    pem: row.pem,
    x5t: row.thumbprint_sha1,
    x5tS256: row.thumbprint_sha256,
    publicJwk: JSON.parse(row.public_jwk) as Record<string, unknown>,
    notBefore: row.not_before,
    notAfter: row.not_after,
    createdAt: row.created_at,
  };
}

const flag = (value: boolean) => (value ? 1 : 0);

/** `now`, or one more than the stored value if that is not earlier (two writes in one millisecond, or a clock behind another node's). */
const laterThanBefore = (eb: ExpressionBuilder<Schema, 'applications'>, now: number) =>
  eb
    .case()
    .when('updated_at', '<', now)
    .then(now)
    .else(eb('updated_at', '+', 1))
    .end();

export function applicationRepository(
  db: Kysely<Schema>,
  clock: Clock,
  namespaceId: NamespaceId,
  onChange: () => void = () => {},
): ApplicationRepository {
  /** Marks the application changed: a write to its secrets or certificates changes what the provider must see. */
  const touch = async (id: ApplicationId) => {
    const now = clock.now();
    await db
      .updateTable('applications')
      .set((eb) => ({ updated_at: laterThanBefore(eb, now) }))
      .where('namespace_id', '=', namespaceId)
      .where('id', '=', id)
      .execute();
  };
  const changed = <T>(result: T): T => {
    onChange();
    return result;
  };

  return {
    async create(input) {
      const now = clock.now();
      const row = {
        namespace_id: namespaceId,
        id: input.id ?? newId('app_'),
        name: input.name.trim(),
        homepage_url: input.homepageUrl ?? null,
        logout_url: input.logoutUrl ?? null,
        redirect_uris: JSON.stringify(input.redirectUris),
        is_public: input.isPublic ? 1 : 0,
        sign_in_enabled: 1,
        assignment_required: 0,
        implicit_grant: 0,
        backchannel_logout_uri: null,
        terms_version: 1,
        management_api: 0,
        device_grant: 0,
        created_at: now,
        updated_at: now,
      };
      return changed(await insertUnique(db.insertInto('applications').values(row).execute(), toApplication(row), 'name'));
    },

    async get(id) {
      const row = await db.selectFrom('applications').selectAll().where('namespace_id', '=', namespaceId).where('id', '=', id).executeTakeFirst();
      return row ? toApplication(row) : null;
    },

    async list() {
      const rows = await db.selectFrom('applications').selectAll().where('namespace_id', '=', namespaceId).orderBy('name').execute();
      return rows.map(toApplication);
    },

    async update(id, changes) {
      const set: Updateable<ApplicationsTable> = {};
      if (changes.signInEnabled !== undefined) set.sign_in_enabled = flag(changes.signInEnabled);
      if (changes.assignmentRequired !== undefined) set.assignment_required = flag(changes.assignmentRequired);
      if (changes.implicitGrant !== undefined) set.implicit_grant = flag(changes.implicitGrant);
      if (changes.logoutUrl !== undefined) set.logout_url = changes.logoutUrl;
      if (changes.backchannelLogoutUri !== undefined) set.backchannel_logout_uri = changes.backchannelLogoutUri;
      if (changes.termsVersion !== undefined) set.terms_version = changes.termsVersion;
      if (changes.name !== undefined) set.name = changes.name.trim();
      if (changes.homepageUrl !== undefined) set.homepage_url = changes.homepageUrl;
      if (changes.redirectUris !== undefined) set.redirect_uris = JSON.stringify([...new Set(changes.redirectUris)]);
      if (changes.managementApi !== undefined) set.management_api = flag(changes.managementApi);
      if (changes.deviceGrant !== undefined) set.device_grant = flag(changes.deviceGrant);
      const now = clock.now();
      await db
        .updateTable('applications')
        .set((eb) => ({ ...set, updated_at: laterThanBefore(eb, now) }))
        .where('namespace_id', '=', namespaceId)
        .where('id', '=', id)
        .execute();
      onChange();
      const row = await db.selectFrom('applications').selectAll().where('namespace_id', '=', namespaceId).where('id', '=', id).executeTakeFirst();
      return row ? toApplication(row) : null;
    },

    async addSecret(id, secret) {
      const row = {
        namespace_id: namespaceId,
        id: newId('sec_'),
        application_id: id,
        digest: secret.digest,
        hint: secret.hint,
        name: secret.name ?? '',
        created_at: clock.now(),
        expires_at: secret.expiresAt,
        last_used_at: null,
      };
      await db.insertInto('application_secrets').values(row).execute();
      await touch(id);
      return changed(toSecret(row));
    },

    async listSecrets(id) {
      const rows = await db
        .selectFrom('application_secrets')
        .selectAll()
        .where('namespace_id', '=', namespaceId)
        .where('application_id', '=', id)
        .orderBy('created_at')
        .execute();
      return rows.map(toSecret);
    },

    async setSecretExpiry(id, secretId, expiresAt) {
      const result = await db
        .updateTable('application_secrets')
        .set({ expires_at: expiresAt })
        .where('namespace_id', '=', namespaceId)
        .where('application_id', '=', id)
        .where('id', '=', secretId)
        .executeTakeFirst();
      await touch(id);
      return changed(Number(result.numUpdatedRows) === 1);
    },

    async removeSecret(id, secretId) {
      const result = await db
        .deleteFrom('application_secrets')
        .where('namespace_id', '=', namespaceId)
        .where('application_id', '=', id)
        .where('id', '=', secretId)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) !== 1) return false;
      await touch(id);
      return changed(true);
    },

    async recordSecretUse(id, secretId, at) {
      // Not a change of the application: the provider needs nothing new (no touch).
      await db
        .updateTable('application_secrets')
        .set({ last_used_at: at })
        .where('namespace_id', '=', namespaceId)
        .where('application_id', '=', id)
        .where('id', '=', secretId)
        .execute();
    },

    async remove(id) {
      // Secrets, certificates, assignments and terms acceptances go by cascade.
      const result = await db.deleteFrom('applications').where('namespace_id', '=', namespaceId).where('id', '=', id).executeTakeFirst();
      return changed(Number(result.numDeletedRows) === 1);
    },

    async addCertificate(id, certificate) {
      const row = {
        namespace_id: namespaceId,
        id: newId('crt_'),
        application_id: id,
        pem: certificate.pem,
        thumbprint_sha1: certificate.x5t,
        thumbprint_sha256: certificate.x5tS256,
        public_jwk: JSON.stringify(certificate.publicJwk),
        not_before: certificate.notBefore,
        not_after: certificate.notAfter,
        created_at: clock.now(),
      };
      const added = await insertUnique(db.insertInto('application_certificates').values(row).execute(), toCertificate(row), 'certificate');
      if (added.ok) await touch(id);
      return changed(added);
    },

    async listCertificates(id) {
      const rows = await db
        .selectFrom('application_certificates')
        .selectAll()
        .where('namespace_id', '=', namespaceId)
        .where('application_id', '=', id)
        .orderBy('created_at')
        .execute();
      return rows.map(toCertificate);
    },

    async removeCertificate(id, certificateId) {
      const result = await db
        .deleteFrom('application_certificates')
        .where('namespace_id', '=', namespaceId)
        .where('application_id', '=', id)
        .where('id', '=', certificateId)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) !== 1) return false;
      await touch(id);
      return changed(true);
    },
  };
}

/**
 * The provider's lookup of a client by id. The client id is globally unique, so the
 * namespace is learned from the application row, then its secrets are read inside it.
 */
export function clientDirectory(db: Kysely<Schema>): ClientDirectory {
  return {
    async findClient(clientId) {
      // The one lookup across namespaces: a client id is globally unique, and the
      // provider learns the namespace from this row (hence no namespace guard here).
      const row = await db.withoutPlugins().selectFrom('applications').selectAll().where('id', '=', clientId).executeTakeFirst();
      if (!row) return null;
      const [secrets, certificates] = await Promise.all([
        db.selectFrom('application_secrets').selectAll().where('namespace_id', '=', row.namespace_id).where('application_id', '=', row.id).execute(),
        db
          .selectFrom('application_certificates')
          .selectAll()
          .where('namespace_id', '=', row.namespace_id)
          .where('application_id', '=', row.id)
          .execute(),
      ]);
      return { application: toApplication(row), secrets: secrets.map(toSecret), certificates: certificates.map(toCertificate) };
    },
    async findApplication(clientId) {
      // Same entry point as findClient, without the credentials.
      const row = await db.withoutPlugins().selectFrom('applications').selectAll().where('id', '=', clientId).executeTakeFirst();
      return row ? toApplication(row) : null;
    },
  };
}

/**
 * A value that changes with every write to applications, their secrets or
 * certificates, on any node: a new application adds a row, every other write moves one
 * row's `updated_at` strictly forward, so the count and the sum change (the sum as
 * text: it outgrows a double). A scan of the applications table, made every few seconds.
 */
export async function directoryFingerprint(db: Kysely<Schema>): Promise<string> {
  // Across every namespace by design (a cache key, no data leaves), hence no namespace guard.
  const row = await db
    .withoutPlugins()
    .selectFrom('applications')
    .select([sql<string>`count(*)`.as('n'), sql<string>`cast(coalesce(sum(updated_at), 0) as text)`.as('v')])
    .executeTakeFirst();
  return `${row?.n ?? 0}:${row?.v ?? 0}`;
}
