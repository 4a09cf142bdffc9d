/**
 * The library members TechPass patches (src/oidc/patches/, src/persistence/patches/):
 * the start-up checks pass against the installed libraries, a library lacking a member
 * fails them with a message naming the library, its version, the member and the module to
 * update, and what the patches promise still happens. Also: crypto.subtle is left as
 * Node made it.
 */
import { webcrypto } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { Kysely, SqliteDialect, sql } from 'kysely';
import * as client from 'openid-client';
import Provider from 'oidc-provider';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLibraryPatches } from '../src/cli/library-patches.js';
import { checkOidcProvider, checkOidcProviderExports, patchOidcProvider } from '../src/oidc/patches/oidc-provider.js';
import { cachePreparedStatements, checkBetterSqlite3 } from '../src/persistence/patches/better-sqlite3.js';
import { checkPg } from '../src/persistence/patches/pg.js';
import { generateSigningJwk } from '../src/platform/jwk.js';
import { engine } from './helpers/database.js';
import { application, namespace } from './helpers/directory.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/** A provider as oidc-provider builds it, not yet patched. */
function freshProvider(): Provider {
  return new Provider('http://127.0.0.1:1', {
    jwks: { keys: [{ ...generateSigningJwk('ES256'), kid: 'k1', alg: 'ES256', use: 'sig' }] as never },
    features: { devInteractions: { enabled: false } },
  });
}

