/**
 * Notices between nodes on PostgreSQL (LISTEN/NOTIFY), e.g. "a push prompt of
 * this account changed", so a phone listening on one node hears of a prompt
 * made on another at once instead of at the next poll. A dedicated connection
 * listens and comes back by itself after the database does; while it is away
 * the pollers still deliver, only later. SQLite is a single node: no notices.
 * The interface is src/platform/notices.ts's.
 */
import type pg from 'pg';
import type { Notices } from '../platform/notices.js';
import { loadPg } from './pg-driver.js';

export type { Notices } from '../platform/notices.js';

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

export function postgresNotices(url: string, publish: (channel: string, payload: string) => Promise<void>, onError: (error: Error) => void): Notices {
  const listeners = new Map<string, Set<(payload: string) => void>>();
  let client: pg.Client | null = null;
  let connecting: Promise<void> | null = null;
  let retry: NodeJS.Timeout | null = null;
  let closed = false;

  const listen = async (c: pg.Client, channel: string) => {
    if (!CHANNEL.test(channel)) throw new Error(`not a channel name: ${channel}`);
    await c.query(`LISTEN ${channel}`);
  };

  const lost = (error?: Error) => {
    if (error) onError(error);
    client?.removeAllListeners();
    client?.end().catch(() => undefined);
    client = null;
    if (closed || retry || listeners.size === 0) return;
    retry = setTimeout(() => {
      retry = null;
      void connect();
    }, 1000);
    retry.unref();
  };

  const connect = (): Promise<void> => {
    if (client || closed) return Promise.resolve();
    connecting ??= (async () => {
      const c = new (loadPg().Client)({ connectionString: url, connectionTimeoutMillis: 3000 });
      c.on('error', (error) => lost(error));
      c.on('end', () => client === c && lost());
      c.on('notification', (message) => {
        for (const listener of listeners.get(message.channel) ?? []) listener(message.payload ?? '');
      });
      try {
        await c.connect();
        for (const channel of listeners.keys()) await listen(c, channel);
        client = c;
      } catch (error) {
        c.removeAllListeners();
        await c.end().catch(() => undefined);
        lost(error as Error);
      }
    })().finally(() => {
      connecting = null;
    });
    return connecting;
  };

  return {
    publish: (channel, payload) => publish(channel, payload),
    subscribe(channel, listener) {
      const first = !listeners.has(channel);
      const set = listeners.get(channel) ?? new Set();
      set.add(listener);
      listeners.set(channel, set);
      if (client && first) listen(client, channel).catch((error: Error) => lost(error));
      else void connect();
      return () => {
        set.delete(listener);
      };
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await connecting;
      const c = client;
      client = null;
      c?.removeAllListeners();
      await c?.end().catch(() => undefined);
    },
  };
}
