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
 *   statement (`OidcModelStore.findWithGrant`), and the rows of the other token models
 *   with the same id: introspection looks one value up as an access token, a
 *   client-credentials token and a refresh token at once, which is then one statement,
 *   not three. The request's next lookup of any of them is answered from that read;
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
import type { ModelPayload, ModelWrite, OidcModelStore, TokenWithGrant } from '../persistence/repositories/oidc-models.js';

/** The models a presented token value may be: one lookup of any of them reads all of them. */
const TOKEN_MODELS = ['AccessToken', 'AuthorizationCode', 'ClientCredentials', 'RefreshToken'] as const;
type TokenModel = (typeof TOKEN_MODELS)[number];
const isTokenModel = (model: string): model is TokenModel => (TOKEN_MODELS as readonly string[]).includes(model);

type Found = ModelPayload | undefined;
/** The tokens of every token model with one id, being read (see readTokens). */
class PendingTokens {
  constructor(readonly pending: Promise<Map<string, TokenWithGrant>>) {}
}

interface TokenRequest {
  /** Held writes, by model and id. */
  writes: Map<string, ModelWrite>;
  /**
   * Rows read ahead: `Grant <id>`, `Session uid <uid>`, and the other token models' rows
   * with a token's id (the read of them all, while it runs); a missing row is held as undefined.
   */
  readAhead: Map<string, Found | PendingTokens>;
  /** Bumped whenever what was read ahead is forgotten, so a read that was under way then keeps nothing. */
  generation: number;
}

const key = (...parts: string[]) => parts.join('\u0000');

export interface TokenRequestOptions {
  /** Paths of the requests whose model writes are held and applied together. */
  paths: readonly string[];
  onError: (error: unknown) => void;
  /** The request being answered (the provider's, by default). */
  context?: () => object | undefined;
}

export function tokenRequestStorage(models: OidcModelStore, options: TokenRequestOptions) {
  const requests = new WeakMap<object, TokenRequest>();
  const context = options.context ?? (() => Provider.ctx);
  const current = (): TokenRequest | undefined => {
    const ctx = context();
    return ctx ? requests.get(ctx) : undefined;
  };
  const forget = (request: TokenRequest) => {
    request.readAhead.clear();
    request.generation += 1;
  };
  /** Forgets what was read ahead and applies the held writes (synchronously taken, so no other call sees them held). */
  const apply = (request: TokenRequest | undefined): Promise<void> | undefined => {
    if (!request) return undefined;
    forget(request);
    if (request.writes.size === 0) return undefined;
    const batch = [...request.writes.values()];
    request.writes.clear();
    return models.applyWrites(batch);
  };
  /** Holds `next` when the current request is a token request; else applies it at once. */
  const write = async (next: ModelWrite) => {
    const request = current();
    if (!request) return models.applyWrites([next]);
    const held = key(next.model, next.id);
    if (request.writes.has(held)) await apply(request);
    forget(request);
    request.writes.set(held, next);
  };
  /** Runs `operation` after whatever the current request holds. */
  const after =
    <A extends unknown[], R>(operation: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await apply(current());
      return operation(...args);
    };
  /** A row read ahead for this request, once; `found: false` when none was. */
  const readAhead = (request: TokenRequest | undefined, name: string) => {
    if (!request?.readAhead.has(name)) return { found: false as const };
    const payload = request.readAhead.get(name);
    request.readAhead.delete(name);
    return { found: true as const, payload };
  };
  /**
   * Reads the tokens with id `id` of every token model, with their grants and sessions, in
   * one statement; the other models' answers (pending until the read ends) and the grants
   * and sessions are held for the request's next lookups, unless a write comes first.
   */
  const readTokens = (request: TokenRequest, model: TokenModel, id: string): Promise<Map<string, TokenWithGrant>> => {
    const held = apply(request);
    const generation = request.generation;
    const read = held ? held.then(() => models.findWithGrant(TOKEN_MODELS, id)) : models.findWithGrant(TOKEN_MODELS, id);
    const kept = read.then((found) => {
      if (request.generation !== generation) return found;
      for (const { token, grant, session } of found.values()) {
        if (typeof token?.grantId === 'string') request.readAhead.set(key('Grant', token.grantId), grant);
        if (typeof token?.sessionUid === 'string') request.readAhead.set(key('Session uid', token.sessionUid), session);
      }
      return found;
    });
    // The other models' lookups wait for the same read. Its first caller awaits it, so a failure is never unhandled.
    const shared = new PendingTokens(kept);
    for (const other of TOKEN_MODELS) if (other !== model) request.readAhead.set(key(other, id), shared);
    return kept;
  };

  const batched: OidcModelStore = {
    upsert: (model, id, payload, expiresInSeconds) => write({ op: 'upsert', model, id, payload, expiresInSeconds }),
    consume: (model, id) => write({ op: 'consume', model, id }),
    async find(model, id) {
      const request = current();
      const ahead = readAhead(request, key(model, id));
      if (ahead.found) return ahead.payload instanceof PendingTokens ? (await ahead.payload.pending).get(model)?.token : ahead.payload;
      if (request && isTokenModel(model)) return (await readTokens(request, model, id)).get(model)?.token;
      await apply(request);
      return models.find(model, id);
    },
    async findByUid(model, uid) {
      const request = current();
      const ahead = model === 'Session' ? readAhead(request, key('Session uid', uid)) : { found: false as const };
      // Only token lookups leave a read under way; a session's entry is its row.
      if (ahead.found && !(ahead.payload instanceof PendingTokens)) return ahead.payload;
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
    const request: TokenRequest = { writes: new Map(), readAhead: new Map(), generation: 0 };
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
