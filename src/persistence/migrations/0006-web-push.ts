/** An authenticator device's Web Push subscription (endpoint and keys, as JSON), when it subscribed. */
import type { Kysely } from 'kysely';

export const webPush = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('authenticator_devices').addColumn('web_push', 'text').execute();
  },
};
