/**
 * The token endpoint's, UserInfo's and introspection's reads and writes of the provider's
 * models (src/oidc/token-requests.ts), on both engines, against the real store: which
 * statements a request runs, and that reading ahead never answers from a row older than
 * the request's own writes. Each request is driven through the storage's middleware, as
 * the provider does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { ManualClock } from '../src/platform/clock.js';
import { MasterKey } from '../src/platform/secrets.js';
import { createStore, openDatabase, type Store } from '../src/persistence/store.js';
import type { OidcModelStore } from '../src/persistence/repositories/oidc-models.js';
import { tokenRequestStorage } from '../src/oidc/token-requests.js';
import { engine, freshDatabaseTarget } from './helpers/database.js';

describe(`token request storage (${engine})`, () => {
  let store: Store;
  beforeAll(async () => {
    store = createStore(openDatabase(await freshDatabaseTarget()), new ManualClock(Date.now()), MasterKey.generate());
    await store.migrate();
  });
  afterAll(() => store?.close());

  /** The storage over the real model store, with every call the store receives listed in `calls`. */
  function storage(override: Partial<OidcModelStore> = {}) {
    const calls: string[] = [];
    const real = store.oidcModels;
    const counted = Object.fromEntries(
      Object.entries(real).map(([name, method]) => [
        name,
        (...args: unknown[]) => {
          calls.push(`${name} ${args.filter((arg) => typeof arg === 'string').join(' ')}`.trim());
          const own = override[name as keyof OidcModelStore] as ((...a: unknown[]) => unknown) | undefined;
          return (own ?? (method as (...a: unknown[]) => unknown))(...args);
        },
      ]),
    ) as unknown as OidcModelStore;
    let ctx: object | undefined;
    const errors: unknown[] = [];
    const tokens = tokenRequestStorage(counted, { paths: ['/introspect'], onError: (error) => errors.push(error), context: () => ctx });
    /** Runs `work` as one request to `path`, as the provider's middleware would. */
    const request = async <T>(path: string, work: () => Promise<T>): Promise<{ answer: T; ctx: Record<string, unknown> }> => {
      const current: Record<string, unknown> = { path, set: (name: string, value: string) => (current[name] = value) };
      ctx = current;
      let answer: T | undefined;
      try {
        await tokens.middleware(current as unknown as KoaContextWithOIDC, async () => {
          answer = await work();
        });
      } finally {
        ctx = undefined;
      }
      return { answer: answer as T, ctx: current };
    };
    return { models: tokens.models, calls, errors, request };
  }

  async function seedToken(id: string) {
    await store.oidcModels.upsert('Grant', `grant-${id}`, { kind: 'Grant', accountId: 'u1' }, 600);
    await store.oidcModels.upsert('Session', `session-${id}`, { kind: 'Session', uid: `uid-${id}`, accountId: 'u1' }, 600);
    await store.oidcModels.upsert('AccessToken', id, { kind: 'AccessToken', grantId: `grant-${id}`, sessionUid: `uid-${id}` }, 600);
  }

  it('looks one token value up as an access token, a client-credentials token and a refresh token in one statement', async () => {
    await seedToken('at-1');
    const { models, calls, request } = storage();
    const { answer } = await request('/introspect', async () => {
      // What introspection asks without a token_type_hint, all at once.
      const [access, credentials, refresh] = await Promise.all([
        models.find('AccessToken', 'at-1'),
        models.find('ClientCredentials', 'at-1'),
        models.find('RefreshToken', 'at-1'),
      ]);
      // Then the grant, and the session the token is bound to: read with it.
      const grant = await models.find('Grant', 'grant-at-1');
      const session = await models.findByUid('Session', 'uid-at-1');
      return { access, credentials, refresh, grant, session };
    });
    expect(answer).toEqual({
      access: { kind: 'AccessToken', grantId: 'grant-at-1', sessionUid: 'uid-at-1' },
      credentials: undefined,
      refresh: undefined,
      grant: { kind: 'Grant', accountId: 'u1' },
      session: { kind: 'Session', uid: 'uid-at-1', accountId: 'u1' },
    });
    expect(calls).toEqual(['findWithGrant at-1']);
  });

  it('reads again, once its held writes are applied, what a write came after', async () => {
    await seedToken('at-2');
    const { models, calls, request } = storage();
    const { answer } = await request('/introspect', async () => {
      const access = await models.find('AccessToken', 'at-2');
      // A write of the row read ahead (held for the request): the next lookup must see it.
      await models.upsert('ClientCredentials', 'at-2', { kind: 'ClientCredentials', v: 2 }, 60);
      const credentials = await models.find('ClientCredentials', 'at-2');
      return { access, credentials };
    });
    expect(answer.credentials).toEqual({ kind: 'ClientCredentials', v: 2 });
    expect(calls).toEqual(['findWithGrant at-2', 'applyWrites', 'findWithGrant at-2']);
    await store.oidcModels.destroy('ClientCredentials', 'at-2');
  });

  it('keeps nothing of a read that a write overtook', async () => {
    await seedToken('at-3');
    const { models, calls, request } = storage();
    const { answer } = await request('/introspect', async () => {
      const reading = models.find('AccessToken', 'at-3');
      // The grant is changed while the token (with its grant) is still being read.
      const writing = models.upsert('Grant', 'grant-at-3', { kind: 'Grant', accountId: 'u1', v: 2 }, 600);
      await Promise.all([reading, writing]);
      return { grant: await models.find('Grant', 'grant-at-3'), refresh: await models.find('RefreshToken', 'at-3') };
    });
    expect(answer).toEqual({ grant: { kind: 'Grant', accountId: 'u1', v: 2 }, refresh: undefined });
    expect(calls).toEqual(['findWithGrant at-3', 'applyWrites', 'find Grant grant-at-3', 'findWithGrant at-3']);
  });

  it('gives a failed read to every lookup that waited for it, and to no one else', async () => {
    const { models, request } = storage({ findWithGrant: () => Promise.reject(new Error('database gone')) });
    const { answer } = await request('/introspect', async () => {
      const lookups = await Promise.allSettled([models.find('AccessToken', 'x'), models.find('ClientCredentials', 'x')]);
      // RefreshToken's read-ahead answer is never asked for: it must not surface as an unhandled rejection.
      return lookups.map((lookup) => lookup.status);
    });
    expect(answer).toEqual(['rejected', 'rejected']);
    // Give an unhandled rejection the chance to be reported (vitest fails the run on one).
    await new Promise((resolve) => setTimeout(resolve, 20));
  });

  it('reads models one by one outside the requests it answers for', async () => {
    await seedToken('at-4');
    const { models, calls, request } = storage();
    const outside = await models.find('AccessToken', 'at-4');
    const { answer: other } = await request('/token', () => models.find('AccessToken', 'at-4'));
    expect(outside).toEqual(other);
    expect(calls).toEqual(['find AccessToken at-4', 'find AccessToken at-4']);
  });
});
