/**
 * Everything that keeps an account signed in, ended at once: the account picker's live
 * sessions in every browser, the provider's sessions, and every grant of the account with
 * its tokens. Rows are deleted, not marked: the provider already refuses a refresh token,
 * an access token at UserInfo and introspection, and a session at /authorize whose grant
 * or session row is gone (see docs/security.md for why rows and not a "valid after" time).
 * The applications of each ended session that registered a back-channel logout URI are
 * owed a logout token; those are queued here and sent by a job (jobs/backchannel-logout.ts).
 */
import type { Kysely } from 'kysely';
import type { AccountSessions, BackchannelLogoutQueue } from '../../domain/repositories.js';
import type { UserId } from '../../domain/ids.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { Schema } from '../schema.js';

/** Grants whose tokens are deleted per statement (bounded parameter lists on both engines). */
const GRANTS_PER_STATEMENT = 200;

/** The applications a provider session signed in to, each with the session id it was given (`sid`). */
function authorizationsOf(payload: string): Array<{ clientId: string; sid: string }> {
  const session = JSON.parse(payload) as { authorizations?: Record<string, { sid?: string }> };
  return Object.entries(session.authorizations ?? {}).flatMap(([clientId, a]) => (a.sid ? [{ clientId, sid: a.sid }] : []));
}

export function accountSessions(db: Kysely<Schema>, clock: Clock): AccountSessions {
  return {
    async endAll(userId: UserId, keep?: { portalSession?: string }) {
      const now = clock.now();
      await db.updateTable('remembered_accounts').set({ session_expires_at: null }).where('user_id', '=', userId).execute();
      let ending = db.deleteFrom('portal_sessions').where('user_id', '=', userId);
      if (keep?.portalSession) ending = ending.where('id', '!=', keep.portalSession);
      const portal = await ending.executeTakeFirst();
      const rows = await db
        .selectFrom('oidc_models')
        .select(['model', 'id', 'payload'])
        .where('account_id', '=', userId)
        .where('model', 'in', ['Session', 'Grant'])
        .execute();
      const grants = rows.filter((r) => r.model === 'Grant').map((r) => r.id);
      for (let i = 0; i < grants.length; i += GRANTS_PER_STATEMENT) {
        await db
          .deleteFrom('oidc_models')
          .where('grant_id', 'in', grants.slice(i, i + GRANTS_PER_STATEMENT))
          .execute();
      }
      await db.deleteFrom('oidc_models').where('account_id', '=', userId).where('model', 'in', ['Session', 'Grant']).execute();
      const logouts = rows.filter((r) => r.model === 'Session').flatMap((r) => authorizationsOf(r.payload));
      if (logouts.length > 0) {
        await db
          .insertInto('backchannel_logouts')
          .values(
            logouts.map((l) => ({
              id: newId('bcl_'),
              client_id: l.clientId,
              account_id: userId,
              sid: l.sid,
              created_at: now,
              next_attempt_at: now,
              attempts: 0,
              sent_at: null,
              last_error: null,
            })),
          )
          .execute();
      }
      return { sessions: rows.length - grants.length, grants: grants.length, logouts: logouts.length, portalSessions: Number(portal.numDeletedRows) };
    },
  };
}

export function backchannelLogoutQueue(db: Kysely<Schema>, clock: Clock): BackchannelLogoutQueue {
  return {
    async due(limit) {
      const rows = await db
        .selectFrom('backchannel_logouts')
        .select(['id', 'client_id', 'account_id', 'sid', 'attempts'])
        .where('sent_at', 'is', null)
        .where('next_attempt_at', '<=', clock.now())
        .orderBy('next_attempt_at')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ id: r.id, clientId: r.client_id, accountId: r.account_id, sid: r.sid, attempts: r.attempts }));
    },
    async markSent(id, note) {
      await db
        .updateTable('backchannel_logouts')
        .set({ sent_at: clock.now(), last_error: note ?? null })
        .where('id', '=', id)
        .execute();
    },
    async markFailed(id, error, retryAt) {
      await db
        .updateTable('backchannel_logouts')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          last_error: error,
          next_attempt_at: retryAt ?? clock.now(),
          // Given up: closed like a sent one, its last error kept.
          ...(retryAt === null ? { sent_at: clock.now() } : {}),
        }))
        .where('id', '=', id)
        .execute();
    },
    async forgetClosedBefore(before) {
      const result = await db.deleteFrom('backchannel_logouts').where('sent_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
