import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../../db/client.js';
import { inMonths } from './months.js';

/**
 * Read-only sums over follow-up's enrolments, tasks and call attempts (and the discharges they follow) for the
 * statistics. Keys are department ids ('' for none); `doctorId` is the staff member: the attending doctor of a
 * discharge, the assignee of a task, the caller of an attempt.
 */

export interface FollowupScope {
  departmentId?: string | undefined;
  doctorId?: string | undefined;
}

const eq = (column: SQL, value: string | undefined): SQL => (value === undefined ? sql`` : sql` AND coalesce(${column}, '') = ${value}`);

/** Inpatient stays that ended in [start, end): what a discharge is, written once for the live figure and the rollup. */
const discharged = (start: string, end: string): SQL => sql`e.end_at >= ${start} AND e.end_at < ${end} AND e.class = 'inpatient' AND e.status NOT IN ('planned', 'cancelled')`;
const withPlan = sql`count(CASE WHEN EXISTS (SELECT 1 FROM followup_enrolments f WHERE f.encounter_id = e.id) THEN 1 END)`;

/** Discharges in [start, end), and how many of them put the patient on a plan. */
export function dischargesWithPlan(tx: Tx, start: string, end: string, scope: FollowupScope): DischargeRow[] {
  return tx.all(sql`SELECT coalesce(e.department_id, '') AS key, count(*) AS discharges, ${withPlan} AS withPlan
    FROM encounters e WHERE ${discharged(start, end)}
    ${eq(sql`e.department_id`, scope.departmentId)}${eq(sql`e.attending_doctor_id`, scope.doctorId)}
    GROUP BY 1 ORDER BY 1`);
}

export interface DischargeRow {
  key: string;
  discharges: number;
  withPlan: number;
}

/** The discharges rollup's whole months, by department. */
export function rolledDischarges(tx: Tx, months: readonly string[], scope: FollowupScope): DischargeRow[] {
  return tx.all(sql`SELECT department_id AS key, sum(discharges) AS discharges, sum(with_plan) AS withPlan FROM stats_discharges_monthly
    WHERE ${inMonths(months)}${eq(sql`department_id`, scope.departmentId)}${eq(sql`doctor_id`, scope.doctorId)} GROUP BY 1 ORDER BY 1`);
}

/** Rebuilds one local month's discharges rollup (its instants [start, end)). */
export function rebuildDischargesMonth(tx: Tx, month: string, start: string, end: string): number {
  tx.run(sql`DELETE FROM stats_discharges_monthly WHERE month = ${month}`);
  return tx.run(sql`INSERT INTO stats_discharges_monthly (month, department_id, doctor_id, discharges, with_plan)
    SELECT ${month}, coalesce(e.department_id, ''), coalesce(e.attending_doctor_id, ''), count(*), ${withPlan}
    FROM encounters e WHERE ${discharged(start, end)} GROUP BY 2, 3`).changes;
}

export function firstDischargeInstant(tx: Tx): string | null {
  return tx.get<{ at: string | null }>(sql`SELECT min(e.end_at) AS at FROM encounters e WHERE e.end_at IS NOT NULL AND e.class = 'inpatient' AND e.status NOT IN ('planned', 'cancelled')`)?.at ?? null;
}

/**
 * Tasks due on the given local days (each day's instants [start, end)), whose due time has passed by `now`, cancelled
 * ones left out: how many are done, and how many were done before their due day ended (what the worklist calls on
 * time: a task is flagged overdue only from the next day). One index range per day, added up per department: a
 * single join against a table of days ran for seconds at 100× the demo.
 */
