import type { Tx } from '../../../db/client.js';
import { addDays, instantAtLocalTime, localDate } from '../../lib/clock.js';
import type { ServiceContext } from '../../lib/context.js';
import { newId } from '../../lib/ids.js';
import { inReadSnapshot, inTransaction } from '../../lib/transaction.js';
import { audit } from '../audit/audit.service.js';
import { authorize, type StaffActor } from '../staff/permissions.js';
import { departmentExists } from '../staff/staff.service.js';
import { badTemplate, departmentScope, doctorNotFound, sessionNotFound, slotNotFound } from './appointments.errors.js';
import { cancelReminders, queueNotice } from './appointments.notices.js';
import * as repo from './appointments.repository.js';
import type { ClinicSession, CreateDoctorBody, CreateSessionBody, CreateTemplateBody, Doctor, ScheduleQuery, Slot } from './appointments.schemas.js';

const MAX_SLOTS = 200;
type SlotPlan = Pick<CreateSessionBody, 'startTime' | 'endTime' | 'slotMinutes' | 'slotCapacity' | 'reserve'>;

export function toDoctor(row: repo.DoctorRow): Doctor {
  return { id: row.id, departmentId: row.departmentId, name: row.name, title: row.title, specialty: row.specialty, photoUrl: row.photoUrl, feeClass: row.feeClass };
}

/** Managers manage their own department; admins (and jobs) any. */
function requireScope(actor: StaffActor, departmentId: string): void {
  if (actor.role !== 'admin' && actor.departmentId !== departmentId) throw departmentScope();
}

export async function createDoctor(ctx: ServiceContext, body: CreateDoctorBody): Promise<Doctor> {
  const actor = authorize(ctx, 'schedules.manage');
  return inTransaction(ctx, (tx) => {
    if (!departmentExists(tx, body.departmentId)) throw badTemplate('is not a department of this hospital', 'departmentId');
    requireScope(actor, body.departmentId);
    const id = newId();
    repo.insertDoctor(tx, { id, staffId: body.staffId ?? null, departmentId: body.departmentId, name: body.name, title: body.title, specialty: body.specialty ?? null, photoUrl: body.photoUrl ?? null, feeClass: body.feeClass, createdAt: ctx.now.toISOString() });
    audit(tx, ctx, { action: 'doctor.create', entityType: 'doctor', entityId: id });
    return toDoctor(repo.findDoctor(tx, id)!);
  });
}

/** Doctors patients may choose, for staff (the booking page shows them through its sessions). */
export async function listDoctors(ctx: ServiceContext, departmentId: string | undefined): Promise<Doctor[]> {
  authorize(ctx, 'appointments.read');
  return inReadSnapshot(ctx, (tx) => repo.doctorsOf(tx, departmentId).map(toDoctor));
}

export async function setBookingMode(ctx: ServiceContext, departmentId: string, mode: 'direct' | 'approval' | 'view_only'): Promise<{ departmentId: string; mode: typeof mode }> {
  const actor = authorize(ctx, 'schedules.manage');
  return inTransaction(ctx, (tx) => {
    if (!departmentExists(tx, departmentId)) throw badTemplate('is not a department of this hospital', 'departmentId');
    requireScope(actor, departmentId);
    repo.setBookingMode(tx, departmentId, mode, ctx.now.toISOString());
    audit(tx, ctx, { action: 'department.booking_mode', entityType: 'department', entityId: departmentId, detail: { mode } });
    return { departmentId, mode };
  });
}

/** A weekly template; the sessions of the coming days are generated at once (the job keeps the horizon after). */
export async function createTemplate(ctx: ServiceContext, body: CreateTemplateBody): Promise<{ id: string; generated: number }> {
  const actor = authorize(ctx, 'schedules.manage');
  checkPlan(body);
  return inTransaction(ctx, (tx) => {
    const doctor = repo.findDoctor(tx, body.doctorId);
    if (!doctor) throw doctorNotFound(body.doctorId);
    requireScope(actor, doctor.departmentId);
    if (repo.findTemplateByKey(tx, body.doctorId, body.weekday, body.halfDay)) throw badTemplate('this doctor already has a template for that weekday and half-day', 'weekday');
    const id = newId();
    repo.insertTemplate(tx, { id, ...body, createdAt: ctx.now.toISOString() });
    audit(tx, ctx, { action: 'schedule_template.create', entityType: 'schedule_template', entityId: id, detail: { doctorId: body.doctorId, weekday: body.weekday, halfDay: body.halfDay } });
    const generated = generateFrom(tx, ctx, [repo.activeTemplates(tx).find((t) => t.id === id)!]);
    return { id, generated };
  });
}

