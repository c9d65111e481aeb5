import { sql } from 'drizzle-orm';
import type { Tx } from '../../../db/client.js';

/** Read-only sums over the call centre's consultations and feedback for the statistics. */

/** Consultations received in [start, end) by category, with their conversion as the nightly job decided it. */
export function consultationsByCategory(tx: Tx, start: string, end: string): { key: string; consultations: number; converted: number; notConverted: number; pending: number }[] {
  return tx.all(sql`SELECT category AS key, count(*) AS consultations, count(CASE WHEN conversion = 'converted' THEN 1 END) AS converted,
      count(CASE WHEN conversion = 'not_converted' THEN 1 END) AS notConverted, count(CASE WHEN conversion = 'pending' THEN 1 END) AS pending
    FROM consultations WHERE created_at >= ${start} AND created_at < ${end} GROUP BY 1 ORDER BY 2 DESC, 1`);
}

/**
 * Feedback received in [start, end), a cell per case with its kind, category, department, minutes to resolve (null
 * while unresolved) and 0/1 counts: the caller adds the cells up per dimension and takes medians from the minutes.
 * Due: a deadline that has passed by `now`, or a case resolved already. Met: resolved by its deadline and never
 * escalated (an escalation sets a new deadline, so the one that was missed is no longer on the row). Not grouped in
 * SQL: minutes to resolve differ case by case, so grouping by them left a year nearly a group per case and cost a
 * sort of them all (a 100× year: 350 ms grouped, half that read straight from the covering index).
 */
export interface FeedbackCell {
  kind: string;
  category: string;
  departmentId: string;
  minutes: number | null;
  received: number;
  resolved: number;
  due: number;
  met: number;
  escalated: number;
}

export function feedbackCells(tx: Tx, start: string, end: string, now: string, departmentId: string | undefined): FeedbackCell[] {
  return tx.all<FeedbackCell>(sql`SELECT kind, category, coalesce(department_id, '') AS departmentId,
      CASE WHEN resolved_at IS NOT NULL THEN CAST(round((julianday(resolved_at) - julianday(created_at)) * 1440) AS INTEGER) END AS minutes,
      1 AS received, resolved_at IS NOT NULL AS resolved,
      deadline_at IS NOT NULL AND (resolved_at IS NOT NULL OR deadline_at <= ${now}) AS due,
      deadline_at IS NOT NULL AND resolved_at IS NOT NULL AND resolved_at <= deadline_at AND escalated_at IS NULL AS met,
      escalated_at IS NOT NULL AS escalated
    FROM feedback WHERE created_at >= ${start} AND created_at < ${end}${departmentId !== undefined ? sql` AND coalesce(department_id, '') = ${departmentId}` : sql``}`);
}
