import { and, asc, between, desc, eq, gt, gte, inArray, isNull, lt, lte, ne, sql } from 'drizzle-orm';
import type { Tx } from '../../../db/client.js';
import { prepared } from '../../../db/client.js';
import { appointments, bookingCodes, bookingDepartments, bookingVisits, clinicSessions, doctorProfiles, scheduleTemplates, slots, waitlistEntries } from '../../../db/schema/appointments.js';

export type DoctorRow = typeof doctorProfiles.$inferSelect;
export type TemplateRow = typeof scheduleTemplates.$inferSelect;
export type SessionRow = typeof clinicSessions.$inferSelect;
export type SlotRow = typeof slots.$inferSelect;
export type AppointmentRow = typeof appointments.$inferSelect;
export type Channel = AppointmentRow['channel'];
export const OPEN_STATUSES = ['requested', 'booked', 'checked_in'] as const;

export function insertDoctor(tx: Tx, row: typeof doctorProfiles.$inferInsert): void {
  tx.insert(doctorProfiles).values(row).run();
}
export function findDoctor(tx: Tx, id: string): DoctorRow | undefined {
  return tx.select().from(doctorProfiles).where(eq(doctorProfiles.id, id)).get();
}
export function doctorsOf(tx: Tx, departmentId: string | undefined): DoctorRow[] {
  return tx
    .select()
    .from(doctorProfiles)
    .where(and(eq(doctorProfiles.active, true), departmentId ? eq(doctorProfiles.departmentId, departmentId) : undefined))
    .orderBy(asc(doctorProfiles.departmentId), asc(doctorProfiles.name))
    .all();
}

export function bookingMode(tx: Tx, departmentId: string): 'direct' | 'approval' | 'view_only' {
  return tx.select({ mode: bookingDepartments.mode }).from(bookingDepartments).where(eq(bookingDepartments.departmentId, departmentId)).get()?.mode ?? 'direct';
}
export function setBookingMode(tx: Tx, departmentId: string, mode: 'direct' | 'approval' | 'view_only', at: string): void {
  tx.insert(bookingDepartments).values({ departmentId, mode, updatedAt: at }).onConflictDoUpdate({ target: bookingDepartments.departmentId, set: { mode, updatedAt: at } }).run();
}

export function insertTemplate(tx: Tx, row: typeof scheduleTemplates.$inferInsert): void {
  tx.insert(scheduleTemplates).values(row).run();
}
export function activeTemplates(tx: Tx): TemplateRow[] {
  return tx.select().from(scheduleTemplates).where(eq(scheduleTemplates.active, true)).all();
}
export function findTemplateByKey(tx: Tx, doctorId: string, weekday: number, halfDay: TemplateRow['halfDay']): TemplateRow | undefined {
  return tx
    .select()
    .from(scheduleTemplates)
    .where(and(eq(scheduleTemplates.doctorId, doctorId), eq(scheduleTemplates.weekday, weekday), eq(scheduleTemplates.halfDay, halfDay)))
    .get();
}

export function insertSession(tx: Tx, row: typeof clinicSessions.$inferInsert, slotRows: (typeof slots.$inferInsert)[]): void {
  tx.insert(clinicSessions).values(row).run();
  if (slotRows.length > 0) tx.insert(slots).values(slotRows).run();
}
export function sessionExists(tx: Tx, doctorId: string, date: string, halfDay: SessionRow['halfDay']): boolean {
  return (
    tx
      .select({ id: clinicSessions.id })
      .from(clinicSessions)
      .where(and(eq(clinicSessions.doctorId, doctorId), eq(clinicSessions.date, date), eq(clinicSessions.halfDay, halfDay)))
      .get() !== undefined
  );
}
export function findSession(tx: Tx, id: string): SessionRow | undefined {
  return tx.select().from(clinicSessions).where(eq(clinicSessions.id, id)).get();
}