/** A one-off session outside the templates (an extra clinic). */
export async function createSession(ctx: ServiceContext, body: CreateSessionBody): Promise<ClinicSession> {
  const actor = authorize(ctx, 'schedules.manage');
  checkPlan(body);
  return inTransaction(ctx, (tx) => {
    const doctor = repo.findDoctor(tx, body.doctorId);
    if (!doctor) throw doctorNotFound(body.doctorId);
    requireScope(actor, doctor.departmentId);
    if (body.date < localDate(ctx.now, ctx.timeZone)) throw badTemplate('is before today', 'date');
    if (repo.sessionExists(tx, doctor.id, body.date, body.halfDay)) throw badTemplate('this doctor already has a session on that date and half-day', 'halfDay');
    const id = insertSessionFor(tx, ctx, doctor, body.date, body.halfDay, body, null);
    audit(tx, ctx, { action: 'clinic_session.create', entityType: 'clinic_session', entityId: id });
    return sessionView(tx, repo.findSession(tx, id)!, doctor, 'desk', true);
  });
}

function checkPlan(plan: SlotPlan): void {
  if (plan.endTime <= plan.startTime) throw badTemplate('must be after startTime', 'endTime');
  const minutes = toMinutes(plan.endTime) - toMinutes(plan.startTime);
  const count = Math.floor(minutes / plan.slotMinutes);
  if (count < 1) throw badTemplate('is longer than the session', 'slotMinutes');
  if (count > MAX_SLOTS) throw badTemplate(`makes more than ${MAX_SLOTS} slots`, 'slotMinutes');
  const reserved = plan.reserve.web + plan.reserve.phone + plan.reserve.desk;
  if (reserved > plan.slotCapacity) throw badTemplate(`reserves ${reserved} places of a ${plan.slotCapacity}-place slot`, 'reserve');
}

const toMinutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
const fromMinutes = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** Writes a session and its slots with the free counts every booking keeps in step. */
export function insertSessionFor(tx: Tx, ctx: ServiceContext, doctor: repo.DoctorRow, date: string, halfDay: repo.SessionRow['halfDay'], plan: SlotPlan, templateId: string | null): string {
  const id = newId();
  const start = toMinutes(plan.startTime);
  const count = Math.floor((toMinutes(plan.endTime) - start) / plan.slotMinutes);
  const r = plan.reserve;
  const slotRows = Array.from({ length: count }, (_v, i) => ({
    id: newId(),
    sessionId: id,
    startAt: instantAtLocalTime(date, fromMinutes(start + i * plan.slotMinutes), ctx.timeZone).toISOString(),
    endAt: instantAtLocalTime(date, fromMinutes(start + (i + 1) * plan.slotMinutes), ctx.timeZone).toISOString(),
    capacity: plan.slotCapacity,
    reservedWeb: r.web,
    reservedPhone: r.phone,
    reservedDesk: r.desk,
  }));
  repo.insertSession(
    tx,
    {
      id,
      doctorId: doctor.id,
      departmentId: doctor.departmentId,
      date,
      halfDay,
      startAt: slotRows[0]!.startAt,
      endAt: slotRows.at(-1)!.endAt,
      status: 'open',
      templateId,
      capacity: count * plan.slotCapacity,
      freeShared: count * (plan.slotCapacity - r.web - r.phone - r.desk),
      reservedWeb: count * r.web,
      reservedPhone: count * r.phone,
      reservedDesk: count * r.desk,
      createdAt: ctx.now.toISOString(),
    },
    slotRows,
  );
  return id;
}

/** The job: every active template's sessions from today to HCRM_SCHEDULE_DAYS_AHEAD, each once. */
export async function generateSessions(ctx: ServiceContext): Promise<{ generated: number }> {
  authorize(ctx, 'schedules.manage');
  return inTransaction(ctx, (tx) => ({ generated: generateFrom(tx, ctx, repo.activeTemplates(tx)) }));
}

