/** Accounts as administrators manage them: search, profile changes with their identifiers, unlocking, single factors. */
import { sql, type Kysely } from 'kysely';
import type { UserId } from '../../domain/ids.js';
import type { ProfileChanges, UserDirectory, UserFactor } from '../../domain/user-directory.js';
import type { Clock } from '../../platform/clock.js';
import { uniqueViolation } from '../errors.js';
import type { Schema } from '../schema.js';
import { atomically, toUser } from './users.js';

/** `%` and `_` match themselves in a search (LIKE … ESCAPE '\'). */
const likePattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function userDirectory(db: Kysely<Schema>, clock: Clock): UserDirectory {
  const findRow = (id: UserId) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return {
    async search(query) {
      let select = db.selectFrom('users').selectAll();
      const q = query.q?.trim();
      if (q) {
        const pattern = likePattern(q);
        select = select.where((eb) =>
          eb.or([
            eb('id', '=', q),
            sql<boolean>`email like ${pattern} escape '\\'`,
            sql<boolean>`lower(coalesce(username, '')) like ${pattern} escape '\\'`,
            sql<boolean>`lower(given_name || ' ' || family_name) like ${pattern} escape '\\'`,
            sql<boolean>`coalesce(mobile, '') like ${pattern} escape '\\'`,
          ]),
        );
      }
      if (query.status) select = select.where('status', '=', query.status);
      if (query.type) select = select.where('account_type', '=', query.type);
      if (query.afterEmail !== undefined) select = select.where('email', '>', query.afterEmail);
      const rows = await select.orderBy('email').limit(query.limit).execute();
      return rows.map(toUser);
    },

    async updateProfile(id, changes: ProfileChanges) {
      const before = await findRow(id);
      if (!before) return { ok: false, conflict: 'not_found' };
      const values = {
        ...(changes.email !== undefined ? { email: changes.email } : {}),
        ...(changes.givenName !== undefined ? { given_name: changes.givenName } : {}),
        ...(changes.familyName !== undefined ? { family_name: changes.familyName } : {}),
        ...(changes.mobile !== undefined ? { mobile: changes.mobile } : {}),
        ...(changes.department !== undefined ? { department: changes.department } : {}),
        ...(changes.businessOperation !== undefined ? { business_operation: changes.businessOperation } : {}),
        ...(changes.reportingOfficerEmail !== undefined ? { reporting_officer_email: changes.reportingOfficerEmail } : {}),
        ...(changes.companyAddress !== undefined ? { company_address: changes.companyAddress } : {}),
      };
      const inserting = { kind: 'email' as 'email' | 'mobile' };
      try {
        await atomically(db, async (tx) => {
          // One row per identifier (user_identifiers' primary key): an e-mail or mobile another account holds, as any kind, is refused.
          if (changes.email !== undefined && changes.email !== before.email) {
            inserting.kind = 'email';
            await tx.deleteFrom('user_identifiers').where('user_id', '=', id).where('kind', '=', 'email').execute();
            await tx.insertInto('user_identifiers').values({ identifier: changes.email, user_id: id, kind: 'email' }).execute();
          }
          if (changes.mobile !== undefined && changes.mobile !== before.mobile) {
            inserting.kind = 'mobile';
            await tx.deleteFrom('user_identifiers').where('user_id', '=', id).where('kind', '=', 'mobile').execute();
            if (changes.mobile !== null) {
              await tx.insertInto('user_identifiers').values({ identifier: changes.mobile, user_id: id, kind: 'mobile' }).execute();
            }
          }
          await tx
            .updateTable('users')
            .set({ ...values, updated_at: clock.now() })
            .where('id', '=', id)
            .execute();
        });
      } catch (error) {
        const violated = uniqueViolation(error);
        if (violated === null) throw error;
        return { ok: false, conflict: /mobile/.test(violated) && !/user_identifiers/.test(violated) ? 'mobile' : inserting.kind };
      }
      return { ok: true, value: toUser((await findRow(id))!) };
    },

    async unlock(id) {
      const result = await db
        .updateTable('users')
        .set({ locked_at: null, failed_sign_ins: 0, updated_at: clock.now() })
        .where('id', '=', id)
        .where('locked_at', 'is not', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) return true;
      // Not locked: the failures counted so far are forgotten all the same.
      await db.updateTable('users').set({ failed_sign_ins: 0 }).where('id', '=', id).execute();
      return false;
    },

    async factors(id) {
      const stored = await db
        .selectFrom('user_factors')
        .select(['id', 'kind', 'label', 'created_at', 'last_used_at'])
        .where('user_id', '=', id)
        .execute();
      const devices = await db
        .selectFrom('authenticator_devices')
        .select(['id', 'name', 'created_at', 'last_used_at'])
        .where('user_id', '=', id)
        .execute();
      const all: UserFactor[] = [
        ...stored.map((r) => ({
          id: r.id,
          type: r.kind === 'passkey' ? ('passkey' as const) : ('totp' as const),
          label: r.label,
          createdAt: Number(r.created_at),
          lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
        })),
        ...devices.map((d) => ({
          id: d.id,
          type: 'authenticator' as const,
          label: d.name,
          createdAt: Number(d.created_at),
          lastUsedAt: d.last_used_at === null ? null : Number(d.last_used_at),
        })),
      ];
      return all.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    },

    async removeFactor(id, factorId) {
      const factor = (await this.factors(id)).find((f) => f.id === factorId);
      if (!factor) return null;
      if (factor.type === 'authenticator') {
        // Prompts waiting for the removed phone can no longer be answered.
        await db
          .updateTable('push_challenges')
          .set({ status: 'expired', outcome: 'expired' })
          .where('user_id', '=', id)
          .where('status', '=', 'pending')
          .execute();
        await db.deleteFrom('authenticator_devices').where('id', '=', factorId).where('user_id', '=', id).execute();
      } else {
        await db.deleteFrom('user_factors').where('id', '=', factorId).where('user_id', '=', id).execute();
      }
      return factor;
    },
  };
}
