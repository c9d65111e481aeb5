import type { Task } from '../../../jobs/task.js';
import type { CareDeps } from '../care.deps.js';
import { queueDueCareReminders } from '../care.service.js';

/** Every 10 minutes: queues reminder occurrences of the next day (messaging sends each at its time). */
export function careRemindersTask(care: CareDeps): Task {
  return { name: 'care.reminders', schedule: '*/10 * * * *', run: (ctx) => queueDueCareReminders(ctx, care.outbox) };
}