/** A department's sessions over a date range: one range of the (department_id, date) index, no aggregation. */
export function sessionsOfDepartment(tx: Tx, departmentId: string, from: string, to: string): SessionRow[] {
  return prepared(tx, 'appointments.sessionsOfDepartment', (t) =>
    t
      .select()
      .from(clinicSessions)
      .where(and(eq(clinicSessions.departmentId, sql.placeholder('departmentId')), between(clinicSessions.date, sql.placeholder('from'), sql.placeholder('to'))))
      .orderBy(asc(clinicSessions.date), asc(clinicSessions.startAt))
      .prepare(),
  ).all({ departmentId, from, to });
}
export function sessionsOfDoctor(tx: Tx, doctorId: string, from: string, to: string): SessionRow[] {
  return tx
    .select()
    .from(clinicSessions)
    .where(and(eq(clinicSessions.doctorId, doctorId), between(clinicSessions.date, from, to)))
    .orderBy(asc(clinicSessions.startAt))
    .all();
}
/** Open sessions starting in (after, until] whose reserves are still held. */
export function sessionsDueForRelease(tx: Tx, until: string): SessionRow[] {
  return tx
    .select()
    .from(clinicSessions)
    .where(and(eq(clinicSessions.status, 'open'), isNull(clinicSessions.reservesReleasedAt), lte(clinicSessions.startAt, until)))
    .all();
}
export function sessionsEndedUnmarked(tx: Tx, endedBefore: string): SessionRow[] {
  return tx
    .select()
    .from(clinicSessions)
    .where(and(isNull(clinicSessions.noShowsMarkedAt), lte(clinicSessions.endAt, endedBefore)))
    .limit(500)
    .all();
}
export function updateSession(tx: Tx, id: string, changes: Partial<typeof clinicSessions.$inferInsert>): void {
  tx.update(clinicSessions).set(changes).where(eq(clinicSessions.id, id)).run();
}

export function findSlot(tx: Tx, id: string): SlotRow | undefined {
  return tx.select().from(slots).where(eq(slots.id, id)).get();
}
export function slotsOfSession(tx: Tx, sessionId: string): SlotRow[] {
  return tx.select().from(slots).where(eq(slots.sessionId, sessionId)).orderBy(asc(slots.startAt)).all();
}
export function slotsOfSessions(tx: Tx, sessionIds: string[]): SlotRow[] {
  if (sessionIds.length === 0) return [];
  return tx.select().from(slots).where(inArray(slots.sessionId, sessionIds)).orderBy(asc(slots.startAt)).all();
}

const reserveColumn = { web: 'reserved_web', phone: 'reserved_phone', desk: 'reserved_desk' } as const;

/**
 * Takes one place in the slot for the channel, or returns null when there is none. Each UPDATE is guarded by the
 * capacity check in its WHERE clause and runs inside the caller's write transaction, so two bookings can never both
 * take the last place. The channel's own reserve goes first, then the places no channel keeps.
 */
export function takePlace(tx: Tx, slotId: string, sessionId: string, channel: Channel): { fromReserve: boolean } | null {
  const column = reserveColumn[channel];
  const client = tx as unknown as { run(q: ReturnType<typeof sql>): { changes: number } };
  const reserved = client.run(sql`UPDATE slots SET booked = booked + 1, ${sql.raw(column)} = ${sql.raw(column)} - 1 WHERE id = ${slotId} AND ${sql.raw(column)} > 0 AND booked < capacity`);
  if (reserved.changes === 1) {
    client.run(sql`UPDATE clinic_sessions SET booked = booked + 1, ${sql.raw(column)} = ${sql.raw(column)} - 1 WHERE id = ${sessionId}`);
    return { fromReserve: true };
  }
  const shared = client.run(sql`UPDATE slots SET booked = booked + 1 WHERE id = ${slotId} AND booked + reserved_web + reserved_phone + reserved_desk < capacity`);
  if (shared.changes !== 1) return null;
  client.run(sql`UPDATE clinic_sessions SET booked = booked + 1, free_shared = free_shared - 1 WHERE id = ${sessionId}`);
  return { fromReserve: false };
}

/** Gives a place back: to the channel's reserve while reserves hold, else to everyone. */
export function givePlace(tx: Tx, slotId: string, sessionId: string, channel: Channel, toReserve: boolean): void {
  const client = tx as unknown as { run(q: ReturnType<typeof sql>): { changes: number } };
  if (toReserve) {
    const column = sql.raw(reserveColumn[channel]);
    client.run(sql`UPDATE slots SET booked = booked - 1, ${column} = ${column} + 1 WHERE id = ${slotId}`);
    client.run(sql`UPDATE clinic_sessions SET booked = booked - 1, ${column} = ${column} + 1 WHERE id = ${sessionId}`);
  } else {
    client.run(sql`UPDATE slots SET booked = booked - 1 WHERE id = ${slotId}`);
    client.run(sql`UPDATE clinic_sessions SET booked = booked - 1, free_shared = free_shared + 1 WHERE id = ${sessionId}`);
  }
}

