import type { Task } from '../../../jobs/task.js';
import { generateSessions, releaseDueReserves } from '../appointments.schedules.js';
import { markNoShows } from '../appointments.service.js';
import { expireOffers } from '../appointments.waitlist.js';

/** Nightly: sessions from the weekly templates for the next HCRM_SCHEDULE_DAYS_AHEAD days. */
export const generateSessionsTask: Task = { name: 'appointments.generate-sessions', schedule: '10 0 * * *', run: (ctx) => generateSessions(ctx) };

/** Every 5 minutes: channel reserves of sessions within HCRM_RESERVE_RELEASE_HOURS open to everyone. */
export const releaseReservesTask: Task = { name: 'appointments.release-reserves', schedule: '*/5 * * * *', run: (ctx) => releaseDueReserves(ctx) };

/** Every 10 minutes: bookings of sessions ended more than HCRM_NO_SHOW_GRACE_MINUTES ago, never checked in. */
export const noShowsTask: Task = { name: 'appointments.no-shows', schedule: '*/10 * * * *', run: (ctx) => markNoShows(ctx) };

/** Every minute: waiting-list offers not taken in time pass their place to the next patient waiting. */
export const waitlistOffersTask: Task = { name: 'appointments.waitlist-offers', schedule: '* * * * *', run: (ctx) => expireOffers(ctx) };

export const appointmentTasks: Task[] = [generateSessionsTask, releaseReservesTask, noShowsTask, waitlistOffersTask];
