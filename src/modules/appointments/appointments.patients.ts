import { Conflict } from '../../lib/errors.js';
import { actingAs, type ServiceContext } from '../../lib/context.js';
import { inReadSnapshot, inTransaction } from '../../lib/transaction.js';
import { contactProfile, outreachPatient, patientForBooking } from '../patients/patients.service.js';
import { listDepartments } from '../staff/staff.service.js';
import { auditVisitor, visitorPatients } from './appointments.codes.js';
import { appointmentNotFound } from './appointments.errors.js';
import * as repo from './appointments.repository.js';
import type { Appointment, ClinicSession } from './appointments.schemas.js';
import { sessionView, sessionWithSlots, weekOf, withSlots } from './appointments.schedules.js';
import { bookIn, bookingWindow, cancelIn, checkNewPatient, rescheduleIn, toAppointment, type Booker } from './appointments.service.js';

/*
 * The verbs of the patients' booking page. Nobody is signed in as staff: a patient either books with name, mobile
 * and resident ID, or proves their mobile with an SMS code (a visit token) and then acts for the files with it.
 */
const WEB: Booker = { channel: 'web', staff: null, label: 'patient:web' };

export async function bookingDepartments(ctx: ServiceContext): Promise<{ id: string; nameZh: string; nameEn: string }[]> {
  const all = await listDepartments(actingAs(ctx, { kind: 'system', id: 'booking-page' }));
  const withDoctors = new Set(inReadSnapshot(ctx, (tx) => repo.doctorsOf(tx, undefined).map((d) => d.departmentId)));
  return all.filter((d) => d.active && withDoctors.has(d.id));
}

export async function publicWeek(ctx: ServiceContext, departmentId: string, from?: string): Promise<{ items: ClinicSession[]; bookingMode: 'direct' | 'approval' | 'view_only' }> {
  return inReadSnapshot(ctx, (tx) => ({ items: weekOf(tx, ctx, { departmentId, days: 7, ...(from ? { from } : {}) }, 'web'), bookingMode: repo.bookingMode(tx, departmentId) }));
}

/** A session with its slots for the web, and whether its department lets patients book online (not view-only). */
export async function publicSession(ctx: ServiceContext, sessionId: string): Promise<{ session: ClinicSession; bookable: boolean }> {
  return inReadSnapshot(ctx, (tx) => {
    const session = sessionWithSlots(tx, sessionId, 'web');
    return { session, bookable: repo.bookingMode(tx, session.departmentId) !== 'view_only' };
  });
}

/**
 * What the page shows after a booking: doctor, day, time and status. A first-time patient holds no visit token to
 * prove the booking theirs, so the id is not a credential and nothing personal is read or returned.
 */
export async function bookingConfirmation(ctx: ServiceContext, id: string): Promise<{ doctorName: string; date: string; startAt: string; status: Appointment['status'] }> {
  return inReadSnapshot(ctx, (tx) => {
    const row = repo.findAppointment(tx, id);
    if (!row) throw appointmentNotFound(id);
    return { doctorName: repo.findDoctor(tx, row.doctorId)?.name ?? '', date: row.date, startAt: row.startAt, status: row.status };
  });
}

export async function publicSlotSession(ctx: ServiceContext, slotId: string): Promise<{ session: ClinicSession; slotId: string } | null> {
  return inReadSnapshot(ctx, (tx) => {
    const slot = repo.findSlot(tx, slotId);
    return slot ? { session: sessionWithSlots(tx, slot.sessionId, 'web'), slotId } : null;
  });
}

/**
 * A first-time booking with name, mobile and resident ID. A resident ID already on file books for that file only
 * when the mobile is the file's own; otherwise the patient signs in with an SMS code, so nobody books (or reads
 * the confirmation) in another's name.
 */
export async function bookAsNewPatient(ctx: ServiceContext, slotId: string, person: { name: string; phone: string; residentId: string }): Promise<Appointment> {
  const checked = checkNewPatient(ctx, person, '');
  return inTransaction(ctx, (tx) => {
    const patient = patientForBooking(tx, ctx, checked);
    if (!patient.created && contactProfile(tx, patient.id)?.phone !== checked.phone) {
      throw new Conflict('appointments.sign_in_required', 'This resident ID is already on file with another mobile number: sign in with an SMS code to the number on file, or call the hospital.');
    }
    const row = bookIn(tx, ctx, WEB, patient.id, slotId, 'outpatient');
    return toAppointment(tx, row);
  });
}

export async function visitorFiles(ctx: ServiceContext, token: string | undefined): Promise<{ id: string; name: string }[]> {
  return inTransaction(ctx, (tx) => visitorPatients(tx, ctx, token).patientIds.map((id) => ({ id, name: outreachPatient(tx, id)?.name ?? '' })));
}

export async function bookAsVisitor(ctx: ServiceContext, token: string | undefined, patientId: string, slotId: string): Promise<Appointment> {
  return inTransaction(ctx, (tx) => {
    if (!visitorPatients(tx, ctx, token).patientIds.includes(patientId)) throw appointmentNotFound(patientId);
    return toAppointment(tx, bookIn(tx, ctx, WEB, patientId, slotId, 'outpatient'));
  });
}

/** The visitor's bookings, newest first; reading them is audited per patient. */
export async function myAppointments(ctx: ServiceContext, token: string | undefined): Promise<Appointment[]> {
  return inTransaction(ctx, (tx) => {
    const { patientIds } = visitorPatients(tx, ctx, token);
    const rows = patientIds.flatMap((id) => repo.appointmentsOfPatient(tx, id, 20));
    for (const id of patientIds) auditVisitor(tx, ctx, 'appointment.list', id);
    return rows.sort((a, b) => (a.startAt < b.startAt ? 1 : -1)).map((r) => toAppointment(tx, r));
  });
}

function mine(tx: Parameters<typeof visitorPatients>[0], ctx: ServiceContext, token: string | undefined, id: string): repo.AppointmentRow {
  const row = repo.findAppointment(tx, id);
  if (!row || !visitorPatients(tx, ctx, token).patientIds.includes(row.patientId)) throw appointmentNotFound(id);
  return row;
}

export async function cancelMine(ctx: ServiceContext, token: string | undefined, id: string): Promise<Appointment> {
  return inTransaction(ctx, (tx) => toAppointment(tx, cancelIn(tx, ctx, mine(tx, ctx, token, id), WEB, 'cancelled by the patient on the booking page')));
}

export async function moveMine(ctx: ServiceContext, token: string | undefined, id: string, slotId: string): Promise<Appointment> {
  return inTransaction(ctx, (tx) => toAppointment(tx, rescheduleIn(tx, ctx, mine(tx, ctx, token, id), WEB, slotId)));
}

/** The visitor's booking and where it may move: its doctor's open sessions within the booking window, with their web slots. */
export async function moveChoices(ctx: ServiceContext, token: string | undefined, id: string): Promise<{ appointment: Appointment; sessions: ClinicSession[] }> {
  return inTransaction(ctx, (tx) => {
    const row = mine(tx, ctx, token, id);
    auditVisitor(tx, ctx, 'appointment.read', row.patientId, id);
    const doctor = repo.findDoctor(tx, row.doctorId);
    const { from, to } = bookingWindow(ctx);
    const open = doctor ? repo.sessionsOfDoctor(tx, doctor.id, from, to).filter((s) => s.status === 'open').map((s) => sessionView(tx, s, doctor, 'web', false)) : [];
    return { appointment: toAppointment(tx, row), sessions: withSlots(tx, open, 'web') };
  });
}
