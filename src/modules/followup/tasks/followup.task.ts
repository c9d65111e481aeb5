import type { Task } from '../../../jobs/task.js';
import { remindUnanswered } from '../invitations/invitation-messages.js';
import { carryOutDueSteps } from '../plans/steps.js';
import { markOverdue } from '../worklist/worklist.service.js';

/** Due plan steps become tasks, invitations and reminders; every five minutes so a day-0 step goes out the same hour. */
export const followupStepsTask: Task = {
  name: 'followup.steps',
  // Off the hour (02, 07, 12 …) so it does not queue behind the hourly and daily jobs.
  schedule: '2-59/5 * * * *',
  run: async (ctx) => ({ ...(await carryOutDueSteps(ctx)) }),
};

/** Patients who have not answered a plan's questionnaire after HCRM_INVITATION_REMINDER_DAYS get one reminder. */
export const invitationRemindersTask: Task = {
  name: 'followup.invitation-reminders',
  schedule: '30 * * * *',
  run: async (ctx) => remindUnanswered(ctx),
};

/** Just after midnight: yesterday's open tasks become overdue on managers' lists; long-missed visits are marked. */
export const followupOverdueTask: Task = {
  name: 'followup.overdue',
  schedule: '5 0 * * *',
  run: async (ctx) => markOverdue(ctx),
};

export const followupTasks: Task[] = [followupStepsTask, invitationRemindersTask, followupOverdueTask];
