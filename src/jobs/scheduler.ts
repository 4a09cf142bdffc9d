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
  /** Runs one job now, or right after its run in progress on this node (if this node gets its lease). */
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

  // A job never overlaps itself on this node: its lease is already this node's, so it would
  // not stop a second run (a runOnce while the timer's run is on; the reset-mail job is
  // asked for by every request). Who asks meanwhile gets one more run after the current one
  // (it sees what was queued after the current run looked), shared by all who ask.
  const current = new Map<string, Promise<boolean>>();
  const next = new Map<string, Promise<boolean>>();
  const run = (job: Job): Promise<boolean> => {
    const running = current.get(job.name);
    if (!running) {
      const started = runJob(job).finally(() => current.delete(job.name));
      current.set(job.name, started);
      return started;
    }
    let following = next.get(job.name);
    if (!following) {
      following = running
        .catch(() => undefined)
        .then(() => {
          next.delete(job.name);
          return run(job);
        });
      next.set(job.name, following);
    }
    return following;
  };

  const schedule = (job: Job) => {
    if (stopped) return;
    // Jitter spreads nodes so they do not all knock at once.
    const timer = setTimeout(
      () => {
        void run(job)
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
      return run(job);
    },
    stop() {
      stopped = true;
      timers.forEach((t) => clearTimeout(t));
    },
  };
}
