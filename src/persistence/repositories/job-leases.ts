/**
 * Job leases: a node runs a periodic job only while it holds the job's lease, so
 * with any number of nodes each job runs once per period.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { Schema } from '../schema.js';

export interface JobLeases {
  /** Takes the lease if it is free, expired, or already ours; answers whether we hold it. */
  acquire(name: string, owner: string, durationMs: number): Promise<boolean>;
  markRun(name: string, owner: string): Promise<void>;
}

export function jobLeases(db: Kysely<Schema>, clock: Clock): JobLeases {
  return {
    async acquire(name, owner, durationMs) {
      const now = clock.now();
      await db
        .insertInto('job_leases')
        .values({ name, owner: null, lease_until: 0, last_run_at: null })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const result = await db
        .updateTable('job_leases')
        .set({ owner, lease_until: now + durationMs })
        .where('name', '=', name)
        .where((eb) => eb.or([eb('lease_until', '<=', now), eb('owner', '=', owner), eb('owner', 'is', null)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async markRun(name, owner) {
      await db.updateTable('job_leases').set({ last_run_at: clock.now() }).where('name', '=', name).where('owner', '=', owner).execute();
    },
  };
}
