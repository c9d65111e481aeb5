import { and, desc, eq, lt, or } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { jobRuns, jobSchedules } from '../../db/schema/jobs.js';

export type JobScheduleRow = typeof jobSchedules.$inferSelect;
export type JobRunRow = typeof jobRuns.$inferSelect;

export function findSchedule(tx: Tx, job: string): JobScheduleRow | undefined {
  return tx.select().from(jobSchedules).where(eq(jobSchedules.job, job)).get();
}

export function insertScheduleIfMissing(tx: Tx, job: string, registeredAt: string): void {
  tx.insert(jobSchedules).values({ job, registeredAt }).onConflictDoNothing().run();
}

export function takeLease(tx: Tx, job: string, lease: { runId: string; holder: string; expiresAt: string; slot?: string | undefined }): void {
  tx.update(jobSchedules)
    .set({ leaseRunId: lease.runId, leaseHolder: lease.holder, leaseExpiresAt: lease.expiresAt, ...(lease.slot ? { lastSlot: lease.slot } : {}) })
    .where(eq(jobSchedules.job, job))
    .run();
}

export function releaseLease(tx: Tx, job: string, runId: string): void {
  tx.update(jobSchedules).set({ leaseRunId: null, leaseHolder: null, leaseExpiresAt: null }).where(and(eq(jobSchedules.job, job), eq(jobSchedules.leaseRunId, runId))).run();
}

export function insertRun(tx: Tx, row: typeof jobRuns.$inferInsert): void {
  tx.insert(jobRuns).values(row).run();
}

export function finishRun(tx: Tx, id: string, end: { finishedAt: string; status: 'succeeded' | 'failed' | 'abandoned'; counts?: Record<string, number> | null; error?: string | null }): void {
  tx.update(jobRuns).set(end).where(and(eq(jobRuns.id, id), eq(jobRuns.status, 'running'))).run();
}

export function findRun(tx: Tx, id: string): JobRunRow | undefined {
  return tx.select().from(jobRuns).where(eq(jobRuns.id, id)).get();
}

export function lastRunOf(tx: Tx, job: string): JobRunRow | undefined {
  return tx.select().from(jobRuns).where(eq(jobRuns.job, job)).orderBy(desc(jobRuns.startedAt), desc(jobRuns.id)).limit(1).get();
}

/** Newest first; `before` is the (startedAt, id) of the last row of the previous page. */
export function listRuns(tx: Tx, filter: { job?: string | undefined; before?: [string, string] | undefined }, limit: number): JobRunRow[] {
  const before = filter.before;
  return tx
    .select()
    .from(jobRuns)
    .where(
      and(
        filter.job ? eq(jobRuns.job, filter.job) : undefined,
        before ? or(lt(jobRuns.startedAt, before[0]), and(eq(jobRuns.startedAt, before[0]), lt(jobRuns.id, before[1]))) : undefined,
      ),
    )
    .orderBy(desc(jobRuns.startedAt), desc(jobRuns.id))
    .limit(limit)
    .all();
}
