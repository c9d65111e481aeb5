import type { Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import { addDays, instantAtLocalTime, localDate } from '../../lib/clock.js';
import { messageDateTime } from '../messaging/format.js';
import { cancelMessages, enqueueMessage, type SendCheck } from '../messaging/messaging.service.js';
import { contactProfile, outreachPatient } from '../patients/patients.service.js';
import { departmentNames } from '../staff/staff.service.js';
import * as repo from './appointments.repository.js';

type Notice = 'confirmation' | 'requested' | 'cancelled' | 'session-stopped';

/** What every appointment text fills in, in the patient's language. */
function visitVariables(tx: Tx, ctx: ServiceContext, row: repo.AppointmentRow): { variables: Record<string, string>; locale: 'zh-CN' | 'en' } | null {
  const profile = contactProfile(tx, row.patientId);
  const doctor = repo.findDoctor(tx, row.doctorId);
  if (!profile || !doctor) return null;
  const names = departmentNames(tx, row.departmentId);
  const locale = profile.preferredLanguage;
  const patientName = outreachPatient(tx, row.patientId)?.name ?? '';
  return {
    locale,
    variables: {
      patientName,
      department: names ? (locale === 'en' ? names.nameEn : names.nameZh) : '',
      doctor: doctor.name,
      time: messageDateTime(new Date(row.startAt), ctx.timeZone, locale),
    },
  };
}

/** Queues a notice about this appointment in the caller's transaction: it commits with the booking or not at all. */
export function queueNotice(tx: Tx, ctx: ServiceContext, row: repo.AppointmentRow, notice: Notice, extra: Record<string, string> = {}): void {
  const filled = visitVariables(tx, ctx, row);
  if (!filled) return;
  enqueueMessage(tx, ctx, {
    purpose: `appointment-${notice}`,
    category: 'care',
    patientId: row.patientId,
    template: `appointment.${notice}`,
    variables: { ...filled.variables, ...extra },
    scheduledAt: ctx.now,
    dedupeKey: `appointment:${row.id}:${notice}:${row.version}`,
    subject: { type: 'appointment', id: row.id },
  });
}

/**
 * Queues the reminders (HCRM_APPOINTMENT_REMINDERS: the day before at a local time, N hours before) under their own
 * subject type, so cancelling or moving the appointment cancels exactly them; a reminder whose time has passed is
 * skipped. The send check below catches one that slips through.
 */
export function queueReminders(tx: Tx, ctx: ServiceContext, row: repo.AppointmentRow): number {
  const filled = visitVariables(tx, ctx, row);
  if (!filled) return 0;
  const start = new Date(row.startAt);
  let queued = 0;
  for (const offset of ctx.appointments.remindersByType[row.type] ?? ctx.appointments.reminders) {
    const at =
      offset.kind === 'day-before'
        ? instantAtLocalTime(addDays(localDate(start, ctx.timeZone), -1), offset.time, ctx.timeZone)
        : new Date(start.getTime() - offset.hours * 3600_000);
    if (at <= ctx.now) continue;
    const key = offset.kind === 'day-before' ? `day-before@${offset.time}` : `${offset.hours}h`;
    enqueueMessage(tx, ctx, {
      purpose: 'appointment-reminder',
      category: 'care',
      patientId: row.patientId,
      template: 'appointment.reminder',
      variables: filled.variables,
      scheduledAt: at,
      dedupeKey: `appointment-reminder:${row.id}:${row.startAt}:${key}`,
      subject: { type: 'appointment-reminder', id: row.id },
    });
    queued++;
  }
  return queued;
}

export function cancelReminders(tx: Tx, ctx: ServiceContext, appointmentId: string, reason: string): number {
  return cancelMessages(tx, ctx, { subject: { type: 'appointment-reminder', id: appointmentId } }, reason);
}

/** Just before a reminder goes: only for an appointment still booked at the time the reminder names. */
export const appointmentReminderCheck: SendCheck = (tx, message) => {
  if (!message.subject) return null;
  const row = repo.findAppointment(tx, message.subject.id);
  if (!row) return 'appointment no longer exists';
  return row.status === 'booked' ? null : `appointment ${row.status}`;
};

export function registerAppointmentSendChecks(registry: { register(purposeOrSubjectType: string, check: SendCheck): void }): void {
  registry.register('appointment-reminder', appointmentReminderCheck);
}