function generateFrom(tx: Tx, ctx: ServiceContext, templates: repo.TemplateRow[]): number {
  const today = localDate(ctx.now, ctx.timeZone);
  let generated = 0;
  for (let d = 0; d < ctx.appointments.scheduleDaysAhead; d++) {
    const date = addDays(today, d);
    const weekday = ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
    for (const template of templates.filter((t) => t.weekday === weekday)) {
      if (repo.sessionExists(tx, template.doctorId, date, template.halfDay)) continue;
      const doctor = repo.findDoctor(tx, template.doctorId);
      if (!doctor?.active) continue;
      const id = insertSessionFor(tx, ctx, doctor, date, template.halfDay, template, template.id);
      if (instantAtLocalTime(date, template.endTime, ctx.timeZone) <= ctx.now) repo.updateSession(tx, id, { status: 'stopped', stopReason: 'generated after its end', stoppedAt: ctx.now.toISOString() });
      generated++;
    }
  }
  if (generated > 0) audit(tx, ctx, { action: 'clinic_session.generate', entityType: 'clinic_session', detail: { generated } });
  return generated;
}

/** Free places of a session for a channel: the shared ones plus the channel's own reserve. */
export function freeFor(row: { freeShared: number; reservedWeb: number; reservedPhone: number; reservedDesk: number }, channel: repo.Channel): number {
  return row.freeShared + (channel === 'web' ? row.reservedWeb : channel === 'phone' ? row.reservedPhone : row.reservedDesk);
}

export function slotView(row: repo.SlotRow, channel: repo.Channel, open: boolean): Slot {
  const free = open ? row.capacity - row.booked - row.reservedWeb - row.reservedPhone - row.reservedDesk + (channel === 'web' ? row.reservedWeb : channel === 'phone' ? row.reservedPhone : row.reservedDesk) : 0;
  return { id: row.id, startAt: row.startAt, endAt: row.endAt, capacity: row.capacity, booked: row.booked, free: Math.max(0, free) };
}

export function sessionView(tx: Tx, row: repo.SessionRow, doctor: repo.DoctorRow, channel: repo.Channel, withSlots: boolean): ClinicSession {
  const open = row.status === 'open';
  return {
    id: row.id,
    doctor: toDoctor(doctor),
    departmentId: row.departmentId,
    date: row.date,
    halfDay: row.halfDay,
    startAt: row.startAt,
    endAt: row.endAt,
    status: row.status,
    capacity: row.capacity,
    booked: row.booked,
    free: open ? freeFor(row, channel) : 0,
    stopReason: row.stopReason,
    ...(withSlots ? { slots: repo.slotsOfSession(tx, row.id).map((s) => slotView(s, channel, open)) } : {}),
  };
}

/**
 * A department's sessions over some days with their free places for one channel: one index range of clinic_sessions
 * (the counts live on the session row) and the department's doctors. No patient data, so the booking page reads it too.
 */
export function weekOf(tx: Tx, ctx: ServiceContext, query: ScheduleQuery, channel: repo.Channel): ClinicSession[] {
  const from = query.from ?? localDate(ctx.now, ctx.timeZone);
  const doctors = new Map(repo.doctorsOf(tx, query.departmentId).map((d) => [d.id, d]));
  const items: ClinicSession[] = [];
  for (const row of repo.sessionsOfDepartment(tx, query.departmentId, from, addDays(from, query.days - 1))) {
    if (query.doctorId && row.doctorId !== query.doctorId) continue;
    const doctor = doctors.get(row.doctorId);
    if (doctor) items.push(sessionView(tx, row, doctor, channel, false));
  }
  return items;
}

export function channelOf(actor: ServiceContext['actor'], asked?: repo.Channel): repo.Channel {
  if (asked) return asked;
  if (actor.kind !== 'staff') return 'web';
  return actor.role === 'agent' ? 'phone' : 'desk';
}

export async function weekSchedule(ctx: ServiceContext, query: ScheduleQuery): Promise<{ items: ClinicSession[]; bookingMode: 'direct' | 'approval' | 'view_only' }> {
  authorize(ctx, 'appointments.read');
  return inReadSnapshot(ctx, (tx) => ({ items: weekOf(tx, ctx, query, channelOf(ctx.actor, query.channel)), bookingMode: repo.bookingMode(tx, query.departmentId) }));
}

/** Sessions read without their slots, given them with one query for all (not one per session). */
export function withSlots(tx: Tx, sessions: ClinicSession[], channel: repo.Channel): ClinicSession[] {
  const bySession = new Map<string, repo.SlotRow[]>();
  for (const slot of repo.slotsOfSessions(tx, sessions.map((s) => s.id))) {
    const list = bySession.get(slot.sessionId);
    if (list) list.push(slot);
    else bySession.set(slot.sessionId, [slot]);
  }
  return sessions.map((s) => ({ ...s, slots: (bySession.get(s.id) ?? []).map((slot) => slotView(slot, channel, s.status === 'open')) }));
}

