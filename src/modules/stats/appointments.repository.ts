import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../../db/client.js';
import { inMonths } from './months.js';

/**
 * Read-only sums over appointments' bookings for the statistics. The period is the appointment's own local day
 * (`date`), so no time-zone arithmetic is needed. Requests not yet confirmed and rejected requests were never
 * booked; a booking moved to another slot (cancelled with reason 'rescheduled') is counted as moved, and its new
 * booking as booked, so a reschedule is neither a cancellation nor two bookings.
 */

export const APPOINTMENT_DIMENSIONS = ['department', 'doctor', 'channel'] as const;
export type AppointmentDimension = (typeof APPOINTMENT_DIMENSIONS)[number];

export interface AppointmentScope {
  departmentId?: string | undefined;
  /** A doctor profile id, or the staff id behind a profile (the other figures filter by staff id). */
  doctorId?: string | undefined;
  channel?: string | undefined;
}

/** The sums of one key and one lead time: lead-time medians come from these counts, not from every row. */
export interface AppointmentCell {
  key: string;
  leadDays: number;
  booked: number;
  moved: number;
  cancelled: number;
  due: number;
  noShows: number;
}

const KEY: Record<AppointmentDimension | 'day', SQL> = {
  department: sql`a.department_id`,
  doctor: sql`a.doctor_id`,
  channel: sql`a.channel`,
  day: sql`a.date`,
};

function scopeParts(scope: AppointmentScope): SQL[] {
  const parts: SQL[] = [];
  if (scope.departmentId !== undefined) parts.push(sql`a.department_id = ${scope.departmentId}`);
  if (scope.doctorId !== undefined) parts.push(sql`(a.doctor_id = ${scope.doctorId} OR a.doctor_id IN (SELECT id FROM doctor_profiles WHERE staff_id = ${scope.doctorId}))`);
  if (scope.channel !== undefined) parts.push(sql`a.channel = ${scope.channel}`);
  return parts;
}

function where(from: string, to: string, scope: AppointmentScope): SQL {
  return sql.join([sql`a.date BETWEEN ${from} AND ${to}`, sql`a.status NOT IN ('requested', 'rejected')`, ...scopeParts(scope)], sql` AND `);
}

/** The figures' counts, written once: the live cells and the monthly rollup both use them. */
function figures(now: string): SQL {
  const moved = sql`coalesce(a.cancel_reason, '') = 'rescheduled'`;
  return sql`count(CASE WHEN NOT ${moved} THEN 1 END) AS booked,
      count(CASE WHEN ${moved} THEN 1 END) AS moved,
      count(CASE WHEN a.status = 'cancelled' AND NOT ${moved} THEN 1 END) AS cancelled,
      count(CASE WHEN a.status <> 'cancelled' AND a.start_at < ${now} THEN 1 END) AS due,
      count(CASE WHEN a.status = 'no_show' THEN 1 END) AS noShows`;
}

/**
 * Hospital-wide, the covering index by day answers from the index alone; left to itself SQLite skip-scans the
 * department index and reads a year of rows from the table (seconds at 100× the demo). A department's own index
 * range is smaller, so with a department the planner chooses.
 */
const source = (scope: AppointmentScope): SQL => (scope.departmentId === undefined ? sql`appointments a INDEXED BY appointments_stats_idx` : sql`appointments a`);

/** Counts per key and lead time over the days [from, to]; `now` decides which appointments are due (their time has come). */
export function appointmentCells(tx: Tx, from: string, to: string, now: string, scope: AppointmentScope, by: AppointmentDimension | 'day'): AppointmentCell[] {
  return tx.all<AppointmentCell>(sql`SELECT ${KEY[by]} AS key, a.lead_days AS leadDays, ${figures(now)}
    FROM ${source(scope)} WHERE ${where(from, to, scope)} GROUP BY 1, 2`);
}

/** The rollup's cells of whole months, per key and lead time; by 'month' the key is the month's first day. */
export function rolledAppointmentCells(tx: Tx, months: readonly string[], scope: AppointmentScope, by: AppointmentDimension | 'month'): AppointmentCell[] {
  const key = by === 'month' ? sql`a.month || '-01'` : KEY[by];
  return tx.all<AppointmentCell>(sql`SELECT ${key} AS key, a.lead_days AS leadDays, sum(a.booked) AS booked, sum(a.moved) AS moved,
      sum(a.cancelled) AS cancelled, sum(a.due) AS due, sum(a.no_shows) AS noShows
    FROM stats_appointments_monthly a WHERE ${sql.join([inMonths(months), ...scopeParts(scope)], sql` AND `)} GROUP BY 1, 2`);
}

/** Rebuilds one finished month's rollup (its days [from, to]) from the bookings, with the live cells' counts. */
export function rebuildAppointmentsMonth(tx: Tx, month: string, from: string, to: string, now: string): number {
  tx.run(sql`DELETE FROM stats_appointments_monthly WHERE month = ${month}`);
  return tx.run(sql`INSERT INTO stats_appointments_monthly (month, department_id, doctor_id, channel, lead_days, booked, moved, cancelled, due, no_shows)
    SELECT ${month}, a.department_id, a.doctor_id, a.channel, a.lead_days, ${figures(now)}
    FROM ${source({})} WHERE ${where(from, to, {})} GROUP BY 2, 3, 4, 5`).changes;
}

export function clearAppointmentsRollup(tx: Tx): void {
  tx.run(sql`DELETE FROM stats_appointments_monthly`);
}

export function firstAppointmentDay(tx: Tx): string | null {
  return tx.get<{ day: string | null }>(sql`SELECT min(date) AS day FROM appointments`)?.day ?? null;
}

export interface AppointmentListRow {
  appointmentId: string;
  patientId: string;
  date: string;
  startAt: string;
  departmentId: string;
  doctorId: string;
  channel: string;
  status: string;
  leadDays: number;
  bookedAt: string;
  moved: number;
}

/** `status=cancelled` means what the cancelled rate counts: a booking moved to another time is not cancelled. */
function statusIs(status: string | undefined): SQL {
  if (status === undefined) return sql``;
  return status === 'cancelled' ? sql` AND a.status = 'cancelled' AND coalesce(a.cancel_reason, '') <> 'rescheduled'` : sql` AND a.status = ${status}`;
}

/** The bookings behind a bar, latest first; `status` narrows to cancelled or no-shows. */
export function appointmentsBehind(tx: Tx, from: string, to: string, scope: AppointmentScope & { status?: string | undefined }, limit: number): AppointmentListRow[] {
  return tx.all<AppointmentListRow>(sql`SELECT a.id AS appointmentId, a.patient_id AS patientId, a.date AS date, a.start_at AS startAt, a.department_id AS departmentId,
      a.doctor_id AS doctorId, a.channel AS channel, a.status AS status, a.lead_days AS leadDays, a.created_at AS bookedAt,
      coalesce(a.cancel_reason, '') = 'rescheduled' AS moved
    FROM appointments a WHERE ${where(from, to, scope)}${statusIs(scope.status)}
    ORDER BY a.start_at DESC, a.id LIMIT ${limit}`);
}

/** Doctor profiles' names (patients choose a profile; it may have no staff account). */
export function doctorProfileNames(tx: Tx): Map<string, string> {
  return new Map(tx.all<{ id: string; name: string }>(sql`SELECT id, name FROM doctor_profiles`).map((d) => [d.id, d.name]));
}
