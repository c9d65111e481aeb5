import { sql } from 'drizzle-orm';
import { statement, type Tx } from '../../../db/client.js';

/** Read-only sums over the call centre's consultations and feedback for the statistics. */

/** Consultations received in [start, end) by category, with their conversion as the nightly job decided it. */
export function consultationsByCategory(tx: Tx, start: string, end: string): { key: string; consultations: number; converted: number; notConverted: number; pending: number }[] {
  return tx.all(sql`SELECT category AS key, count(*) AS consultations, count(CASE WHEN conversion = 'converted' THEN 1 END) AS converted,
      count(CASE WHEN conversion = 'not_converted' THEN 1 END) AS notConverted, count(CASE WHEN conversion = 'pending' THEN 1 END) AS pending
    FROM consultations WHERE created_at >= ${start} AND created_at < ${end} GROUP BY 1 ORDER BY 2 DESC, 1`);
}

/**
 * Feedback received in [start, end), a cell per kind, category and department with its 0/1 counts added up and its
 * cases' minutes to resolve as a histogram: the caller adds the cells up per dimension and takes medians from the
 * histograms. Due: a deadline that has passed by `now`, or a case resolved already. Met: resolved by its deadline and
 * never escalated (an escalation sets a new deadline, so the one that was missed is no longer on the row).
 *
 * The cases are read straight from the covering index, not grouped in SQL: minutes to resolve differ case by case,
 * and grouping by the cell alone still sorts a year's cases. Each case comes back as one array of three values (the
 * cell's key as one string, the minutes, the counts as bits), so a 100× year (100,000 cases) costs about half of
 * reading them as objects of nine columns, and the cells are added up here, in one pass.
 */
export interface FeedbackCell {
  kind: string;
  category: string;
  departmentId: string;
  received: number;
  resolved: number;
  due: number;
  met: number;
  escalated: number;
  /** Minutes to resolve → resolved cases that took them. */
  minutes: Map<number, number>;
}

/** Unit separator: kinds and categories are codes and departments ids, none holds it. */
const SEPARATOR = '\u001f';

export function feedbackCells(tx: Tx, start: string, end: string, now: string, departmentId: string | undefined): FeedbackCell[] {
  const inDepartment = departmentId !== undefined ? " AND coalesce(department_id, '') = ?" : '';
  // SQLite gives << and | the same precedence: each shift is in brackets of its own.
  const cases = statement(
    tx,
    `SELECT kind || char(31) || category || char(31) || coalesce(department_id, ''),
      CASE WHEN resolved_at IS NOT NULL THEN CAST(round((julianday(resolved_at) - julianday(created_at)) * 1440) AS INTEGER) END,
      (resolved_at IS NOT NULL)
        | ((deadline_at IS NOT NULL AND (resolved_at IS NOT NULL OR deadline_at <= ?)) << 1)
        | ((deadline_at IS NOT NULL AND resolved_at IS NOT NULL AND resolved_at <= deadline_at AND escalated_at IS NULL) << 2)
        | ((escalated_at IS NOT NULL) << 3)
    FROM feedback WHERE created_at >= ? AND created_at < ?${inDepartment}`,
  ).raw(true);
  const cells = new Map<string, FeedbackCell>();
  for (const [key, minutes, bits] of cases.all(now, start, end, ...(departmentId !== undefined ? [departmentId] : [])) as [string, number | null, number][]) {
    let cell = cells.get(key);
    if (!cell) {
      const [kind = '', category = '', department = ''] = key.split(SEPARATOR);
      cells.set(key, (cell = { kind, category, departmentId: department, received: 0, resolved: 0, due: 0, met: 0, escalated: 0, minutes: new Map() }));
    }
    cell.received++;
    cell.resolved += bits & 1;
    cell.due += (bits >> 1) & 1;
    cell.met += (bits >> 2) & 1;
    cell.escalated += (bits >> 3) & 1;
    if (minutes !== null) cell.minutes.set(minutes, (cell.minutes.get(minutes) ?? 0) + 1);
  }
  return [...cells.values()];
}
