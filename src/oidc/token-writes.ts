/**
 * One commit per token response. Answering the token endpoint writes up to three
 * rows: a refresh grant consumes the presented refresh token and stores the next one
 * and an access token; a code exchange consumes the code and stores the tokens. Each
 * write on its own is a commit on SQLite and a round trip on PostgreSQL.
 *
 * While the provider answers `POST /token`, the adapter's upserts and consumes are held
 * for that request and applied together (`OidcModelStore.applyWrites`: one transaction,
 * one statement on PostgreSQL) once the answer is ready and before it is sent. So:
 *
 * - a client never holds a token that was not stored: if the writes fail, the answer
 *   becomes a `server_error` and carries no token;
 * - the writes are all-or-nothing: a refresh token is never consumed without its
 *   successor being stored;
 * - anything else the request does with the models (a read, a destroy, a revocation by
 *   grant, a second write of a held row) applies what is held first, so the request
 *   sees its own writes in order, as without the batching.
 */
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import type { ModelWrite, OidcModelStore } from '../persistence/repositories/oidc-models.js';

type Held = Map<string, ModelWrite>;

export function batchTokenWrites(models: OidcModelStore, options: { tokenPath: string; onError: (error: unknown) => void }) {
  const held = new WeakMap<object, Held>();
  const heldNow = (): Held | undefined => {
    const ctx = Provider.ctx;
    return ctx ? held.get(ctx) : undefined;
  };
  const apply = async (writes: Held | undefined) => {
    if (!writes || writes.size === 0) return;
    const batch = [...writes.values()];
    writes.clear();
    await models.applyWrites(batch);
  };
  /** Holds `write` when the current request batches; else applies it at once. */
  const write = async (next: ModelWrite) => {
    const writes = heldNow();
    if (!writes) return models.applyWrites([next]);
    const key = `${next.model}\u0000${next.id}`;
    if (writes.has(key)) await apply(writes);
    writes.set(key, next);
  };
  /** Runs `operation` after whatever the current request holds. */
  const after =
    <A extends unknown[], R>(operation: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await apply(heldNow());
      return operation(...args);
    };

  const batched: OidcModelStore = {
    upsert: (model, id, payload, expiresInSeconds) => write({ op: 'upsert', model, id, payload, expiresInSeconds }),
    consume: (model, id) => write({ op: 'consume', model, id }),
    find: after(models.find),
    findByUid: after(models.findByUid),
    findByUserCode: after(models.findByUserCode),
    destroy: after(models.destroy),
    revokeByGrantId: after(models.revokeByGrantId),
    applyWrites: after(models.applyWrites),
    claimOnce: after(models.claimOnce),
    deleteExpired: models.deleteExpired,
  };

  /** Provider middleware: holds the writes of each `POST /token` and applies them before the answer goes out. */
  const middleware = async (ctx: KoaContextWithOIDC, next: () => Promise<unknown>) => {
    if (ctx.method !== 'POST' || ctx.path !== options.tokenPath) return next();
    const writes: Held = new Map();
    held.set(ctx, writes);
    try {
      await next();
    } finally {
      held.delete(ctx);
      try {
        await apply(writes);
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