/** Every channel's unbooked reserve becomes a place anyone may take. */
export function releaseReserves(tx: Tx, sessionId: string, at: string): boolean {
  const client = tx as unknown as { run(q: ReturnType<typeof sql>): { changes: number } };
  const done = client.run(
    sql`UPDATE clinic_sessions SET free_shared = free_shared + reserved_web + reserved_phone + reserved_desk, reserved_web = 0, reserved_phone = 0, reserved_desk = 0, reserves_released_at = ${at} WHERE id = ${sessionId} AND reserves_released_at IS NULL`,
  );
  if (done.changes === 1) client.run(sql`UPDATE slots SET reserved_web = 0, reserved_phone = 0, reserved_desk = 0 WHERE session_id = ${sessionId}`);
  return done.changes === 1;
}

export function insertAppointment(tx: Tx, row: typeof appointments.$inferInsert): void {
  tx.insert(appointments).values(row).run();
}
export function findAppointment(tx: Tx, id: string): AppointmentRow | undefined {
  return tx.select().from(appointments).where(eq(appointments.id, id)).get();
}
/** Moves an appointment from one of `from` to a new status; false when it was no longer in one of them. */
export function changeAppointment(tx: Tx, id: string, from: readonly AppointmentRow['status'][], changes: Partial<typeof appointments.$inferInsert>): boolean {
  return (
    tx
      .update(appointments)
      .set({ ...changes, version: sql`${appointments.version} + 1` })
      .where(and(eq(appointments.id, id), inArray(appointments.status, [...from])))
      .run().changes === 1
  );
}
export function openCountOfPatient(tx: Tx, patientId: string, fromInstant: string): number {
  return (
    tx
      .select({ n: sql<number>`count(*)` })
      .from(appointments)
      .where(and(eq(appointments.patientId, patientId), inArray(appointments.status, [...OPEN_STATUSES]), gte(appointments.startAt, fromInstant)))
      .get()?.n ?? 0
  );
}
export function hasOpenWithDoctorOn(tx: Tx, patientId: string, doctorId: string, date: string, exceptId?: string): boolean {
  return (
    tx
      .select({ id: appointments.id })
      .from(appointments)
      .where(
        and(
          eq(appointments.patientId, patientId),
          eq(appointments.doctorId, doctorId),
          eq(appointments.date, date),
          inArray(appointments.status, [...OPEN_STATUSES]),
          exceptId ? ne(appointments.id, exceptId) : undefined,
        ),
      )
      .get() !== undefined
  );
}
export function noShowsSince(tx: Tx, patientId: string, since: string): number {
  return (
    tx
      .select({ n: sql<number>`count(*)` })
      .from(appointments)
      .where(and(eq(appointments.patientId, patientId), eq(appointments.status, 'no_show'), gte(appointments.startAt, since)))
      .get()?.n ?? 0
  );
}
/** A patient's open appointments from an instant on, soonest first. */
export function upcomingOfPatient(tx: Tx, patientId: string, fromInstant: string, limit: number): AppointmentRow[] {
  return tx
    .select()
    .from(appointments)
    .where(and(eq(appointments.patientId, patientId), inArray(appointments.status, [...OPEN_STATUSES]), gte(appointments.startAt, fromInstant)))
    .orderBy(asc(appointments.startAt))
    .limit(limit)
    .all();
}

/** Whether the patient booked anything (not later rejected) since the instant: a consultation's conversion. */
export function bookedSince(tx: Tx, patientId: string, since: string): boolean {
  return (
    tx
      .select({ id: appointments.id })
      .from(appointments)
      .where(and(eq(appointments.patientId, patientId), gte(appointments.createdAt, since), ne(appointments.status, 'rejected')))
      .get() !== undefined
  );
}

export function appointmentsOfPatient(tx: Tx, patientId: string, limit = 200): AppointmentRow[] {
  return tx.select().from(appointments).where(eq(appointments.patientId, patientId)).orderBy(desc(appointments.startAt)).limit(limit).all();
}
export function appointmentsOfSession(tx: Tx, sessionId: string, statuses: readonly AppointmentRow['status'][]): AppointmentRow[] {
  return tx
    .select()
    .from(appointments)
    .where(and(eq(appointments.sessionId, sessionId), inArray(appointments.status, [...statuses])))
    .orderBy(asc(appointments.startAt))
    .all();
}
export function listAppointments(
  tx: Tx,
  filter: { departmentId?: string | undefined; patientId?: string | undefined; status?: AppointmentRow['status'] | undefined; date?: string | undefined; after?: [string, string] | undefined },
  limit: number,
): AppointmentRow[] {
  const a = filter.after;
  return tx
    .select()
    .from(appointments)
    .where(
      and(
        filter.departmentId ? eq(appointments.departmentId, filter.departmentId) : undefined,
        filter.patientId ? eq(appointments.patientId, filter.patientId) : undefined,
        filter.status ? eq(appointments.status, filter.status) : undefined,
        filter.date ? eq(appointments.date, filter.date) : undefined,
        a ? sql`(${appointments.startAt}, ${appointments.id}) > (${a[0]}, ${a[1]})` : undefined,
      ),
    )
    .orderBy(asc(appointments.startAt), asc(appointments.id))
    .limit(limit)
    .all();
}

