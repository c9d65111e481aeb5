import type { ServiceContext } from '../lib/context.js';
import { decodeCursor, pageOf } from '../lib/pagination.js';
import { inTransaction } from '../lib/transaction.js';
import { authorize } from '../modules/staff/permissions.js';
import * as repo from './jobs.repository.js';
import type { Job, JobRun, JobRunQuery } from './jobs.schemas.js';
import type { Scheduler } from './scheduler.js';

export async function listJobs(ctx: ServiceContext, scheduler: Scheduler): Promise<{ items: Job[] }> {
  authorize(ctx, 'jobs.read');
  return inTransaction(ctx, (tx) => ({
    items: scheduler.jobs().map(({ task, cron }) => {
      const lease = repo.findSchedule(tx, task.name);
      return {
        name: task.name,
        schedule: task.schedule,
        timeZone: ctx.timeZone,
        nextRunAt: cron.nextAfter(ctx.now)?.toISOString() ?? null,
        running: Boolean(lease?.leaseRunId && lease.leaseExpiresAt && lease.leaseExpiresAt > ctx.now.toISOString()),
        lastRun: repo.lastRunOf(tx, task.name) ?? null,
      };
    }),
  }));
}

export async function listJobRuns(ctx: ServiceContext, query: JobRunQuery): Promise<{ items: JobRun[]; nextCursor: string | null }> {
  authorize(ctx, 'jobs.read');
  const before = decodeCursor(query.cursor, 2) as [string, string] | undefined;
  return inTransaction(ctx, (tx) => pageOf(repo.listRuns(tx, { job: query.job, before }, query.limit + 1), query.limit, (r) => [r.startedAt, r.id]));
}

/** Runs the job now and answers when it has finished; 409 while another run of it holds the lease. */
export async function startJob(ctx: ServiceContext, scheduler: Scheduler, name: string): Promise<JobRun> {
  authorize(ctx, 'jobs.run');
  return scheduler.runNow(name, ctx);
}
