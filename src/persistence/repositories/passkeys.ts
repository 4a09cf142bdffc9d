/** Passkeys: user factors of kind `passkey`, found by their WebAuthn credential id. */
import { STORED_KIND } from '../../contracts/factors.js';
import type { Kysely, Selectable } from 'kysely';
import { asUserId } from '../../domain/ids.js';
import type { Passkey, PasskeyRepository } from '../../domain/repositories.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { insertUnique } from '../errors.js';
import type { Schema, UserFactorsTable } from '../schema.js';

function toPasskey(row: Selectable<UserFactorsTable>): Passkey {
  const data = JSON.parse(row.data) as { transports?: string[] };
  return {
    id: row.id,
    userId: asUserId(row.user_id),
    label: row.label,
    credentialId: row.credential_id ?? '',
    publicKey: row.public_key ?? '',
    counter: Number(row.sign_count),
    transports: data.transports ?? [],
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  };
}

export function passkeyRepository(db: Kysely<Schema>, clock: Clock): PasskeyRepository {
  return {
    async add(userId, passkey) {
      const row = {
        id: newId('fac_'),
        user_id: userId,
        kind: STORED_KIND.hwk,
        label: passkey.label,
        secret_sealed: null,
        public_key: passkey.publicKey,
        data: JSON.stringify({ ...passkey.data, transports: passkey.transports }),
        created_at: clock.now(),
        last_used_at: null,
        last_used_step: null,
        credential_id: passkey.credentialId,
        sign_count: passkey.counter,
      };
      return insertUnique(db.insertInto('user_factors').values(row).execute(), toPasskey(row), 'credential_id');
    },

    async ofUser(userId) {
      const rows = await db
        .selectFrom('user_factors')
        .selectAll()
        .where('user_id', '=', userId)
        .where('kind', '=', STORED_KIND.hwk)
        .orderBy('created_at')
        .execute();
      return rows.map(toPasskey);
    },

    async findByCredential(credentialId) {
      const row = await db
        .selectFrom('user_factors')
        .selectAll()
        .where('credential_id', '=', credentialId)
        .where('kind', '=', STORED_KIND.hwk)
        .executeTakeFirst();
      return row ? toPasskey(row) : null;
    },

    async recordUse(id, seen, counter) {
      const result = await db
        .updateTable('user_factors')
        .set({ sign_count: counter, last_used_at: clock.now() })
        .where('id', '=', id)
        .where('sign_count', '=', seen)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}
