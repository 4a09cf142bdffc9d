/** Deletes expired provider rows (sessions, codes, tokens…) in small batches. */
import type { OidcModelStore } from '../persistence/repositories/oidc-models.js';
import type { Job } from './scheduler.js';

export function expiredRowsCleanup(models: OidcModelStore, intervalMs = 60_000): Job {
  return {
    name: 'cleanup.expired-oidc-rows',
    intervalMs,
    async run() {
      let total = 0;
      for (let i = 0; i < 50; i += 1) {
        const deleted = await models.deleteExpired(500);
        total += deleted;
        if (deleted < 500) break;
      }
      return total;
    },
  };
}
