/**
 * Vendor accounts of a namespace (namespace_vendors, namespace-owned) and their
 * one-time activation codes (vendor_activation_codes). Migration 0018.
 */
import { createHmac } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { NamespaceId, UserId } from '../../domain/ids.js';
import type { ActivationCodes, StoredActivationCode, VendorAccount, VendorRepository } from '../../domain/vendors.js';
import type { Clock } from '../../platform/clock.js';
import { constantTimeEqual, type MasterKey } from '../../platform/secrets.js';
import type { Schema, VendorActivationCodesTable } from '../schema.js';
import { toUser } from './users.js';

const stored = (row: Pick<Selectable<VendorActivationCodesTable>, 'expires_at' | 'used_at' | 'created_at'>): StoredActivationCode => ({
  expiresAt: Number(row.expires_at),
  usedAt: row.used_at === null ? null : Number(row.used_at),
  createdAt: Number(row.created_at),
});

export function vendorRepository(db: Kysely<Schema>, clock: Clock, namespaceId: NamespaceId): VendorRepository {
  const select = () =>
    db
      .selectFrom('namespace_vendors')
      .innerJoin('users', 'users.id', 'namespace_vendors.user_id')
      .leftJoin('vendor_activation_codes', 'vendor_activation_codes.user_id', 'namespace_vendors.user_id')
      .selectAll('users')
      .select([
        'namespace_vendors.created_by as vendor_created_by',
        'namespace_vendors.created_at as vendor_created_at',
        'vendor_activation_codes.expires_at as code_expires_at',
        'vendor_activation_codes.used_at as code_used_at',
        'vendor_activation_codes.created_at as code_created_at',
      ])
      .where('namespace_vendors.namespace_id', '=', namespaceId);
  type Row = Awaited<ReturnType<ReturnType<typeof select>['execute']>>[number];
  const toVendor = (row: Row): VendorAccount => {
    const { vendor_created_by, vendor_created_at, code_expires_at, code_used_at, code_created_at, ...user } = row;
    return {
      user: toUser(user),
      createdBy: vendor_created_by,
      createdAt: Number(vendor_created_at),
      code:
        code_expires_at === null || code_created_at === null
          ? null
          : stored({ expires_at: code_expires_at, used_at: code_used_at, created_at: code_created_at }),
    };
  };
  return {
    async add(userId, createdBy) {
      await db
        .insertInto('namespace_vendors')
        .values({ namespace_id: namespaceId, user_id: userId, created_by: createdBy, created_at: clock.now() })
        .execute();
    },
    async get(userId: UserId) {
      const row = await select().where('namespace_vendors.user_id', '=', userId).executeTakeFirst();
      return row ? toVendor(row) : null;
    },
    async list() {
      const rows = await select().orderBy('namespace_vendors.created_at').orderBy('namespace_vendors.user_id').execute();
      return rows.map(toVendor);
    },
  };
}

export function activationCodes(db: Kysely<Schema>, clock: Clock, masterKey: MasterKey): ActivationCodes {
  const key = masterKey.derive('vendor-activation-codes');
  // Bound to the account, so one account's digest says nothing about another's code.
  const digest = (userId: UserId, code: string) => createHmac('sha256', key).update(`${userId}:${code}`).digest('base64url');
  const row = (userId: UserId) =>
    db
      .selectFrom('vendor_activation_codes')
      .select(['digest', 'expires_at', 'used_at', 'created_at'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
  return {
    async issue(userId, code, expiresAt) {
      const now = clock.now();
      const values = { user_id: userId, digest: digest(userId, code), expires_at: expiresAt, used_at: null, created_at: now };
      await db
        .insertInto('vendor_activation_codes')
        .values(values)
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ digest: values.digest, expires_at: expiresAt, used_at: null, created_at: now }))
        .execute();
      await db.updateTable('users').set({ failed_sign_ins: 0, locked_at: null, updated_at: now }).where('id', '=', userId).execute();
    },
    async find(userId) {
      const found = await row(userId);
      return found ? stored(found) : null;
    },
    async matches(userId, code) {
      const found = await row(userId);
      // Without a code, the comparison is still made, so the time spent says nothing.
      return constantTimeEqual(found?.digest ?? digest(userId, ''), digest(userId, code)) && found !== undefined;
    },
    async consume(userId, code, now) {
      const result = await db
        .updateTable('vendor_activation_codes')
        .set({ used_at: now })
        .where('user_id', '=', userId)
        .where('digest', '=', digest(userId, code))
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}
