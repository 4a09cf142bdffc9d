import { describe, expect, it } from 'vitest';
import { createLogger } from '../platform/logger.js';
import type { JobLeases } from '../persistence/repositories/job-leases.js';
import { startScheduler } from './scheduler.js';

/** Leases as the database keeps them: free, expired or already the caller's is taken (see job-leases.ts). */
function memoryLeases(): JobLeases {
  const held = new Map<string, { owner: string; until: number }>();
  return {
    async acquire(name, owner, durationMs) {
      const lease = held.get(name);
      if (lease && lease.owner !== owner && lease.until > Date.now()) return false;
      held.set(name, { owner, until: Date.now() + durationMs });
      return true;
    },
    async markRun() {},
  };
}

describe('scheduler', () => {
  it('never runs a job twice at once on one node: a run asked for meanwhile follows the current one, shared by all who ask', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    const gates: Array<() => void> = [];
    const job = {
      name: 'slow',
      intervalMs: 60_000,
      run: async () => {
        running += 1;
        runs += 1;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running -= 1;
      },
    };
    const scheduler = startScheduler([job], { leases: memoryLeases(), logger: createLogger('silent') });
    try {
      const first = scheduler.runOnce('slow');
      await new Promise((r) => setTimeout(r, 20));
      // Asked while the first run is on (its lease is this node's, so the lease does not stop them).
      const later = [scheduler.runOnce('slow'), scheduler.runOnce('slow'), scheduler.runOnce('slow')];
      await new Promise((r) => setTimeout(r, 20));
      expect(running).toBe(1);
      gates.shift()!();
      expect(await first).toBe(true);
      await new Promise((r) => setTimeout(r, 20));
      expect(runs).toBe(2);
      gates.shift()!();
      expect(await Promise.all(later)).toEqual([true, true, true]);
      expect(most).toBe(1);
      expect(runs).toBe(2);
    } finally {
      scheduler.stop();
    }
  });
});
