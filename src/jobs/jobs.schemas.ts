import { z } from 'zod';
import { PageQuery } from '../lib/pagination.js';

const jobName = z.string().min(1).max(100);

export const JobRun = z
  .object({
    id: z.string(),
    job: z.string(),
    trigger: z.enum(['schedule', 'catch-up', 'manual']),
    slot: z.string().nullable().describe('The cron slot this run served; null when an admin started it'),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    status: z.enum(['running', 'succeeded', 'failed', 'abandoned']),
    counts: z.record(z.string(), z.number()).nullable(),
    error: z.string().nullable(),
    startedBy: z.string(),
  })
  .meta({ id: 'JobRun' });
export type JobRun = z.infer<typeof JobRun>;

export const Job = z.object({
  name: z.string(),
  schedule: z.string().describe('cron expression, read in timeZone'),
  timeZone: z.string(),
  nextRunAt: z.string().nullable(),
  running: z.boolean(),
  lastRun: JobRun.nullable(),
});
export type Job = z.infer<typeof Job>;

export const JobList = z.object({ items: z.array(Job) });

export const JobRunQuery = PageQuery.extend({ job: jobName.optional() }).strict();
export type JobRunQuery = z.infer<typeof JobRunQuery>;

export const JobRunPage = z.object({ items: z.array(JobRun), nextCursor: z.string().nullable() });

export const JobNameParams = z.strictObject({ name: jobName });
