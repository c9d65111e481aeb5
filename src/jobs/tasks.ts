import type { CareDeps } from '../modules/care/care.deps.js';
import { careRemindersTask } from '../modules/care/tasks/care-reminders.task.js';
import { birthdayGreetingsTask, festivalGreetingsTask } from '../modules/care/tasks/greetings.task.js';
import { statsRollupTask } from '../modules/stats/tasks/rollup.task.js';
import type { Task } from './task.js';

/**
 * Every module's scheduled tasks. A module adds its `tasks/*.task.ts` here; tasks that need more than the common
 * Deps (care's outbox and greeting time) are built from what their module is given.
 */
export function allTasks(modules: { care: CareDeps }): Task[] {
  return [careRemindersTask(modules.care), birthdayGreetingsTask(modules.care), festivalGreetingsTask(modules.care), statsRollupTask];
}
