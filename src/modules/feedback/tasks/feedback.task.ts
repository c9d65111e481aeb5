import type { ServiceContext } from '../../../lib/context.js';
import { takeFollowupEvents } from '../feedback.intake.js';
import { closeUnanswered, escalateOverdue } from '../feedback.service.js';
import { sendStaffNotices, type NoticeReport } from '../staff-notices.js';

/** Every five minutes: overdue cases one level up, follow-up events into complaints. */
export const escalationTask = {
  name: 'feedback.escalation',
  schedule: '*/5 * * * *',
  async run(ctx: ServiceContext): Promise<{ escalated: number; opened: number }> {
    const { opened } = await takeFollowupEvents(ctx);
    return { ...escalateOverdue(ctx), opened };
  },
};

/** Nightly: resolved cases the patient never answered close after the configured days. */
export const autoCloseTask = {
  name: 'feedback.autoclose',
  schedule: '15 3 * * *',
  run(ctx: ServiceContext): { closed: number } {
    return closeUnanswered(ctx);
  },
};

/** Every minute: notices to staff (assigned, escalated, handed over) e-mailed, retried with backoff when the relay is down; up to 50 s of the minute waiting for the send rate. */
export const staffNoticesTask = {
  name: 'feedback.staff-notices',
  schedule: '* * * * *',
  async run(ctx: ServiceContext): Promise<NoticeReport> {
    return sendStaffNotices(ctx, { maxDurationMs: 50_000 });
  },
};
