/** The local outbox as a test reads it: mail sent by jobs arrives a moment after the request that caused it. */
import type { TestServer } from './server.js';

type Message = Awaited<ReturnType<TestServer['server']['store']['outbox']['recent']>>[number];

/** Waits (up to `timeoutMs`) for a message to `to` whose subject is `subject`, newer than `after` (ms). */
export async function waitForMail(tp: TestServer, to: string, subject: string, after = 0, timeoutMs = 10_000): Promise<Message> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await tp.server.store.outbox.recent(50, to)).find((m) => m.subject === subject && m.createdAt > after);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no mail "${subject}" to ${to} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
