/**
 * Precompiled statements (src/persistence/precompiled.ts) run outside Kysely's driver on
 * both engines: synchronously on SQLite, as named prepared statements on PostgreSQL. What
 * a caller sees must be what Kysely would answer: rows, affected-row counts, errors, and
 * a connection that is free again after each statement, failed ones included.
 */
import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.js';
import { MasterKey } from '../src/platform/secrets.js';
import { param, precompiled, precompiledPerDatabase, transactionOf } from '../src/persistence/precompiled.js';
import { createStore, openDatabase, type Database, type Store } from '../src/persistence/store.js';
import { engine, freshDatabaseTarget } from './helpers/database.js';

describe(`precompiled statements (${engine})`, () => {
  let store: Store;
  let database: Database;
  beforeAll(async () => {
    const target = await freshDatabaseTarget();
    // One pooled connection on PostgreSQL: every statement below shares it, so a statement
    // that did not give it back would stall the next one.
    database = openDatabase(target.engine === 'postgres' ? { ...target, poolSize: 1 } : target);
    store = createStore(database, new ManualClock(Date.UTC(2026, 11, 2)), MasterKey.generate());
    await store.migrate();
  });
  afterAll(() => store?.close());

  // Every value of a precompiled statement is a named placeholder; these tests fill in `model` with 'Probe'.
  const inserting = (p: typeof param) => ({ model: p('model'), id: p('id'), payload: p('payload') });
  const probe = { model: 'Probe' };

  it('answers rows and affected-row counts as Kysely does', async () => {
    const db = database.db;
    const insert = precompiled(db, (p) => db.insertInto('oidc_models').values(inserting(p)));
    const read = precompiled(db, (p) =>
      db.selectFrom('oidc_models').select(['id', 'payload']).where('model', '=', p('model')).where('id', '=', p('id')),
    );
    const touch = precompiled(db, (p) =>
      db
        .updateTable('oidc_models')
        .set({ payload: p('payload') })
        .where('model', '=', p('model')),
    );

    await insert({ ...probe, id: 'a', payload: '1' });
    await insert({ ...probe, id: 'b', payload: '2' });
    expect((await read({ ...probe, id: 'a' })).rows).toEqual([{ id: 'a', payload: '1' }]);
    expect((await read({ ...probe, id: 'nothing' })).rows).toEqual([]);
    const updated = await touch({ ...probe, payload: '3' });
    expect(updated.numAffectedRows).toBe(2n);
    expect((await read({ ...probe, id: 'b' })).rows).toEqual([{ id: 'b', payload: '3' }]);
    // The same answers through Kysely itself.
    expect(await db.selectFrom('oidc_models').select(['id', 'payload']).where('model', '=', 'Probe').orderBy('id').execute()).toEqual([
      { id: 'a', payload: '3' },
      { id: 'b', payload: '3' },
    ]);
  });

  it('answers each column as Kysely does: numbers, nulls, and the columns of a JOIN under their own names', async () => {
    const db = database.db;
    await db
      .insertInto('oidc_models')
      .values({ model: 'Probe', id: 'typed', payload: '{}', expires_at: 1_790_000_000_000, consumed_at: null })
      .execute();
    const read = precompiled(db, (p) =>
      db
        .selectFrom('oidc_models as t')
        .leftJoin('oidc_models as other', (join) => join.on('other.model', '=', p('model')).on('other.id', '=', p('none')))
        .select(['t.id', 't.expires_at', 't.consumed_at', 'other.payload as other_payload'])
        .where('t.model', '=', p('model'))
        .where('t.id', '=', p('id')),
    );
    const values = { ...probe, id: 'typed', none: 'no-such-row' };
    const expected = [{ id: 'typed', expires_at: 1_790_000_000_000, consumed_at: null, other_payload: null }];
    // Twice: the second answer is built from the shape the first one kept (PostgreSQL).
    expect((await read(values)).rows).toEqual(expected);
    expect((await read(values)).rows).toEqual(expected);
    expect(await db.executeQuery(CompiledQuery.raw(read.bind(values).sql, read.bind(values).parameters))).toMatchObject({ rows: expected });
  });

  it('rejects a failing statement with the engine error, and the next statement still runs', async () => {
    const db = database.db;
    const insert = precompiled(db, (p) => db.insertInto('oidc_models').values(inserting(p)));
    const backend = async () => (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0]?.pid;
    await insert({ ...probe, id: 'dup', payload: '1' });
    const before = engine === 'postgres' ? await backend() : undefined;
    const failure = await insert({ ...probe, id: 'dup', payload: '2' }).then(
      () => null,
      (error: unknown) => error as { code?: string },
    );
    expect(failure?.code).toBe(engine === 'postgres' ? '23505' : 'SQLITE_CONSTRAINT_PRIMARYKEY');
    // Nothing changed, and the (only) connection is free.
    const read = precompiled(db, (p) => db.selectFrom('oidc_models').select('payload').where('model', '=', p('model')).where('id', '=', p('id')));
    expect((await read({ ...probe, id: 'dup' })).rows).toEqual([{ payload: '1' }]);
    // A refused statement is an answer, not a broken connection: the pool keeps it.
    if (engine === 'postgres') expect(await backend()).toBe(before);
  });

  it.runIf(engine === 'postgres')('is a named prepared statement on PostgreSQL, parsed once per connection', async () => {
    const db = database.db;
    const read = precompiled(db, (p) => db.selectFrom('oidc_models').select('id').where('model', '=', p('model')).where('id', '=', p('id')));
    for (let i = 0; i < 3; i += 1) await read({ ...probe, id: 'a' });
    // pg_prepared_statements lists the statements of this session: the pool's only connection.
    const { rows } = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(db);
    const mine = rows.filter((r) => r.statement === read.bind({ id: 'a' }).sql);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.name).toMatch(/^techpass_\d+$/);
  });

  it('runs a statement compiled once per database inside transactions: it commits or rolls back with them', async () => {
    const db = database.db;
    let compiled = 0;
    const insert = precompiledPerDatabase((of, p) => {
      compiled += 1;
      return of.insertInto('oidc_models').values(inserting(p));
    });
    const read = precompiledPerDatabase((of, p) => of.selectFrom('oidc_models').select('payload').where('model', '=', p('model')).where('id', '=', p('id')));
    await transactionOf(db, async (tx) => {
      await insert(tx)({ ...probe, id: 'tx-1', payload: 'kept' });
      // Inside, the transaction sees its own row.
      expect((await read(tx)({ ...probe, id: 'tx-1' })).rows).toEqual([{ payload: 'kept' }]);
    });
    const failure = await transactionOf(db, async (tx) => {
      await insert(tx)({ ...probe, id: 'tx-2', payload: 'rolled back' });
      // The same statement again in the same transaction: a duplicate key, so all of it rolls back.
      await insert(tx)({ ...probe, id: 'tx-1', payload: 'duplicate' });
    }).then(
      () => null,
      (error: unknown) => error as { code?: string },
    );
    expect(failure?.code).toBe(engine === 'postgres' ? '23505' : 'SQLITE_CONSTRAINT_PRIMARYKEY');
    // Through the store's transactions too: the audit log, made per transaction, appends with its statements.
    await store.transaction((repositories) => repositories.audit.append({ actor: 'probe', action: 'probe.kept' }));
    await store
      .transaction(async (repositories) => {
        await repositories.audit.append({ actor: 'probe', action: 'probe.rolled_back' });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    const actions = (await store.audit.list({ limit: 1000 })).map((e) => e.action);
    expect(actions).toContain('probe.kept');
    expect(actions).not.toContain('probe.rolled_back');
    await transactionOf(db, async (tx) => insert(tx)({ ...probe, id: 'tx-3', payload: 'kept' }));
    expect((await read(db)({ ...probe, id: 'tx-1' })).rows).toEqual([{ payload: 'kept' }]);
    expect((await read(db)({ ...probe, id: 'tx-2' })).rows).toEqual([]);
    expect((await read(db)({ ...probe, id: 'tx-3' })).rows).toEqual([{ payload: 'kept' }]);
    // Built and compiled once, for the database, not once per transaction.
    expect(compiled).toBe(1);
  });
});
