import type { ServiceContext } from '../lib/context.js';

/** What a run reports: how many things it did, by name (`queued`, `skipped`). Recorded with the run. */
export type TaskCounts = Record<string, number>;

/**
 * A module's scheduled job, exported from `src/modules/<module>/tasks/*.task.ts`. `schedule` is a cron expression
 * read in the hospital's time zone; `run` receives a context whose actor is the job and calls service verbs.
 */
export interface Task {
  name: string;
  schedule: string;
  run(ctx: ServiceContext): Promise<TaskCounts | void> | TaskCounts | void;
}