/** A department's week with every session's slots, for the actor's channel: what the staff booking page lays out. */
export async function weekWithSlots(ctx: ServiceContext, query: ScheduleQuery): Promise<ClinicSession[]> {
  authorize(ctx, 'appointments.read');
  const channel = channelOf(ctx.actor, query.channel);
  return inReadSnapshot(ctx, (tx) => withSlots(tx, weekOf(tx, ctx, query, channel), channel));
}

export function sessionWithSlots(tx: Tx, sessionId: string, channel: repo.Channel): ClinicSession {
  const row = repo.findSession(tx, sessionId);
  const doctor = row && repo.findDoctor(tx, row.doctorId);
  if (!row || !doctor) throw sessionNotFound(sessionId);
  return sessionView(tx, row, doctor, channel, true);
}

export async function getSession(ctx: ServiceContext, sessionId: string, channel?: repo.Channel): Promise<ClinicSession> {
  authorize(ctx, 'appointments.read');
  return inReadSnapshot(ctx, (tx) => sessionWithSlots(tx, sessionId, channelOf(ctx.actor, channel)));
}

/**
 * Stopping a session (停诊): every open booking is cancelled and its patient told, with a link to rebook; reminders
 * go with them. One transaction: the notices commit with the cancellations.
 */
export async function stopSession(ctx: ServiceContext, sessionId: string, reason: string): Promise<ClinicSession & { cancelled: number }> {
  const actor = authorize(ctx, 'schedules.manage');
  return inTransaction(ctx, (tx) => {
    const row = repo.findSession(tx, sessionId);
    if (!row) throw sessionNotFound(sessionId);
    requireScope(actor, row.departmentId);
    if (row.status === 'stopped') return { ...sessionWithSlots(tx, sessionId, 'desk'), cancelled: 0 };
    const nowIso = ctx.now.toISOString();
    repo.updateSession(tx, sessionId, { status: 'stopped', stoppedAt: nowIso, stopReason: reason });
    const link = `${ctx.followup.publicUrl}/book?department=${encodeURIComponent(row.departmentId)}`;
    const open = repo.appointmentsOfSession(tx, sessionId, ['requested', 'booked']);
    for (const appointment of open) {
      repo.changeAppointment(tx, appointment.id, ['requested', 'booked'], { status: 'cancelled', cancelledAt: nowIso, cancelledBy: actor.id, cancelReason: `session stopped: ${reason}` });
      cancelReminders(tx, ctx, appointment.id, 'clinic session stopped');
      queueNotice(tx, ctx, repo.findAppointment(tx, appointment.id)!, 'session-stopped', { link });
      audit(tx, ctx, { action: 'appointment.cancel', entityType: 'appointment', entityId: appointment.id, patientId: appointment.patientId, reason: `session stopped: ${reason}` });
    }
    audit(tx, ctx, { action: 'clinic_session.stop', entityType: 'clinic_session', entityId: sessionId, reason, detail: { cancelled: open.length } });
    return { ...sessionWithSlots(tx, sessionId, 'desk'), cancelled: open.length };
  });
}

/** The job: reserves still unbooked HCRM_RESERVE_RELEASE_HOURS before a session are opened to every channel. */
export async function releaseDueReserves(ctx: ServiceContext): Promise<{ released: number }> {
  authorize(ctx, 'schedules.manage');
  const until = new Date(ctx.now.getTime() + ctx.appointments.reserveReleaseHours * 3600_000).toISOString();
  return inTransaction(ctx, (tx) => {
    let released = 0;
    for (const row of repo.sessionsDueForRelease(tx, until)) if (repo.releaseReserves(tx, row.id, ctx.now.toISOString())) released++;
    return { released };
  });
}

/** The session of a slot, with its slots: what a booking form shows around the chosen time. */
export async function slotSession(ctx: ServiceContext, slotId: string): Promise<ClinicSession> {
  authorize(ctx, 'appointments.read');
  return inReadSnapshot(ctx, (tx) => {
    const slot = repo.findSlot(tx, slotId);
    if (!slot) throw slotNotFound(slotId);
    return sessionWithSlots(tx, slot.sessionId, channelOf(ctx.actor));
  });
}
