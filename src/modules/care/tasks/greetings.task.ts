import type { Task } from '../../../jobs/task.js';
import type { CareDeps } from '../care.deps.js';
import { queueBirthdayGreetings, queueFestivalGreetings } from '../care.greetings.js';

/** Daily at the configured greeting time (HCRM_GREETING_TIME, local). */
function dailyAt(time: string): string {
  const [hour, minute] = time.split(':').map(Number);
  return `${minute} ${hour} * * *`;
}

export function birthdayGreetingsTask(care: CareDeps): Task {
  return { name: 'care.birthday-greetings', schedule: dailyAt(care.greetingTime), run: (ctx) => queueBirthdayGreetings(ctx, care) };
}

export function festivalGreetingsTask(care: CareDeps): Task {
  return { name: 'care.festival-greetings', schedule: dailyAt(care.greetingTime), run: (ctx) => queueFestivalGreetings(ctx, care) };
}
