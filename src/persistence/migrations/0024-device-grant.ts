/**
 * The device authorization grant (RFC 8628, issue 19).
 *
 * applications.device_grant: whether this application may use the device
 * authorization grant (`urn:ietf:params:oauth:grant-type:device_code`); honoured for
 * public clients only (oidc/clients.ts). Off for every existing application; the
 * platform's own CLI application (`techpass-cli`, flows/platform-cli.ts) has it on.
 */
import type { Kysely } from 'kysely';

export const deviceGrant = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('applications')
      .addColumn('device_grant', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
