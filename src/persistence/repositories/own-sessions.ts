/**
 * A person's own TechPass sessions (domain/repositories.ts `OwnSessions`): the
 * provider's Session rows of the account with what session_browsers recorded of them,
 * and the end of one of them. Ending one deletes rows, as `endAll` does
 * (account-sessions.ts, whose pieces it shares): the provider refuses a refresh token and
 * answers an access token inactive once its grant's rows are gone.
 */
import type { Kysely } from 'kysely';
import type { UserId } from '../../domain/ids.js';
import { sidOfIdToken } from '../../domain/sessions.js';
import type { OwnSessions } from '../../domain/repositories.js';
import type { Clock } from '../../platform/clock.js';
import { precompiledPerDatabase } from '../precompiled.js';
import type { Schema } from '../schema.js';
import { authorizationsOf, deleteGrantTokens, queueLogouts } from './account-sessions.js';

const numberOr = (value: unknown, fallback: number | null) => (typeof value === 'number' ? value : fallback);

const upsertBrowser = precompiledPerDatabase((db, p) =>
  db
    .insertInto('session_browsers')
    .values({
      session_uid: p('sessionUid'),
      user_id: p('userId'),
      ip: p('ip'),
      user_agent: p('userAgent'),
      remembered_ref: p('rememberedRef'),
      signed_in_at: p('now') as unknown as number,
      last_seen_at: p('now') as unknown as number,
    })
    .onConflict((oc) =>
      oc
        .column('session_uid')
        .doUpdateSet((eb) => ({
          last_seen_at: p('now') as unknown as number,
          ip: p('ip'),
          user_agent: p('userAgent'),
          remembered_ref: eb.fn.coalesce(eb.ref('excluded.remembered_ref'), eb.ref('session_browsers.remembered_ref')),
        }))
        .where('session_browsers.user_id', '=', p('userId')),
    ),
);

export function ownSessions(db: Kysely<Schema>, clock: Clock): OwnSessions {
  const sessionsOf = (userId: UserId) =>
    db
      .selectFrom('oidc_models')
      .select(['id', 'uid', 'payload', 'expires_at'])
      .where('model', '=', 'Session')
      .where('account_id', '=', userId)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', clock.now())]))
      .execute();
  return {
    async list(userId) {
      const rows = await sessionsOf(userId);
      const uids = rows.flatMap((r) => (r.uid ? [r.uid] : []));
      const browsers = uids.length
        ? await db.selectFrom('session_browsers').selectAll().where('user_id', '=', userId).where('session_uid', 'in', uids).execute()
        : [];
      const byUid = new Map(browsers.map((b) => [b.session_uid, b]));
      return rows
        .flatMap((r) => {
          if (!r.uid) return [];
          const payload = JSON.parse(r.payload) as { loginTs?: unknown; iat?: unknown };
          const browser = byUid.get(r.uid);
          const loginTs = numberOr(payload.loginTs, numberOr(payload.iat, 0))!;
          return [
            {
              id: r.uid,
              signedInAt: browser?.signed_in_at ?? loginTs * 1000,
              lastSeenAt: browser?.last_seen_at ?? null,
              expiresAt: r.expires_at,
              applications: authorizationsOf(r.payload).map(({ clientId, sid }) => ({ clientId, sid })),
              ip: browser?.ip ?? null,
              userAgent: browser?.user_agent ?? null,
            },
          ];
        })
        .sort((a, b) => b.signedInAt - a.signedInAt);
    },

    async end(userId, id) {
      const row = await db
        .selectFrom('oidc_models')
        .select(['id', 'payload'])
        .where('model', '=', 'Session')
        .where('account_id', '=', userId)
        .where('uid', '=', id)
        .executeTakeFirst();
      if (!row) return null;
      const authorizations = authorizationsOf(row.payload);
      const grants = [...new Set(authorizations.flatMap((a) => (a.grantId ? [a.grantId] : [])))];
      await deleteGrantTokens(db, grants);
      if (grants.length > 0)
        await db.deleteFrom('oidc_models').where('model', '=', 'Grant').where('account_id', '=', userId).where('id', 'in', grants).execute();
      await db.deleteFrom('oidc_models').where('model', '=', 'Session').where('id', '=', row.id).execute();
      await queueLogouts(db, userId, authorizations, clock.now());
      // The account picker's live session in that browser, if the sign-in recorded it.
      const browser = await db
        .selectFrom('session_browsers')
        .select('remembered_ref')
        .where('session_uid', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      let rememberedSession = false;
      if (browser?.remembered_ref) {
        const ended = await db
          .updateTable('remembered_accounts')
          .set({ session_expires_at: null })
          .where('ref', '=', browser.remembered_ref)
          .where('user_id', '=', userId)
          .where('session_expires_at', 'is not', null)
          .executeTakeFirst();
        rememberedSession = Number(ended.numUpdatedRows) > 0;
      }
      await db.deleteFrom('session_browsers').where('session_uid', '=', id).execute();
      // The portal sessions this session signed in (recorded at their sign-in, or named by their ID token's sid).
      const sids = new Set(authorizations.map((a) => a.sid));
      const portal = await db.selectFrom('portal_sessions').select(['id', 'id_token', 'session_uid']).where('user_id', '=', userId).execute();
      const portalIds = portal.filter((p) => p.session_uid === id || sids.has(sidOfIdToken(p.id_token) ?? '')).map((p) => p.id);
      if (portalIds.length > 0) await db.deleteFrom('portal_sessions').where('id', 'in', portalIds).execute();
      return { grants: grants.length, logouts: authorizations.length, portalSessions: portalIds.length, rememberedSession };
    },

    async seen(visit) {
      const now = clock.now();
      const ip = visit.ip?.slice(0, 100) ?? null;
      const userAgent = visit.userAgent?.slice(0, 500) ?? null;
      // One statement on the sign-in's path, compiled once: a new session's row, or the known one seen
      // again (only by its own account: a row never changes hands). Rows of ended sessions go in a job.
      await upsertBrowser(db)({ sessionUid: visit.sessionUid, userId: visit.userId, ip, userAgent, rememberedRef: visit.rememberedRef, now });
    },

    async forgetEnded(limit) {
      const live = db.selectFrom('oidc_models').select('uid').where('model', '=', 'Session').where('uid', 'is not', null);
      const gone = db.selectFrom('session_browsers').select('session_uid').where('session_uid', 'not in', live).limit(limit);
      const deleted = await db.deleteFrom('session_browsers').where('session_uid', 'in', gone).executeTakeFirst();
      return Number(deleted.numDeletedRows);
    },
  };
}