export function tasksDue(tx: Tx, days: readonly { start: string; end: string }[], now: string, scope: FollowupScope): { key: string; due: number; done: number; onTime: number }[] {
  const totals = new Map<string, { key: string; due: number; done: number; onTime: number }>();
  // Hospital-wide, SQLite would skip-scan the worklist index per department and status; the covering index by due
  // time is one small range. A department's is one range of its covering index (a task always has a department, so
  // the plain comparison the index can use means the same as the other figures' coalesce).
  const byDue = scope.departmentId === undefined ? sql`followup_tasks t INDEXED BY followup_tasks_due_idx` : sql`followup_tasks t INDEXED BY followup_tasks_department_due_idx`;
  const inDepartment = scope.departmentId === undefined ? sql`` : sql` AND t.department_id = ${scope.departmentId}`;
  for (const day of days) {
    const rows = tx.all<{ key: string; due: number; done: number; onTime: number }>(sql`SELECT t.department_id AS key, count(*) AS due,
        count(CASE WHEN t.status = 'done' THEN 1 END) AS done, count(CASE WHEN t.status = 'done' AND t.closed_at < ${day.end} THEN 1 END) AS onTime
      FROM ${byDue} WHERE t.due_at >= ${day.start} AND t.due_at < ${day.end} AND t.due_at < ${now} AND t.status <> 'cancelled'
      ${inDepartment}${eq(sql`t.assignee_id`, scope.doctorId)} GROUP BY 1`);
    for (const r of rows) {
      const acc = totals.get(r.key) ?? { key: r.key, due: 0, done: 0, onTime: 0 };
      acc.due += r.due;
      acc.done += r.done;
      acc.onTime += r.onTime;
      totals.set(r.key, acc);
    }
  }
  return [...totals.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/** Call attempts made in [start, end) with their task's department: one lookup per attempt in the covering index. */
const attemptsIn = (start: string, end: string): SQL => sql`followup_task_attempts a CROSS JOIN followup_tasks t INDEXED BY followup_tasks_department_of_idx ON t.id = a.task_id
    WHERE a.at >= ${start} AND a.at < ${end}`;
const reached = sql`count(CASE WHEN a.outcome = 'reached' THEN 1 END)`;

export interface AttemptRow {
  key: string;
  attempted: number;
  reached: number;
}

/** Call attempts made in [start, end) and how many reached the patient. */
export function callAttempts(tx: Tx, start: string, end: string, scope: FollowupScope): AttemptRow[] {
  return tx.all(sql`SELECT t.department_id AS key, count(*) AS attempted, ${reached} AS reached
    FROM ${attemptsIn(start, end)}${eq(sql`t.department_id`, scope.departmentId)}${eq(sql`a.staff_id`, scope.doctorId)}
    GROUP BY 1 ORDER BY 1`);
}

/** The call-attempts rollup's whole months, by department. */
export function rolledCallAttempts(tx: Tx, months: readonly string[], scope: FollowupScope): AttemptRow[] {
  return tx.all(sql`SELECT department_id AS key, sum(attempted) AS attempted, sum(reached) AS reached FROM stats_call_attempts_monthly
    WHERE ${inMonths(months)}${eq(sql`department_id`, scope.departmentId)}${eq(sql`staff_id`, scope.doctorId)} GROUP BY 1 ORDER BY 1`);
}

/** Rebuilds one local month's call-attempts rollup (its instants [start, end)). */
export function rebuildCallAttemptsMonth(tx: Tx, month: string, start: string, end: string): number {
  tx.run(sql`DELETE FROM stats_call_attempts_monthly WHERE month = ${month}`);
  return tx.run(sql`INSERT INTO stats_call_attempts_monthly (month, department_id, staff_id, attempted, reached)
    SELECT ${month}, t.department_id, a.staff_id, count(*), ${reached} FROM ${attemptsIn(start, end)} GROUP BY 2, 3`).changes;
}

export function firstAttemptInstant(tx: Tx): string | null {
  return tx.get<{ at: string | null }>(sql`SELECT min(at) AS at FROM followup_task_attempts`)?.at ?? null;
}

export function clearFollowupRollups(tx: Tx): void {
  tx.run(sql`DELETE FROM stats_discharges_monthly`);
  tx.run(sql`DELETE FROM stats_call_attempts_monthly`);
}
