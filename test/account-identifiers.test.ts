/**
 * One identifier, one account: an e-mail and a username share one namespace of
 * TechPass IDs, so a username can never be another account's e-mail (or the
 * reverse), in any case, even when two accounts are created at the same moment;
 * and accounts made before the rule are carried over by the migration.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateTo } from '../src/persistence/migrator.js';
import { openDatabase } from '../src/persistence/store.js';
import { runCli, type CliResult } from './helpers/cli.js';
import { engine, freshDatabaseTarget } from './helpers/database.js';
import { nodeEnv, startTestServer, type TestServer } from './helpers/server.js';

const PASSWORD = 'Correct-Horse-Battery-9';

const createUser = (env: Record<string, string>, email: string, username?: string) =>
  runCli(
    [
      'user',
      'create',
      '--email',
      email,
      ...(username ? ['--username', username] : []),
      '--given-name',
      'Test',
      '--family-name',
      'Person',
      '--password',
      PASSWORD,
      '--json',
    ],
    env,
  );

/** A refusal: exit 1, `user.exists` naming the field, one line on stderr. */
function refused(res: CliResult, field: 'email' | 'username') {
  expect(res.code, res.stdout).toBe(1);
  expect(res.json).toMatchObject({ error: 'user.exists', field });
  expect(res.stderr.trim().split('\n')).toHaveLength(1);
}

describe(`account identifiers (${engine})`, () => {
  let tp: TestServer;
  beforeAll(async () => {
    tp = await startTestServer();
  });
  afterAll(() => tp?.close());

  it("refuses a username that is another account's e-mail, in any case, and creates nothing", async () => {
    const jane = await createUser(tp.env, 'jane.lim@agency.gov.sg');
    expect(jane.code, jane.stderr).toBe(0);

    refused(await createUser(tp.env, 'mallory@vendor.com.sg', 'jane.lim@agency.gov.sg'), 'username');
    refused(await createUser(tp.env, 'mallory@vendor.com.sg', 'Jane.Lim@AGENCY.gov.sg'), 'username');
    expect(await tp.server.store.users.findByLogin('mallory@vendor.com.sg')).toBeNull();
    expect((await tp.server.store.users.findByLogin('jane.lim@agency.gov.sg'))?.givenName).toBe('Test');
    expect((await tp.server.store.users.findByLogin('jane.lim@agency.gov.sg'))?.id).toBe((jane.json as { id: string }).id);
  });

  it("refuses an e-mail that is another account's username, in any case", async () => {
    const vendor = await createUser(tp.env, 'ravi@vendor.com.sg', 'ravi.kumar@contractor.sg');
    expect(vendor.code, vendor.stderr).toBe(0);
    expect(vendor.json).toMatchObject({ techpassId: 'ravi.kumar@contractor.sg' });

    refused(await createUser(tp.env, 'ravi.kumar@contractor.sg'), 'email');
    refused(await createUser(tp.env, 'RAVI.Kumar@Contractor.SG'), 'email');
    // The e-mail of one account is not free as another's username either, nor a username twice.
    refused(await createUser(tp.env, 'other@vendor.com.sg', 'ravi@vendor.com.sg'), 'username');
    refused(await createUser(tp.env, 'other@vendor.com.sg', 'Ravi.Kumar@contractor.sg'), 'username');
    expect(await tp.server.store.users.findByLogin('other@vendor.com.sg')).toBeNull();
    // An account's username may be its own e-mail: one identifier, one account.
    const self = await createUser(tp.env, 'same.self@vendor.com.sg', 'same.self@vendor.com.sg');
    expect(self.code, self.stderr).toBe(0);
  });

  it('lets only one of two accounts created at the same moment take one identifier', async () => {
    for (let round = 0; round < 3; round += 1) {
      const shared = `race${round}@agency.gov.sg`;
      const [byEmail, byUsername] = await Promise.all([
        createUser(tp.env, shared),
        createUser(tp.env, `racer${round}@vendor.com.sg`, shared.toUpperCase()),
      ]);
      expect([byEmail.code, byUsername.code].sort(), `${byEmail.stderr} ${byUsername.stderr}`).toEqual([0, 1]);
      const loser = byEmail.code === 1 ? byEmail : byUsername;
      expect(loser.json).toMatchObject({ error: 'user.exists' });
      const owner = await tp.server.store.users.findByLogin(shared);
      const winner = (byEmail.code === 0 ? byEmail : byUsername).json as { id: string };
      expect(owner?.id).toBe(winner.id);
      // The loser left nothing behind, not even its other identifier.
      if (byUsername.code === 1) expect(await tp.server.store.users.findByLogin(`racer${round}@vendor.com.sg`)).toBeNull();
    }
  });
});

describe(`account identifiers of an earlier release (${engine})`, () => {
  it("carries existing accounts over: a username that is another account's e-mail is cleared, the rest are taken", async () => {
    const target = await freshDatabaseTarget();
    const env = await nodeEnv(target);
    const database = openDatabase(target);
    try {
      // The schema before identifiers were one namespace, holding the collision it allowed.
      await migrateTo(database, '0009-account-sessions');
      const row = (id: string, email: string, username: string | null) => ({
        id,
        email,
        username,
        given_name: 'Old',
        family_name: 'Account',
        account_type: 'officer',
        status: 'active',
        failed_sign_ins: 0,
        created_at: 1,
        updated_at: 1,
        status_changed_at: 1,
      });
      await database.db
        .insertInto('users')
        .values([
          row('usr_owner', 'shared@agency.gov.sg', null),
          row('usr_squatter', 'squatter@vendor.com.sg', 'shared@agency.gov.sg'),
          row('usr_vendor', 'vendor@vendor.com.sg', 'vendor.local'),
        ])
        .execute();
    } finally {
      await database.close();
    }

    const migrated = await runCli(['migrate', '--json'], env);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect((migrated.json as { applied: string[] }).applied).toContain('0010-user-identifiers');

    const after = openDatabase(target);
    try {
      // Sorted here: PostgreSQL's collation may order punctuation differently.
      const byText =
        <T>(key: (row: T) => string) =>
        (a: T, b: T) =>
          key(a) < key(b) ? -1 : 1;
      const users = await after.db.selectFrom('users').select(['id', 'username']).execute();
      expect(users.sort(byText((r) => r.id))).toEqual([
        { id: 'usr_owner', username: null },
        { id: 'usr_squatter', username: null },
        { id: 'usr_vendor', username: 'vendor.local' },
      ]);
      const identifiers = await after.db.selectFrom('user_identifiers').select(['identifier', 'user_id']).execute();
      expect(identifiers.sort(byText((r) => r.identifier))).toEqual([
        { identifier: 'shared@agency.gov.sg', user_id: 'usr_owner' },
        { identifier: 'squatter@vendor.com.sg', user_id: 'usr_squatter' },
        { identifier: 'vendor.local', user_id: 'usr_vendor' },
        { identifier: 'vendor@vendor.com.sg', user_id: 'usr_vendor' },
      ]);
    } finally {
      await after.close();
    }

    // The carried-over identifiers are taken for new accounts too.
    refused(await createUser(env, 'new@vendor.com.sg', 'VENDOR.local'), 'username');
    refused(await createUser(env, 'new@vendor.com.sg', 'squatter@vendor.com.sg'), 'username');
    const fresh = await createUser(env, 'new@vendor.com.sg', 'new.local');
    expect(fresh.code, fresh.stderr).toBe(0);
  });
});
