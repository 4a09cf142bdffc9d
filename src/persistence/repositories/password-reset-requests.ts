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
      // One statement, so each request is taken once even when two runs of the job meet
      // (a lease does not keep one node's runs apart, nor two nodes' once it lapses). Taken
      // rows are deleted: what was typed is kept no longer than it takes to answer it.
      const rows = await db
        .deleteFrom('password_reset_requests')
        .where('id', 'in', (eb) => eb.selectFrom('password_reset_requests').select('id').orderBy('created_at').limit(limit))
        .returning(['id', 'login', 'ip', 'created_at'])
        .execute();
      return rows.sort((a, b) => a.created_at - b.created_at).map(({ id, login, ip }) => ({ id, login, ip }));
    },
  };
}
