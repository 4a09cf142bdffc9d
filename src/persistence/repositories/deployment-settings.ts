/** The deployment's shared facts (deployment_settings): today, the public URL servers run with. */
import type { Kysely } from 'kysely';
import type { DeploymentSettings } from '../../domain/repositories.js';
import type { Clock } from '../../platform/clock.js';
import type { Schema } from '../schema.js';

const PUBLIC_URL = 'public_url';

export function deploymentSettings(db: Kysely<Schema>, clock: Clock): DeploymentSettings {
  const read = async (name: string) =>
    (await db.selectFrom('deployment_settings').select('value').where('name', '=', name).executeTakeFirst())?.value ?? null;
  return {
    publicUrl: () => read(PUBLIC_URL),

    async recordPublicUrl(url) {
      const previous = await read(PUBLIC_URL);
      if (previous === url) return previous;
      // An upsert: nodes starting together each write their (same) URL, and none fails on the key.
      await db
        .insertInto('deployment_settings')
        .values({ name: PUBLIC_URL, value: url, updated_at: clock.now() })
        .onConflict((oc) => oc.column('name').doUpdateSet({ value: url, updated_at: clock.now() }))
        .execute();
      return previous;
    },
  };
}
