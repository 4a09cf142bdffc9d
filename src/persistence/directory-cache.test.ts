import { describe, expect, it } from 'vitest';
import type { Application } from '../domain/directory.js';
import { asApplicationId, asNamespaceId } from '../domain/ids.js';
import type { ClientRecord } from '../domain/repositories.js';
import { directoryCache, type DirectorySource } from './directory-cache.js';

const record = (signInEnabled: boolean): ClientRecord => ({
  application: { id: asApplicationId('app_1'), namespaceId: asNamespaceId('ns_1'), signInEnabled } as Application,
  secrets: [],
  certificates: [],
});

/** A directory whose rows and fingerprint the test moves by hand, counting reads. */
function fakeDirectory() {
  const state = { signInEnabled: true, fingerprint: 'v1', external: 0, reads: 0, fingerprints: 0 };
  const source: DirectorySource = {
    clients: {
      findClient: async (id) => {
        state.reads += 1;
        return id === 'app_1' ? record(state.signInEnabled) : null;
      },
      findApplication: async () => null,
    },
    namespaces: { findById: async () => null },
    fingerprint: async () => {
      state.fingerprints += 1;
      return state.fingerprint;
    },
    externalChanges: () => state.external,
  };
  return { state, source };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const enabled = async (cache: ReturnType<typeof directoryCache>) => (await cache.clients.findApplication('app_1'))?.signInEnabled;

describe('directory cache', () => {
  it('reads a client once while the fingerprint stands, and never keeps an unknown one', async () => {
    const { state, source } = fakeDirectory();
    const cache = directoryCache(source, { refreshMs: 60_000 });
    await cache.clients.findClient('app_1');
    await cache.clients.findClient('app_1');
    expect(state.reads).toBe(1);
    await cache.clients.findClient('app_nope');
    await cache.clients.findClient('app_nope');
    expect(state.reads).toBe(3);
  });

  it("after this node's own write, keeps checking until the write is visible, so a read before its commit is not kept", async () => {
    const { state, source } = fakeDirectory();
    const cache = directoryCache(source, { refreshMs: 60_000 });
    expect(await enabled(cache)).toBe(true);
    state.signInEnabled = false;
    cache.changed();
    // The transaction has not committed: a lookup now still reads the old row (and fingerprint).
    state.signInEnabled = true;
    expect(await enabled(cache)).toBe(true);
    // Committed: the next lookup sees the new fingerprint and reads again.
    state.signInEnabled = false;
    state.fingerprint = 'v2';
    expect(await enabled(cache)).toBe(false);
    const checks = state.fingerprints;
    await enabled(cache);
    expect(state.fingerprints).toBe(checks);
  });

  it('sees a commit by another process on the next turn of the event loop (SQLite data_version)', async () => {
    const { state, source } = fakeDirectory();
    const cache = directoryCache(source, { refreshMs: 60_000 });
    expect(await enabled(cache)).toBe(true);
    state.signInEnabled = false;
    state.fingerprint = 'v2';
    state.external += 1;
    await nextTurn();
    expect(await enabled(cache)).toBe(false);
  });

  it('sees a change made on another node within refreshMs, with nothing else to tell it', async () => {
    const { state, source } = fakeDirectory();
    const cache = directoryCache(source, { refreshMs: 50 });
    expect(await enabled(cache)).toBe(true);
    state.signInEnabled = false;
    state.fingerprint = 'v2';
    expect(await enabled(cache)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await enabled(cache)).toBe(false);
  });

  it('reads past the cache when asked for a fresh record, and keeps what it read', async () => {
    const { state, source } = fakeDirectory();
    const cache = directoryCache(source, { refreshMs: 60_000 });
    expect(await enabled(cache)).toBe(true);
    state.signInEnabled = false;
    expect((await cache.clients.findClient('app_1', { fresh: true }))?.application.signInEnabled).toBe(false);
    expect(await enabled(cache)).toBe(false);
  });
});
