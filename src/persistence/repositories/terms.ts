/** Which version of an application's terms of use each user accepted, inside one namespace. */
import type { Kysely } from 'kysely';
import type { NamespaceId } from '../../domain/ids.js';
import type { TermsAcceptances } from '../../domain/repositories.js';
import type { Clock } from '../../platform/clock.js';
import { precompiledPerDatabase } from '../precompiled.js';
import type { Schema } from '../schema.js';

// Asked at every sign-in (the consent prompt's check): compiled once per database.
const acceptedVersion = precompiledPerDatabase((db, p) =>
  db
    .selectFrom('terms_acceptances')
    .select('version')
    .where('namespace_id', '=', p('namespace'))
    .where('application_id', '=', p('application'))
    .where('user_id', '=', p('user')),
);

export function termsAcceptances(db: Kysely<Schema>, clock: Clock, namespaceId: NamespaceId): TermsAcceptances {
  return {
    async acceptedVersion(applicationId, userId) {
      const { rows } = await acceptedVersion(db)({ namespace: namespaceId, application: applicationId, user: userId });
      return rows[0]?.version ?? null;
    },
    async accept(applicationId, userId, version) {
      const values = { namespace_id: namespaceId, application_id: applicationId, user_id: userId, version, accepted_at: clock.now() };
      await db
        .insertInto('terms_acceptances')
        .values(values)
        .onConflict((oc) => oc.columns(['namespace_id', 'application_id', 'user_id']).doUpdateSet({ version, accepted_at: values.accepted_at }))
        .execute();
    },
  };
}
