/**
 * Periodic jobs with database leases: each job runs on one node at a time, on
 * whichever node holds its lease. A node that dies simply lets its lease expire.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../platform/logger.js';
import type { JobLeases } from '../persistence/repositories/job-leases.js';

export interface Job {
  name: string;
  intervalMs: number;
  run(): Promise<unknown>;
}

export interface Scheduler {
  /** Runs one job now (if this node gets its lease); for tests and the CLI. */
  runOnce(name: string): Promise<boolean>;
  stop(): void;
}

export function startScheduler(
  jobs: Job[],
  deps: { leases: JobLeases; logger: Logger; onRun?: (job: string, outcome: 'ok' | 'failed') => void },
): Scheduler {
  const owner = randomUUID();
  const timers = new Map<string, NodeJS.Timeout>();
  let stopped = false;

  const runJob = async (job: Job): Promise<boolean> => {
    // The lease outlives one interval a little, so a slow run is not overtaken.
    if (!(await deps.leases.acquire(job.name, owner, job.intervalMs * 2))) return false;
    try {
      await job.run();
      await deps.leases.markRun(job.name, owner);
      deps.onRun?.(job.name, 'ok');
    } catch (error) {
      deps.onRun?.(job.name, 'failed');
      deps.logger.warn({ err: error, job: job.name }, 'job failed');
    }
    return true;
  };

  const schedule = (job: Job) => {
    if (stopped) return;
    // Jitter spreads nodes so they do not all knock at once.
    const timer = setTimeout(
      () => {
        void runJob(job)
          .catch((error: unknown) => deps.logger.warn({ err: error, job: job.name }, 'job lease failed'))
          .finally(() => schedule(job));
      },
      job.intervalMs * (0.9 + Math.random() * 0.2),
    );
    timer.unref();
    timers.set(job.name, timer);
  };
  jobs.forEach(schedule);

  return {
    async runOnce(name) {
      const job = jobs.find((j) => j.name === name);
      if (!job) throw new Error(`unknown job ${name}`);
      return runJob(job);
    },
    stop() {
      stopped = true;
      timers.forEach((t) => clearTimeout(t));
    },
  };
}
