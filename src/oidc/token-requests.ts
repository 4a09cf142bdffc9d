/**
 * How the token endpoint, UserInfo and introspection read and write the provider's
 * models: as few statements as the answer needs. A refresh reads the token, then the
 * session it is bound to, then its grant (UserInfo and introspection read a token the
 * same way); and it writes three rows: the presented token consumed, the next refresh
 * token, the access token. Each is a statement of its own (a commit on SQLite, a round
 * trip on PostgreSQL).
 *
 * While the provider answers one of those requests:
 *
 * - finding a token or a code also reads its grant and its session, in the same
 *   statement (`OidcModelStore.findWithGrant`); the request's next lookup of
 *   either is answered from that read;
 * - the adapter's upserts and consumes are held for the request and applied together
 *   (`OidcModelStore.applyWrites`: one transaction, one statement on PostgreSQL) once
 *   the answer is ready and before it is sent. A client never holds a token that was
 *   not stored: if the writes fail, the answer becomes a `server_error` and carries no
 *   token. And they are all-or-nothing: a refresh token is never consumed without its
 *   successor being stored;
 * - anything else the request does with the models (a read, a destroy, a revocation by
 *   grant, a second write of a held row) applies what is held first and forgets what
 *   was read ahead, so the request sees its own writes in order, as without all this.
 */
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import type { ModelPayload, ModelWrite, OidcModelStore } from '../persistence/repositories/oidc-models.js';

/** Tokens whose grant and session these endpoints read right after them. */
const READ_WITH_GRANT = new Set(['RefreshToken', 'AuthorizationCode', 'AccessToken']);

interface TokenRequest {
  /** Held writes, by model and id. */
  writes: Map<string, ModelWrite>;
  /** Rows read ahead: `Grant <id>` and `Session uid <uid>`; a missing row is held as undefined. */
  readAhead: Map<string, ModelPayload | undefined>;
}

const key = (...parts: string[]) => parts.join('\u0000');

export function tokenRequestStorage(models: OidcModelStore, options: { paths: readonly string[]; onError: (error: unknown) => void }) {
  const requests = new WeakMap<object, TokenRequest>();
  const current = (): TokenRequest | undefined => {
    const ctx = Provider.ctx;
    return ctx ? requests.get(ctx) : undefined;
  };
  const apply = async (request: TokenRequest | undefined) => {
    if (!request) return;
    request.readAhead.clear();
    if (request.writes.size === 0) return;
    const batch = [...request.writes.values()];
    request.writes.clear();
    await models.applyWrites(batch);
  };
  /** Holds `write` when the current request is a token request; else applies it at once. */
  const write = async (next: ModelWrite) => {
    const request = current();
    if (!request) return models.applyWrites([next]);
    const held = key(next.model, next.id);
    if (request.writes.has(held)) await apply(request);
    request.readAhead.clear();
    request.writes.set(held, next);
  };
  /** Runs `operation` after whatever the current request holds. */
  const after =
    <A extends unknown[], R>(operation: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await apply(current());
      return operation(...args);
    };
  /** A row read ahead for this request, once; `found: false` when none was (every write forgets them all). */
  const readAhead = (request: TokenRequest | undefined, name: string) => {
    if (!request?.readAhead.has(name)) return { found: false as const };
    const payload = request.readAhead.get(name);
    request.readAhead.delete(name);
    return { found: true as const, payload };
  };

  const batched: OidcModelStore = {
    upsert: (model, id, payload, expiresInSeconds) => write({ op: 'upsert', model, id, payload, expiresInSeconds }),
    consume: (model, id) => write({ op: 'consume', model, id }),
    async find(model, id) {
      const request = current();
      const ahead = readAhead(request, key(model, id));
      if (ahead.found) return ahead.payload;
      await apply(request);
      if (!request || !READ_WITH_GRANT.has(model)) return models.find(model, id);
      const { token, grant, session } = await models.findWithGrant(model, id);
      if (typeof token?.grantId === 'string') request.readAhead.set(key('Grant', token.grantId), grant);
      if (typeof token?.sessionUid === 'string') request.readAhead.set(key('Session uid', token.sessionUid), session);
      return token;
    },
    async findByUid(model, uid) {
      const request = current();
      const ahead = model === 'Session' ? readAhead(request, key('Session uid', uid)) : { found: false as const };
      if (ahead.found) return ahead.payload;
      await apply(request);
      return models.findByUid(model, uid);
    },
    findByUserCode: after(models.findByUserCode),
    findWithGrant: after(models.findWithGrant),
    destroy: after(models.destroy),
    revokeByGrantId: after(models.revokeByGrantId),
    applyWrites: after(models.applyWrites),
    claimOnce: after(models.claimOnce),
    deleteExpired: models.deleteExpired,
  };

  /** Provider middleware: a token request's state, and its held writes applied before the answer goes out. */
  const middleware = async (ctx: KoaContextWithOIDC, next: () => Promise<unknown>) => {
    if (!options.paths.includes(ctx.path)) return next();
    const request: TokenRequest = { writes: new Map(), readAhead: new Map() };
    requests.set(ctx, request);
    try {
      await next();
    } finally {
      requests.delete(ctx);
      try {
        await apply(request);
      } catch (error) {
        // Nothing of the answer may go out: its tokens were not stored.
        ctx.status = 500;
        ctx.set('cache-control', 'no-store');
        ctx.body = { error: 'server_error', error_description: 'oops! something went wrong' };
        options.onError(error);
      }
    }
  };

  return { models: batched, middleware };
}
