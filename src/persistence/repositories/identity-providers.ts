/**
 * Integrated identity providers (identity_providers) and the upstream identities
 * linked to accounts (federated_identities). The client secret or private key is
 * sealed under the master key, bound to the provider's id, as signing keys are;
 * only `upstream()` opens it. Every write gives the row a new `revision` and tells
 * this node's directory (`changed`), so sign-in sees the change at once here and
 * within KEY_REFRESH_SECONDS elsewhere.
 */
import type { Kysely, Selectable } from 'kysely';
import type { FederatedIdentity } from '../../domain/federated-identities.js';
import type {
  ClaimMapping,
  ClientAuthentication,
  ClientCredentials,
  DiscoveredMetadata,
  IdentityProvider,
  ProviderCertificate,
  ProviderSettings,
  UpstreamProvider,
} from '../../domain/identity-providers.js';
import { asIdentityProviderId, asUserId, type IdentityProviderId } from '../../domain/ids.js';
import type { FederatedIdentityRepository, IdentityProviderRepository } from '../../domain/repositories.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { MasterKey } from '../../platform/secrets.js';
import type { FederatedIdentitiesTable, IdentityProvidersTable, Schema } from '../schema.js';

const context = (id: string) => `identity_providers:${id}`;

function toProvider(row: Selectable<IdentityProvidersTable>): IdentityProvider {
  const clientAuth: ClientAuthentication =
    row.auth_method === 'private_key_jwt'
      ? { method: 'private_key_jwt', certificate: JSON.parse(row.certificate ?? 'null') as ProviderCertificate }
      : { method: 'client_secret', secretSetAt: Number(row.credentials_set_at) };
  return {
    id: asIdentityProviderId(row.id),
    name: row.name,
    displayName: row.display_name,
    issuer: row.issuer,
    clientId: row.client_id,
    clientAuth,
    scopes: JSON.parse(row.scopes) as string[],
    domains: JSON.parse(row.domains) as string[],
    claims: JSON.parse(row.claims) as ClaimMapping,
    endSession: row.end_session === 1,
    enabled: row.enabled === 1,
    metadata: JSON.parse(row.metadata) as DiscoveredMetadata,
    discoveredAt: Number(row.discovered_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The sealed column and the public certificate column for `credentials`. */
function credentialColumns(id: string, credentials: ClientCredentials, masterKey: MasterKey, now: number) {
  const secret = credentials.method === 'client_secret' ? credentials.clientSecret : credentials.privateKeyPem;
  return {
    auth_method: credentials.method,
    credentials_sealed: masterKey.seal(secret, context(id)),
    certificate: credentials.method === 'private_key_jwt' ? JSON.stringify(credentials.certificate) : null,
    credentials_set_at: now,
  };
}

function settingsColumns(settings: Partial<ProviderSettings>) {
  return {
    ...(settings.name !== undefined ? { name: settings.name } : {}),
    ...(settings.displayName !== undefined ? { display_name: settings.displayName } : {}),
    ...(settings.issuer !== undefined ? { issuer: settings.issuer } : {}),
    ...(settings.clientId !== undefined ? { client_id: settings.clientId } : {}),
    ...(settings.scopes !== undefined ? { scopes: JSON.stringify(settings.scopes) } : {}),
    ...(settings.domains !== undefined ? { domains: JSON.stringify(settings.domains) } : {}),
    ...(settings.claims !== undefined ? { claims: JSON.stringify(settings.claims) } : {}),
    ...(settings.endSession !== undefined ? { end_session: settings.endSession ? 1 : 0 } : {}),
  };
}

export function identityProviderRepository(
  db: Kysely<Schema>,
  clock: Clock,
  masterKey: MasterKey,
  changed: () => void = () => {},
): IdentityProviderRepository {
  const byColumn = async (column: 'id' | 'name', value: string) => {
    const row = await db.selectFrom('identity_providers').selectAll().where(column, '=', value).executeTakeFirst();
    return row ? toProvider(row) : null;
  };

  return {
    async list() {
      return (await db.selectFrom('identity_providers').selectAll().orderBy('name').execute()).map(toProvider);
    },

    findByName: (name) => byColumn('name', name),
    findById: (id) => byColumn('id', id),

    async upstream() {
      const rows = await db.selectFrom('identity_providers').selectAll().orderBy('name').execute();
      return rows.map((row): UpstreamProvider => {
        const provider = toProvider(row);
        const opened = masterKey.open(row.credentials_sealed, context(row.id));
        const credentials: ClientCredentials =
          provider.clientAuth.method === 'private_key_jwt'
            ? { method: 'private_key_jwt', privateKeyPem: opened, certificate: provider.clientAuth.certificate }
            : { method: 'client_secret', clientSecret: opened };
        return { ...provider, clientCredentials: () => credentials };
      });
    },

    async create(input) {
      const now = clock.now();
      const id = newId('idp_');
      const result = await db
        .insertInto('identity_providers')
        .values({
          id,
          name: input.settings.name,
          display_name: input.settings.displayName,
          issuer: input.settings.issuer,
          client_id: input.settings.clientId,
          ...credentialColumns(id, input.credentials, masterKey, now),
          scopes: JSON.stringify(input.settings.scopes),
          domains: JSON.stringify(input.settings.domains),
          claims: JSON.stringify(input.settings.claims),
          end_session: input.settings.endSession ? 1 : 0,
          enabled: input.enabled ? 1 : 0,
          metadata: JSON.stringify(input.metadata),
          discovered_at: now,
          revision: newId(),
          created_at: now,
          updated_at: now,
        })
        // Not an exception inside a caller's transaction (PostgreSQL would abort it): the name is the only unique key.
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return { ok: false, conflict: 'name' };
      changed();
      return { ok: true, value: (await byColumn('id', id))! };
    },

    async update(id, changes) {
      const now = clock.now();
      const result = await db
        .updateTable('identity_providers')
        .set({
          ...settingsColumns(changes.settings ?? {}),
          ...(changes.credentials ? credentialColumns(id, changes.credentials, masterKey, now) : {}),
          ...(changes.metadata ? { metadata: JSON.stringify(changes.metadata), discovered_at: now } : {}),
          revision: newId(),
          updated_at: now,
        })
        .where('id', '=', id)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return null;
      changed();
      return byColumn('id', id);
    },

    async setEnabled(id, enabled) {
      const result = await db
        .updateTable('identity_providers')
        .set({ enabled: enabled ? 1 : 0, revision: newId(), updated_at: clock.now() })
        .where('id', '=', id)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return null;
      changed();
      return byColumn('id', id);
    },

    async remove(id) {
      const result = await db.deleteFrom('identity_providers').where('id', '=', id).executeTakeFirst();
      changed();
      return Number(result.numDeletedRows) === 1;
    },

    async revision() {
      // A handful of rows: their ids and revisions are the fingerprint, exact (no sums that could collide).
      const rows = await db.selectFrom('identity_providers').select(['id', 'revision']).orderBy('id').execute();
      return rows.map((r) => `${r.id}:${r.revision}`).join(',');
    },
  };
}

function toFederatedIdentity(row: Selectable<FederatedIdentitiesTable>): FederatedIdentity {
  return {
    providerId: asIdentityProviderId(row.provider_id),
    issuer: row.issuer,
    subject: row.subject,
    userId: asUserId(row.user_id),
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  };
}

export function federatedIdentityRepository(db: Kysely<Schema>, clock: Clock): FederatedIdentityRepository {
  const find = async (issuer: string, subject: string) => {
    const row = await db
      .selectFrom('federated_identities')
      .selectAll()
      .where('issuer', '=', issuer)
      .where('subject', '=', subject)
      .executeTakeFirst();
    return row ? toFederatedIdentity(row) : null;
  };

  return {
    find,

    async ofUser(userId) {
      const rows = await db.selectFrom('federated_identities').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
      return rows.map(toFederatedIdentity);
    },

    async link(link) {
      const row = {
        provider_id: link.providerId,
        issuer: link.issuer,
        subject: link.subject,
        user_id: link.userId,
        created_at: clock.now(),
        last_used_at: null,
      };
      // Either unique key may refuse the row; "do nothing" keeps a caller's transaction usable on PostgreSQL.
      const result = await db
        .insertInto('federated_identities')
        .values(row)
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) === 1) return { ok: true, value: toFederatedIdentity(row) };
      return { ok: false, conflict: (await find(link.issuer, link.subject)) ? 'subject' : 'user' };
    },

    async touch(issuer, subject) {
      await db
        .updateTable('federated_identities')
        .set({ last_used_at: clock.now() })
        .where('issuer', '=', issuer)
        .where('subject', '=', subject)
        .execute();
    },

    async unlinkProvider(providerId: IdentityProviderId) {
      const result = await db.deleteFrom('federated_identities').where('provider_id', '=', providerId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
