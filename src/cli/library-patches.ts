/**
 * The start-up self-check of the library members TechPass patches: each library's patch
 * module (src/oidc/patches/, src/persistence/patches/) documents its members and checks
 * them; this runs the checks before the server serves, so a library that moved one
 * fails the start-up with a message naming it, not a request later.
 *
 * The members oidc-provider's `Client` and `ReplayDetection` carry are per provider: they
 * are checked on each new provider just before it is patched (patchOidcProvider), which
 * the start-up does before listening too. pg is checked only on PostgreSQL: a node on
 * SQLite never loads it.
 */
import { checkOidcProviderExports } from '../oidc/patches/oidc-provider.js';
import { checkBetterSqlite3 } from '../persistence/patches/better-sqlite3.js';
import { checkPg } from '../persistence/patches/pg.js';
import type { Engine } from '../persistence/database.js';

export function checkLibraryPatches(engine: Engine): void {
  checkOidcProviderExports();
  if (engine === 'sqlite') checkBetterSqlite3();
  else checkPg();
}
