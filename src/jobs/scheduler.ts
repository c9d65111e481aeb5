import { createTask, type ScheduledTask } from 'node-cron';
import { hostname } from 'node:os';
import type { Deps, ServiceContext } from '../lib/context.js';
import { newId } from '../lib/ids.js';
import { inTransaction } from '../lib/transaction.js';
import { CronSchedule } from './cron.js';
import { jobAlreadyRunning, jobNotFound } from './jobs.errors.js';
import * as repo from './jobs.repository.js';
import type { Task } from './task.js';

export type RunTrigger = 'schedule' | 'catch-up' | 'manual';

export interface SchedulerOptions {
  deps: Deps;
  tasks: Task[];
  /** How long a run may hold its job before another instance may take it over as abandoned. */
  leaseMs?: number;
  /** Names this process in the lease row, for operators reading it. */
  holder?: string;
  /** Where a failed run is reported besides its row (the app's logger in production). */
  onError?: (job: string, error: unknown) => void;
}

export interface ScheduledJob {
  task: Task;
  cron: CronSchedule;
}

/**
 * Runs every module's tasks at their cron slots in the hospital's time zone. The decision to run is made from the
 * database, not from memory: a job's row records the last slot served and a lease, claimed in one IMMEDIATE
 * transaction, so a slot runs once even with several instances, two runs of a job never overlap, and a slot missed
 * while the service was down is run once when it comes back (`catchUp`). node-cron only calls `runOwed` on time in
 * production; tests call `runDue(now)` with a ManualClock instead of waiting.
 */
export class Scheduler {
  readonly #deps: Deps;
  readonly #jobs = new Map<string, ScheduledJob>();
  readonly #leaseMs: number;
  readonly #holder: string;
  readonly #onError: (job: string, error: unknown) => void;
  #cronTasks: ScheduledTask[] = [];

