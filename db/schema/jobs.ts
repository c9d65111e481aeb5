import { index, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * One row per scheduled job: the last cron slot served (so a missed slot is caught up once at start, never twice)
 * and the lease that keeps two runs of the job apart, across processes too. Claimed in one IMMEDIATE transaction.
 */
export const jobSchedules = sqliteTable('job_schedules', {
  job: text('job').primaryKey(),
  /** When this database first knew the job: slots before it were never owed. */
  registeredAt: text('registered_at').notNull(),
  lastSlot: text('last_slot'),
  leaseRunId: text('lease_run_id'),
  leaseHolder: text('lease_holder'),
  leaseExpiresAt: text('lease_expires_at'),
});

/** Every run of every job: when, why, how it ended and what it did. */
export const jobRuns = sqliteTable(
  'job_runs',
  {
    id: text('id').primaryKey(),
    job: text('job').notNull(),
    trigger: text('trigger', { enum: ['schedule', 'catch-up', 'manual'] }).notNull(),
    /** The cron slot this run serves; null for a run an admin started. */
    slot: text('slot'),
    startedAt: text('started_at').notNull(),
    finishedAt: text('finished_at'),
    status: text('status', { enum: ['running', 'succeeded', 'failed', 'abandoned'] }).notNull(),
    counts: text('counts', { mode: 'json' }).$type<Record<string, number>>(),
    error: text('error'),
    startedBy: text('started_by').notNull(),
  },
  (t) => [index('job_runs_job_idx').on(t.job, t.startedAt), index('job_runs_started_idx').on(t.startedAt)],
);
