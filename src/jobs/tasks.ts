import { appointmentTasks } from '../modules/appointments/tasks/appointments.task.js';
import type { CareDeps } from '../modules/care/care.deps.js';
import { careRemindersTask } from '../modules/care/tasks/care-reminders.task.js';
import { birthdayGreetingsTask, festivalGreetingsTask } from '../modules/care/tasks/greetings.task.js';
import { followupTasks } from '../modules/followup/tasks/followup.task.js';
import { recordingRetentionTask } from '../modules/contacts/tasks/recording-retention.task.js';
import { conversionTask, directRepliesTask, smsQuestionsTask } from '../modules/consultations/tasks/conversion.task.js';
import { autoCloseTask, escalationTask, staffNoticesTask } from '../modules/feedback/tasks/feedback.task.js';
import { statsRollupTask } from '../modules/stats/tasks/rollup.task.js';
import type { Task } from './task.js';

/**
 * Every module's scheduled tasks. A module adds its `tasks/*.task.ts` here; tasks that need more than the common
 * Deps (care's outbox and greeting time) are built from what their module is given.
 */
export function allTasks(modules: { care: CareDeps }): Task[] {
  return [
    careRemindersTask(modules.care),
    birthdayGreetingsTask(modules.care),
    festivalGreetingsTask(modules.care),
    ...followupTasks,
    conversionTask,
    smsQuestionsTask,
    directRepliesTask,
    escalationTask,
    autoCloseTask,
    staffNoticesTask,
    recordingRetentionTask,
    ...appointmentTasks,
    statsRollupTask,
  ];
}