describe('library patches: the start-up checks', () => {
  it('pass against the installed oidc-provider, better-sqlite3 and pg', () => {
    expect(() => checkOidcProvider(freshProvider())).not.toThrow();
    expect(() => checkOidcProviderExports()).not.toThrow();
    expect(() => checkBetterSqlite3()).not.toThrow();
    expect(() => checkPg()).not.toThrow();
    expect(() => checkLibraryPatches('sqlite')).not.toThrow();
    expect(() => checkLibraryPatches('postgres')).not.toThrow();
  });

  it('fail naming the library, its version, the member and the module when oidc-provider lacks ReplayDetection.unique', () => {
    const provider = freshProvider();
    const stub = { Client: provider.Client, ReplayDetection: class {} };
    expect(() => checkOidcProvider(stub, '10.0.0')).toThrow(
      'oidc-provider 10.0.0: TechPass patches ReplayDetection.unique (expected a function of 3 arguments), ' +
        'but this version of oidc-provider does not have it so. ' +
        'Review and update src/oidc/patches/oidc-provider.ts, and the exact version of oidc-provider pinned in package.json.',
    );
  });

  it('fail when a member changed shape: clientAuthMethod a plain method, compareClientSecret taking two arguments', () => {
    const provider = freshProvider();
    class MethodNotGetter extends provider.Client {}
    Object.defineProperty(MethodNotGetter.prototype, 'clientAuthMethod', { value: () => 'none' });
    expect(() => checkOidcProvider({ Client: MethodNotGetter, ReplayDetection: provider.ReplayDetection })).toThrow(
      /oidc-provider \d+\.\d+\.\d+: TechPass patches Client\.prototype\.clientAuthMethod \(expected a getter\)/,
    );
    class TwoArguments extends provider.Client {
      override compareClientSecret(actual: string, _more?: unknown) {
        return super.compareClientSecret(actual);
      }
    }
    Object.defineProperty(TwoArguments.prototype.compareClientSecret, 'length', { value: 2 });
    expect(() => checkOidcProvider({ Client: TwoArguments, ReplayDetection: provider.ReplayDetection })).toThrow(
      /Client\.prototype\.compareClientSecret \(expected a function of 1 argument\)/,
    );
    expect(() => checkOidcProvider({ Client: undefined, ReplayDetection: provider.ReplayDetection })).toThrow(/Client\.find/);
  });

  it('fail when oidc-provider no longer exports ExternalSigningKey, or it cannot sign', () => {
    expect(() => checkOidcProviderExports({}, '10.0.0')).toThrow(
      /oidc-provider 10\.0\.0: TechPass patches ExternalSigningKey \(expected an exported class\)/,
    );
    expect(() => checkOidcProviderExports({ ExternalSigningKey: class {} }, '10.0.0')).toThrow(
      /ExternalSigningKey\.prototype\.sign .*src\/oidc\/patches\/oidc-provider\.ts/,
    );
  });

  it('fail when better-sqlite3 lacks Database.prototype.prepare', () => {
    class Database {}
    expect(() => checkBetterSqlite3(Database, '13.0.0')).toThrow(
      /better-sqlite3 13\.0\.0: TechPass patches Database\.prototype\.prepare \(expected a function of 1 argument\).*src\/persistence\/patches\/better-sqlite3\.ts/,
    );
  });

  it("fail when pg's Query lacks handleDataRow, or keeps its rows elsewhere", () => {
    class NoDataRow extends pg.Query {}
    Object.defineProperty(NoDataRow.prototype, 'handleDataRow', { value: undefined });
    expect(() => checkPg({ Query: NoDataRow }, '9.0.0')).toThrow(
      /pg 9\.0\.0: TechPass patches Query\.prototype\.handleDataRow \(expected a function of 1 argument\).*src\/persistence\/patches\/pg\.ts/,
    );
    class RowsElsewhere extends pg.Query {
      constructor(...args: ConstructorParameters<typeof pg.Query>) {
        super(...args);
        (this as unknown as { _result: unknown })._result = {};
      }
    }
    expect(() => checkPg({ Query: RowsElsewhere }, '9.0.0')).toThrow(/Query#_result\.rows \(expected an array of rows\)/);
    expect(() => checkPg({ Query: undefined }, '9.0.0')).toThrow(/pg 9\.0\.0: TechPass patches Query \(expected a class\)/);
  });

  it('patchOidcProvider refuses a provider that lacks a member, before replacing anything', () => {
    const provider = freshProvider();
    const find = provider.Client.find;
    Object.defineProperty(provider, 'ReplayDetection', { value: {} });
    expect(() =>
      patchOidcProvider(provider, {
        compareClientSecret: async () => false,
        clientAuthMethod: () => 'none',
        replayDetectionUnique: async () => true,
      }),
    ).toThrow(/ReplayDetection\.unique/);
    expect(provider.Client.find).toBe(find);
  });
});

describe('library patches: better-sqlite3', () => {
  it('keeps one prepared statement per SQL text, and begins Kysely transactions immediately', async () => {
    const connection = new SQLite(':memory:');
    const prepared: string[] = [];
    const prepare = connection.prepare.bind(connection);
    connection.prepare = ((text: string) => {
      prepared.push(text);
      return prepare(text);
    }) as typeof connection.prepare;
    cachePreparedStatements(connection);
    const db = new Kysely<Record<string, never>>({ dialect: new SqliteDialect({ database: connection }) });
    try {
      await sql`select 1`.execute(db);
      await sql`select 1`.execute(db);
      await db.transaction().execute((trx) => sql`select 2`.execute(trx));
      expect(prepared).toEqual(['select 1', 'begin immediate', 'select 2', 'commit']);
    } finally {
      await db.destroy();
    }
  });
});

describe(`library patches: a running server (${engine})`, () => {
  let tp: TestServer;
  beforeAll(async () => {
    tp = await startTestServer();
  });
  afterAll(() => tp?.close());

  it('signs ES256 access tokens that verify against the published JWKS, and leaves crypto.subtle as Node made it', async () => {
    await namespace(tp, 'patches');
    const app = await application(tp, { namespace: 'patches', name: 'Patches' });
    const config = await client.discovery(new URL(tp.issuer), app.clientId, app.clientSecret, client.ClientSecretBasic(app.clientSecret!), {
      execute: [client.allowInsecureRequests],
    });
    const tokens = await client.clientCredentialsGrant(config);
    const { protectedHeader } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(`${tp.issuer}/jwks`)), { issuer: tp.issuer });
    expect(protectedHeader.alg).toBe('ES256');
    for (const subtle of [webcrypto.subtle, globalThis.crypto.subtle]) {
      expect(Object.hasOwn(subtle, 'sign')).toBe(false);
      expect(Object.hasOwn(subtle, 'verify')).toBe(false);
    }
  });
});
