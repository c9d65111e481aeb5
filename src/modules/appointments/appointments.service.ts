import type { Tx } from '../../../db/client.js';
import { addDays, localDate } from '../../lib/clock.js';
import type { ServiceContext } from '../../lib/context.js';
import { assertNoFieldErrors, type FieldError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { decodeCursor, pageOf } from '../../lib/pagination.js';
import { inTransaction } from '../../lib/transaction.js';
import { audit } from '../audit/audit.service.js';
import { parsePhone } from '../patients/phone.js';
import { parseResidentId } from '../patients/resident-id.js';
import { patientForBooking, patientRef } from '../patients/patients.service.js';
import { authorize, type StaffActor } from '../staff/permissions.js';
import * as errors from './appointments.errors.js';
import { cancelReminders, queueNotice, queueReminders } from './appointments.notices.js';
import * as repo from './appointments.repository.js';
import type { Appointment, AppointmentQuery, BookBody } from './appointments.schemas.js';
import { channelOf } from './appointments.schedules.js';
import { offerFreedPlace } from './appointments.waitlist.js';

const NO_SHOW_WINDOW_DAYS = 90;
const DAY_MS = 24 * 3600_000;

/** Who is booking and through which door; patients on the web page come with the phone they proved by SMS code. */
export interface Booker {
  channel: repo.Channel;
  /** Staff book for others and are not held to the patients' mode or no-show limit. */
  staff: StaffActor | null;
  label: string;
}

export function toAppointment(tx: Tx, row: repo.AppointmentRow): Appointment {
  return {
    id: row.id,
    patientId: row.patientId,
    slotId: row.slotId,
    sessionId: row.sessionId,
    doctorId: row.doctorId,
    doctorName: repo.findDoctor(tx, row.doctorId)?.name ?? '',
    departmentId: row.departmentId,
    date: row.date,
    startAt: row.startAt,
    type: row.type,
    channel: row.channel,
    status: row.status,
    createdAt: row.createdAt,
    rescheduledFromId: row.rescheduledFromId,
    cancelledAt: row.cancelledAt,
    cancelReason: row.cancelReason,
    checkedInAt: row.checkedInAt,
    completedAt: row.completedAt,
    noShowAt: row.noShowAt,
    version: row.version,
  };
}

/** The days open for booking now: today in the hospital's zone through HCRM_BOOKING_WINDOW_DAYS ahead. */
export function bookingWindow(ctx: ServiceContext): { from: string; to: string } {
  const from = localDate(ctx.now, ctx.timeZone);
  return { from, to: addDays(from, ctx.appointments.bookingWindowDays) };
}

/** A new caller's name, mobile and resident ID, checked as the patient file would check them. */
export function checkNewPatient(ctx: ServiceContext, person: { name: string; phone: string; residentId: string }, prefix = 'newPatient.') {
  const problems: FieldError[] = [];
  const phone = parsePhone(person.phone);
  if (!phone.ok) problems.push({ field: `${prefix}phone`, code: 'invalid_phone', message: phone.message });
  else if (phone.kind !== 'mobile') problems.push({ field: `${prefix}phone`, code: 'not_mobile', message: 'must be a mobile number that can receive the SMS confirmation' });
  const resident = parseResidentId(person.residentId, localDate(ctx.now, ctx.timeZone));
  if (!resident.ok) problems.push({ field: `${prefix}residentId`, code: `resident_id_${resident.problem}`, message: resident.message });
  assertNoFieldErrors('appointments.invalid_patient', problems);
  if (!phone.ok || !resident.ok) throw new Error('unreachable');
  return { name: person.name, phone: phone.e164, residentId: resident.value, gender: resident.gender, birthDate: resident.birthDate };
}

/**
 * Books one place for the patient in the slot, inside the caller's write transaction: every rule, the guarded
 * capacity update, the appointment row, the confirmation (or request notice) and reminders in the outbox, the audit.
 */
export function bookIn(tx: Tx, ctx: ServiceContext, booker: Booker, patientId: string, slotId: string, type: string, rescheduledFromId: string | null = null): repo.AppointmentRow {
  const slot = repo.findSlot(tx, slotId);
  if (!slot) throw errors.slotNotFound(slotId);
  const session = repo.findSession(tx, slot.sessionId)!;
  if (session.status !== 'open') throw errors.sessionStopped();
  if (new Date(slot.startAt) <= ctx.now) throw errors.slotInPast();
  const { from: today, to: lastDay } = bookingWindow(ctx);
  if (session.date > lastDay) throw errors.beyondWindow(ctx.appointments.bookingWindowDays);
  const patient = patientRef(tx, patientId);
  if (!patient?.active) throw errors.patientNotFound(patientId);

  const mode = repo.bookingMode(tx, session.departmentId);
  if (!booker.staff && mode === 'view_only') throw errors.viewOnly();
  if (repo.hasOpenWithDoctorOn(tx, patientId, session.doctorId, session.date, rescheduledFromId ?? undefined)) throw errors.sameDoctorSameDay();
  const open = repo.openCountOfPatient(tx, patientId, ctx.now.toISOString()) - (rescheduledFromId ? 1 : 0);
  if (open >= ctx.appointments.maxOpenBookings) throw errors.tooManyOpen(ctx.appointments.maxOpenBookings);
  const limit = ctx.appointments.noShowLimit;
  if (!booker.staff && limit > 0) {
    const noShows = recentNoShows(tx, ctx, patientId);
    if (noShows >= limit) throw errors.noShowLimited(noShows);
  }

  const place = repo.takePlace(tx, slot.id, session.id, booker.channel);
  if (!place) throw errors.slotFull();
  const id = newId();
  const status = !booker.staff && mode === 'approval' ? 'requested' : 'booked';
  repo.insertAppointment(tx, {
    id,
    patientId,
    slotId: slot.id,
    sessionId: session.id,
    doctorId: session.doctorId,
    departmentId: session.departmentId,
    date: session.date,
    startAt: slot.startAt,
    type,
    channel: booker.channel,
    fromReserve: place.fromReserve,
    status,
    bookedBy: booker.label,
    createdAt: ctx.now.toISOString(),
    leadDays: Math.max(0, Math.round((Date.parse(`${session.date}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / DAY_MS)),
    rescheduledFromId,
  });
  const row = repo.findAppointment(tx, id)!;
  queueNotice(tx, ctx, row, status === 'requested' ? 'requested' : 'confirmation');
  if (status === 'booked') queueReminders(tx, ctx, row);
  audit(tx, ctx, { action: 'appointment.book', entityType: 'appointment', entityId: id, patientId, detail: { channel: booker.channel, status, slotId: slot.id, rescheduledFromId } });
  return row;
}

/** No-shows in the last NO_SHOW_WINDOW_DAYS: what the web booking limit counts and the patient file shows. */
function recentNoShows(tx: Tx, ctx: ServiceContext, patientId: string): number {
  return repo.noShowsSince(tx, patientId, new Date(ctx.now.getTime() - NO_SHOW_WINDOW_DAYS * DAY_MS).toISOString());
}

function staffBooker(ctx: ServiceContext, actor: StaffActor, channel?: repo.Channel): Booker {
  return { channel: channelOf(ctx.actor, channel), staff: actor, label: `staff:${actor.id}` };
}

/** An agent books for a caller (by patientId, or a new caller's name, mobile and resident ID); desk staff likewise. */
export async function bookAppointment(ctx: ServiceContext, body: BookBody): Promise<Appointment> {
  const actor = authorize(ctx, 'appointments.book');
  const person = body.newPatient ? checkNewPatient(ctx, body.newPatient) : null;
  return inTransaction(ctx, (tx) => {
    const patientId = person ? patientForBooking(tx, ctx, person).id : body.patientId!;
    return toAppointment(tx, bookIn(tx, ctx, staffBooker(ctx, actor, body.channel), patientId, body.slotId, body.type));
  });
}

/** Staff see the appointments of their department; agents and admins every department's (agents serve all callers). */
function visible(tx: Tx, actor: StaffActor, id: string): repo.AppointmentRow {
  const row = repo.findAppointment(tx, id);
  if (!row || (actor.role !== 'admin' && actor.role !== 'agent' && actor.departmentId !== row.departmentId)) throw errors.appointmentNotFound(id);
  return row;
}

export async function getAppointment(ctx: ServiceContext, id: string): Promise<Appointment> {
  const actor = authorize(ctx, 'appointments.read');
  return inTransaction(ctx, (tx) => {
    const row = visible(tx, actor, id);
    audit(tx, ctx, { action: 'appointment.read', entityType: 'appointment', entityId: id, patientId: row.patientId });
    return toAppointment(tx, row);
  });
}

export async function listAppointments(ctx: ServiceContext, query: AppointmentQuery): Promise<{ items: Appointment[]; nextCursor: string | null }> {
  const actor = authorize(ctx, 'appointments.read');
  const after = decodeCursor(query.cursor, 2) as [string, string] | undefined;
  const wide = actor.role === 'admin' || actor.role === 'agent';
  const departmentId = wide ? query.departmentId : (actor.departmentId ?? '-');
  return inTransaction(ctx, (tx) => {
    const rows = repo.listAppointments(tx, { departmentId, patientId: query.patientId, status: query.status, date: query.date, after }, query.limit + 1);
    const page = pageOf(rows, query.limit, (r) => [r.startAt, r.id]);
    audit(tx, ctx, { action: 'appointment.list', entityType: 'appointment', patientId: query.patientId ?? null, detail: { returned: page.items.length, status: query.status ?? null } });
    return { items: page.items.map((r) => toAppointment(tx, r)), nextCursor: page.nextCursor };
  });
}

/** Frees the place (back to the channel's reserve while reserves hold) and cancels the pending reminders. */
function release(tx: Tx, ctx: ServiceContext, row: repo.AppointmentRow, status: 'cancelled' | 'rejected', by: string, reason: string): void {
  if (!repo.changeAppointment(tx, row.id, ['requested', 'booked'], { status, cancelledAt: ctx.now.toISOString(), cancelledBy: by, cancelReason: reason })) throw errors.notOpen(row.status);
  const session = repo.findSession(tx, row.sessionId)!;
  if (session.status === 'open') {
    repo.givePlace(tx, row.slotId, row.sessionId, row.channel, row.fromReserve && session.reservesReleasedAt === null);
    offerFreedPlace(tx, ctx, row.slotId, row.channel);
  }
  cancelReminders(tx, ctx, row.id, `appointment ${status}`);
}

function cutoffPassed(ctx: ServiceContext, row: repo.AppointmentRow): boolean {
  return new Date(row.startAt).getTime() - ctx.now.getTime() < ctx.appointments.cancelCutoffHours * 3600_000;
}

/** Cancels one appointment; patients are held to the cut-off, staff are not (the desk can still help). */
export function cancelIn(tx: Tx, ctx: ServiceContext, row: repo.AppointmentRow, booker: Booker, reason: string): repo.AppointmentRow {
  if (row.status !== 'booked' && row.status !== 'requested') throw errors.notOpen(row.status);
  if (!booker.staff && cutoffPassed(ctx, row)) throw errors.pastCutoff(ctx.appointments.cancelCutoffHours);
  release(tx, ctx, row, 'cancelled', booker.label, reason);
  const after = repo.findAppointment(tx, row.id)!;
  queueNotice(tx, ctx, after, 'cancelled');
  audit(tx, ctx, { action: 'appointment.cancel', entityType: 'appointment', entityId: row.id, patientId: row.patientId, reason });
  return after;
}

/** Moves the booking to another slot in one transaction: the new place is taken before the old is given back. */
export function rescheduleIn(tx: Tx, ctx: ServiceContext, row: repo.AppointmentRow, booker: Booker, slotId: string): repo.AppointmentRow {
  if (row.status !== 'booked' && row.status !== 'requested') throw errors.notOpen(row.status);
  if (!booker.staff && cutoffPassed(ctx, row)) throw errors.pastCutoff(ctx.appointments.cancelCutoffHours);
  if (!repo.changeAppointment(tx, row.id, ['requested', 'booked'], { status: 'cancelled', cancelledAt: ctx.now.toISOString(), cancelledBy: booker.label, cancelReason: 'rescheduled' })) throw errors.notOpen(row.status);
  const moved = bookIn(tx, ctx, { ...booker, channel: row.channel }, row.patientId, slotId, row.type, row.id);
  const session = repo.findSession(tx, row.sessionId)!;
  if (session.status === 'open') {
    repo.givePlace(tx, row.slotId, row.sessionId, row.channel, row.fromReserve && session.reservesReleasedAt === null);
    offerFreedPlace(tx, ctx, row.slotId, row.channel);
  }
  cancelReminders(tx, ctx, row.id, 'appointment moved');
  audit(tx, ctx, { action: 'appointment.reschedule', entityType: 'appointment', entityId: row.id, patientId: row.patientId, detail: { to: moved.id } });
  return moved;
}

export async function cancelAppointment(ctx: ServiceContext, id: string, reason: string): Promise<Appointment> {
  const actor = authorize(ctx, 'appointments.book');
  return inTransaction(ctx, (tx) => toAppointment(tx, cancelIn(tx, ctx, visible(tx, actor, id), staffBooker(ctx, actor), reason)));
}

export async function rescheduleAppointment(ctx: ServiceContext, id: string, slotId: string, version?: number): Promise<Appointment> {
  const actor = authorize(ctx, 'appointments.book');
  return inTransaction(ctx, (tx) => {
    const row = visible(tx, actor, id);
    if (version !== undefined && version !== row.version) throw errors.staleVersion();
    return toAppointment(tx, rescheduleIn(tx, ctx, row, staffBooker(ctx, actor), slotId));
  });
}

/** A department in approval mode: staff confirm a patient's request (reminders start) or turn it down (place freed). */
export async function decideRequest(ctx: ServiceContext, id: string, decision: 'approve' | 'reject', reason?: string): Promise<Appointment> {
  const actor = authorize(ctx, 'appointments.book');
  return inTransaction(ctx, (tx) => {
    const row = visible(tx, actor, id);
    if (row.status !== 'requested') throw errors.notOpen(row.status);
    if (decision === 'approve') {
      repo.changeAppointment(tx, id, ['requested'], { status: 'booked' });
      const booked = repo.findAppointment(tx, id)!;
      queueNotice(tx, ctx, booked, 'confirmation');
      queueReminders(tx, ctx, booked);
    } else {
      release(tx, ctx, row, 'rejected', `staff:${actor.id}`, reason ?? 'request declined');
      queueNotice(tx, ctx, repo.findAppointment(tx, id)!, 'cancelled');
    }
    audit(tx, ctx, { action: `appointment.${decision}`, entityType: 'appointment', entityId: id, patientId: row.patientId, reason: reason ?? null });
    return toAppointment(tx, repo.findAppointment(tx, id)!);
  });
}

/** At the desk on the day: the patient has arrived. */
export async function checkIn(ctx: ServiceContext, id: string): Promise<Appointment> {
  const actor = authorize(ctx, 'appointments.desk');
  return inTransaction(ctx, (tx) => {
    const row = visible(tx, actor, id);
    if (row.date !== localDate(ctx.now, ctx.timeZone)) throw errors.notOpen(`for ${row.date}, not today`);
    if (!repo.changeAppointment(tx, id, ['booked'], { status: 'checked_in', checkedInAt: ctx.now.toISOString() })) throw errors.notOpen(row.status);
    audit(tx, ctx, { action: 'appointment.check_in', entityType: 'appointment', entityId: id, patientId: row.patientId });
    return toAppointment(tx, repo.findAppointment(tx, id)!);
  });
}

/** The visit took place: by staff, or from HIS (completeFromHis). */
export async function completeAppointment(ctx: ServiceContext, id: string): Promise<Appointment> {
  const actor = authorize(ctx, 'appointments.desk');
  return inTransaction(ctx, (tx) => {
    const row = visible(tx, actor, id);
    if (!repo.changeAppointment(tx, id, ['booked', 'checked_in'], { status: 'completed', completedAt: ctx.now.toISOString() })) throw errors.notOpen(row.status);
    audit(tx, ctx, { action: 'appointment.complete', entityType: 'appointment', entityId: id, patientId: row.patientId });
    return toAppointment(tx, repo.findAppointment(tx, id)!);
  });
}

/**
 * The hook imports call when HIS reports the patient's outpatient visit (ADT^A04 registration, SIU^S14 arrival …):
 * the patient's open appointment in that department on that local day is completed. Returns its id, or null.
 */
export function completeFromHis(tx: Tx, ctx: ServiceContext, visit: { patientId: string; departmentId: string | null; at: Date }): string | null {
  const date = localDate(visit.at, ctx.timeZone);
  const row = repo.appointmentsOfPatient(tx, visit.patientId, 50).find((a) => a.date === date && (a.status === 'booked' || a.status === 'checked_in') && (!visit.departmentId || a.departmentId === visit.departmentId));
  if (!row) return null;
  repo.changeAppointment(tx, row.id, ['booked', 'checked_in'], { status: 'completed', completedAt: ctx.now.toISOString() });
  audit(tx, ctx, { action: 'appointment.complete', entityType: 'appointment', entityId: row.id, patientId: row.patientId, reason: 'visit reported by HIS' });
  return row.id;
}

/** The job: bookings of sessions that ended more than the grace period ago, never checked in, become no-shows. */
export async function markNoShows(ctx: ServiceContext): Promise<{ sessions: number; noShows: number }> {
  authorize(ctx, 'appointments.desk');
  const before = new Date(ctx.now.getTime() - ctx.appointments.noShowGraceMinutes * 60_000).toISOString();
  return inTransaction(ctx, (tx) => {
    const counts = { sessions: 0, noShows: 0 };
    for (const session of repo.sessionsEndedUnmarked(tx, before)) {
      for (const row of repo.appointmentsOfSession(tx, session.id, ['booked'])) {
        repo.changeAppointment(tx, row.id, ['booked'], { status: 'no_show', noShowAt: ctx.now.toISOString() });
        audit(tx, ctx, { action: 'appointment.no_show', entityType: 'appointment', entityId: row.id, patientId: row.patientId });
        counts.noShows++;
      }
      repo.updateSession(tx, session.id, { noShowsMarkedAt: ctx.now.toISOString() });
      counts.sessions++;
    }
    return counts;
  });
}

/** Staff undo a no-show (the patient came but was not checked in); the reason is audited. */
export async function reverseNoShow(ctx: ServiceContext, id: string, reason: string): Promise<Appointment> {
  const actor = authorize(ctx, 'appointments.desk');
  return inTransaction(ctx, (tx) => {
    const row = visible(tx, actor, id);
    if (!repo.changeAppointment(tx, id, ['no_show'], { status: 'completed', completedAt: ctx.now.toISOString(), noShowReversedAt: ctx.now.toISOString() })) throw errors.notOpen(row.status);
    audit(tx, ctx, { action: 'appointment.no_show_reverse', entityType: 'appointment', entityId: id, patientId: row.patientId, reason });
    return toAppointment(tx, repo.findAppointment(tx, id)!);
  });
}

/** No-shows in the last 90 days, as the patient file shows them. */
export async function noShowCount(ctx: ServiceContext, patientId: string): Promise<{ patientId: string; noShows90Days: number; limited: boolean }> {
  authorize(ctx, 'appointments.read');
  return inTransaction(ctx, (tx) => {
    if (!patientRef(tx, patientId)) throw errors.patientNotFound(patientId);
    const n = recentNoShows(tx, ctx, patientId);
    audit(tx, ctx, { action: 'appointment.no_show_count', entityType: 'patient', entityId: patientId, patientId });
    const limit = ctx.appointments.noShowLimit;
    return { patientId, noShows90Days: n, limited: limit > 0 && n >= limit };
  });
}