export function insertCode(tx: Tx, row: typeof bookingCodes.$inferInsert): void {
  tx.insert(bookingCodes).values(row).run();
}
export function codesSentSince(tx: Tx, phoneHash: string, since: string): number {
  return tx.select({ n: sql<number>`count(*)` }).from(bookingCodes).where(and(eq(bookingCodes.phoneHash, phoneHash), gt(bookingCodes.createdAt, since))).get()?.n ?? 0;
}
export function latestCode(tx: Tx, phoneHash: string): typeof bookingCodes.$inferSelect | undefined {
  return tx.select().from(bookingCodes).where(eq(bookingCodes.phoneHash, phoneHash)).orderBy(desc(bookingCodes.createdAt), desc(bookingCodes.id)).limit(1).get();
}
export function countCodeAttempt(tx: Tx, id: string): void {
  tx.update(bookingCodes).set({ attempts: sql`${bookingCodes.attempts} + 1` }).where(eq(bookingCodes.id, id)).run();
}
export function useCode(tx: Tx, id: string, at: string): boolean {
  return tx.update(bookingCodes).set({ usedAt: at }).where(and(eq(bookingCodes.id, id), isNull(bookingCodes.usedAt))).run().changes === 1;
}
export function insertVisit(tx: Tx, row: typeof bookingVisits.$inferInsert): void {
  tx.insert(bookingVisits).values(row).run();
}
export function findVisit(tx: Tx, tokenHash: string, now: string): typeof bookingVisits.$inferSelect | undefined {
  return tx.select().from(bookingVisits).where(and(eq(bookingVisits.tokenHash, tokenHash), gt(bookingVisits.expiresAt, now))).get();
}
export function purgeOldVisits(tx: Tx, before: string): void {
  tx.delete(bookingVisits).where(lt(bookingVisits.expiresAt, before)).run();
}

export type WaitlistRow = typeof waitlistEntries.$inferSelect;

export function insertWaitlist(tx: Tx, row: typeof waitlistEntries.$inferInsert): void {
  tx.insert(waitlistEntries).values(row).run();
}
export function findWaitlist(tx: Tx, id: string): WaitlistRow | undefined {
  return tx.select().from(waitlistEntries).where(eq(waitlistEntries.id, id)).get();
}
export function waitlistByToken(tx: Tx, tokenHash: string): WaitlistRow | undefined {
  return tx.select().from(waitlistEntries).where(eq(waitlistEntries.offerTokenHash, tokenHash)).get();
}
/** The first patient still waiting for the doctor's day, in the order they joined. */
export function firstWaiting(tx: Tx, doctorId: string, date: string): WaitlistRow | undefined {
  return tx
    .select()
    .from(waitlistEntries)
    .where(and(eq(waitlistEntries.doctorId, doctorId), eq(waitlistEntries.date, date), eq(waitlistEntries.status, 'waiting')))
    .orderBy(asc(waitlistEntries.createdAt), asc(waitlistEntries.id))
    .limit(1)
    .get();
}
export function updateWaitlist(tx: Tx, id: string, from: WaitlistRow['status'], changes: Partial<typeof waitlistEntries.$inferInsert>): boolean {
  return tx.update(waitlistEntries).set(changes).where(and(eq(waitlistEntries.id, id), eq(waitlistEntries.status, from))).run().changes === 1;
}
export function expiredOffers(tx: Tx, now: string): WaitlistRow[] {
  return tx.select().from(waitlistEntries).where(and(eq(waitlistEntries.status, 'offered'), lte(waitlistEntries.offerExpiresAt, now))).limit(500).all();
}
export function refillCounts(tx: Tx, doctorId?: string): { offered: number; refilled: number } {
  const rows = tx
    .select({ status: waitlistEntries.status, n: sql<number>`count(*)` })
    .from(waitlistEntries)
    .where(and(inArray(waitlistEntries.status, ['offered', 'booked', 'expired']), doctorId ? eq(waitlistEntries.doctorId, doctorId) : undefined))
    .groupBy(waitlistEntries.status)
    .all();
  const offered = rows.reduce((n, r) => n + r.n, 0);
  return { offered, refilled: rows.find((r) => r.status === 'booked')?.n ?? 0 };
}
