/** The queue of "Forgot your password?" requests (see flows/passwords.ts). */
import type { Kysely } from 'kysely';
import type { PasswordResetRequests } from '../../domain/repositories.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { Schema } from '../schema.js';

export function passwordResetRequests(db: Kysely<Schema>, clock: Clock): PasswordResetRequests {
  return {
    async add(login, ip) {
      await db
        .insertInto('password_reset_requests')
        .values({ id: newId('rrq_'), login, ip, created_at: clock.now() })
        .execute();
    },
    async take(limit) {
      const rows = await db.selectFrom('password_reset_requests').select(['id', 'login', 'ip']).orderBy('created_at').limit(limit).execute();
      if (rows.length === 0) return [];
      // Taken rows are deleted: what was typed is kept no longer than it takes to answer it.
      await db
        .deleteFrom('password_reset_requests')
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      return rows;
    },
  };
}
