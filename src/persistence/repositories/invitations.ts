/** Registration links sent by invitation (domain/invitations.ts). */
import type { Kysely, Selectable } from 'kysely';
import { asUserId } from '../../domain/ids.js';
import type { Invitation, InvitationRepository, RegistrationDraft } from '../../domain/invitations.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { insertUnique } from '../errors.js';
import type { InvitationsTable, Schema } from '../schema.js';

const orNull = (v: number | string | null) => (v === null ? null : Number(v));

function toInvitation(row: Selectable<InvitationsTable>): Invitation {
  let draft: RegistrationDraft | null = null;
  if (row.draft) {
    try {
      draft = JSON.parse(row.draft) as RegistrationDraft;
    } catch {
      draft = null;
    }
  }
  return {
    id: row.id,
    email: row.email,
    digest: row.digest,
    invitedBy: asUserId(row.invited_by),
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    completedAt: orNull(row.completed_at),
    replacedAt: orNull(row.replaced_at),
    expiryNotifiedAt: orNull(row.expiry_notified_at),
    userId: row.user_id ? asUserId(row.user_id) : null,
    draft,
  };
}

export function invitationRepository(db: Kysely<Schema>, clock: Clock): InvitationRepository {
  return {
    async create(input) {
      const now = clock.now();
      const id = newId('inv_');
      // The old link dies in the same transaction as the new one is made.
      const replaced = await db
        .updateTable('invitations')
        .set({ replaced_at: now, draft: null })
        .where('email', '=', input.email)
        .where('completed_at', 'is', null)
        .where('replaced_at', 'is', null)
        .executeTakeFirst();
      const insert = db
        .insertInto('invitations')
        .values({
          id,
          email: input.email,
          digest: input.digest,
          invited_by: input.invitedBy,
          created_at: now,
          expires_at: input.expiresAt,
          completed_at: null,
          replaced_at: null,
          expiry_notified_at: null,
          user_id: null,
          draft: null,
        })
        .execute();
      return insertUnique(insert, { id, replaced: Number(replaced.numUpdatedRows) }, 'email' as const);
    },

    async find(id) {
      const row = await db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toInvitation(row) : null;
    },

    async saveDraft(id, draft) {
      const result = await db
        .updateTable('invitations')
        .set({ draft: JSON.stringify(draft) })
        .where('id', '=', id)
        .where('completed_at', 'is', null)
        .where('replaced_at', 'is', null)
        .where('expires_at', '>', clock.now())
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async complete(id, userId) {
      const result = await db
        .updateTable('invitations')
        .set({ completed_at: clock.now(), user_id: userId, draft: null })
        .where('id', '=', id)
        .where('completed_at', 'is', null)
        .where('replaced_at', 'is', null)
        .where('expires_at', '>', clock.now())
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async expiredUnnotified(limit) {
      const rows = await db
        .selectFrom('invitations')
        .selectAll()
        .where('completed_at', 'is', null)
        .where('replaced_at', 'is', null)
        .where('expiry_notified_at', 'is', null)
        .where('expires_at', '<=', clock.now())
        .orderBy('expires_at')
        .limit(limit)
        .execute();
      return rows.map(toInvitation);
    },

    async markExpiryNotified(id) {
      const result = await db
        .updateTable('invitations')
        .set({ expiry_notified_at: clock.now(), draft: null })
        .where('id', '=', id)
        .where('expiry_notified_at', 'is', null)
        .where('completed_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}