  constructor(options: SchedulerOptions) {
    this.#deps = options.deps;
    this.#leaseMs = options.leaseMs ?? 30 * 60_000;
    this.#holder = options.holder ?? `${hostname()}:${process.pid}`;
    this.#onError = options.onError ?? (() => {});
    for (const task of options.tasks) {
      if (this.#jobs.has(task.name)) throw new Error(`job "${task.name}" registered twice`);
      this.#jobs.set(task.name, { task, cron: new CronSchedule(task.schedule, options.deps.timeZone) });
    }
  }

  jobs(): ScheduledJob[] {
    return [...this.#jobs.values()];
  }

  job(name: string): ScheduledJob {
    const job = this.#jobs.get(name);
    if (!job) throw jobNotFound(name);
    return job;
  }

  /**
   * Records that this database knows each job from `now` on, if it did not already: a job never seen before owes no
   * slot from before it existed. Runs also register on first sight; main.ts registers at every start.
   */
  register(now: Date): void {
    inTransaction(this.#deps, (tx) => {
      for (const name of this.#jobs.keys()) repo.insertScheduleIfMissing(tx, name, now.toISOString());
    });
  }

  /** Runs, one after another, every job whose latest slot at `now` has not been served yet. */
  async runDue(now: Date, trigger: RunTrigger = 'schedule'): Promise<repo.JobRunRow[]> {
    const runs: repo.JobRunRow[] = [];
    for (const name of this.#jobs.keys()) {
      const run = await this.runOwed(name, now, trigger);
      if (run) runs.push(run);
    }
    return runs;
  }

  /** At start: each slot missed while the service was down runs once now (several missed slots of a job: once). */
  catchUp(now: Date): Promise<repo.JobRunRow[]> {
    return this.runDue(now, 'catch-up');
  }

  /** The job's owed slot, if any and if no run of it holds the lease; undefined when nothing was run. */
  async runOwed(name: string, now: Date, trigger: RunTrigger = 'schedule'): Promise<repo.JobRunRow | undefined> {
    const { cron } = this.job(name);
    const slot = cron.latestAtOrBefore(now);
    const runId = inTransaction(this.#deps, (tx) => {
      const schedule = this.#scheduleRow(tx, name, now);
      if (!slot || slot.toISOString() < schedule.registeredAt) return undefined;
      if (schedule.lastSlot && slot.toISOString() <= schedule.lastSlot) return undefined;
      if (this.#leaseHeld(schedule, now)) return undefined;
      return this.#claim(tx, name, schedule, now, { trigger, slot: slot.toISOString(), startedBy: 'scheduler' });
    });
    return runId ? this.#execute(name, runId, now) : undefined;
  }

  /** An admin's "run now": refused with 409 while a run of the job holds the lease. */
  async runNow(name: string, ctx: ServiceContext): Promise<repo.JobRunRow> {
    this.job(name);
    const startedBy = `${ctx.actor.kind}:${ctx.actor.id}`;
    const runId = inTransaction(this.#deps, (tx) => {
      const schedule = this.#scheduleRow(tx, name, ctx.now);
      if (this.#leaseHeld(schedule, ctx.now)) throw jobAlreadyRunning(name);
      return this.#claim(tx, name, schedule, ctx.now, { trigger: 'manual', slot: null, startedBy });
    });
    return this.#execute(name, runId, ctx.now);
  }

  /** Production: node-cron calls runOwed for each job at its slots, in the hospital's time zone. */
  startCron(): void {
    for (const { task } of this.#jobs.values()) {
      const cronTask = createTask(task.schedule, () => this.runOwed(task.name, this.#deps.clock.now()).then(() => undefined), {
        timezone: this.#deps.timeZone,
        name: task.name,
      });
      void cronTask.start();
      this.#cronTasks.push(cronTask);
    }
  }

  async stopCron(): Promise<void> {
    await Promise.all(this.#cronTasks.map((t) => t.destroy()));
    this.#cronTasks = [];
  }

  #scheduleRow(tx: Parameters<typeof repo.findSchedule>[0], name: string, now: Date): repo.JobScheduleRow {
    repo.insertScheduleIfMissing(tx, name, now.toISOString());
    return repo.findSchedule(tx, name)!;
  }

  #leaseHeld(schedule: repo.JobScheduleRow, now: Date): boolean {
    return schedule.leaseRunId !== null && schedule.leaseExpiresAt !== null && schedule.leaseExpiresAt > now.toISOString();
  }

  #claim(
    tx: Parameters<typeof repo.findSchedule>[0],
    name: string,
    schedule: repo.JobScheduleRow,
    now: Date,
    run: { trigger: RunTrigger; slot: string | null; startedBy: string },
  ): string {
    // A lease that expired belongs to a run whose process died: say so instead of leaving it "running" forever.
    if (schedule.leaseRunId) repo.finishRun(tx, schedule.leaseRunId, { finishedAt: now.toISOString(), status: 'abandoned', error: 'lease expired before the run finished' });
    const runId = newId();
    repo.takeLease(tx, name, { runId, holder: this.#holder, expiresAt: new Date(now.getTime() + this.#leaseMs).toISOString(), slot: run.slot ?? undefined });
    repo.insertRun(tx, { id: runId, job: name, trigger: run.trigger, slot: run.slot, startedAt: now.toISOString(), status: 'running', startedBy: run.startedBy });
    return runId;
  }

  async #execute(name: string, runId: string, now: Date): Promise<repo.JobRunRow> {
    const { task } = this.job(name);
    const ctx: ServiceContext = { ...this.#deps, actor: { kind: 'job', id: name }, now, requestId: `job-${runId}`, ip: null };
    // Tests may run a slot at a `now` ahead of the clock; a run never ends before it started.
    const finishedAt = () => new Date(Math.max(now.getTime(), this.#deps.clock.now().getTime())).toISOString();
    let end: Parameters<typeof repo.finishRun>[2];
    try {
      const counts = await task.run(ctx);
      end = { finishedAt: finishedAt(), status: 'succeeded', counts: counts ?? null };
    } catch (error) {
      this.#onError(name, error);
      // The message only: stack traces may quote data, and the row is shown on a staff page.
      end = { finishedAt: finishedAt(), status: 'failed', error: (error instanceof Error ? error.message : String(error)).slice(0, 500) };
    }
    return inTransaction(this.#deps, (tx) => {
      repo.finishRun(tx, runId, end);
      repo.releaseLease(tx, name, runId);
      return repo.findRun(tx, runId)!;
    });
  }
}
