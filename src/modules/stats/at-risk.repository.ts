import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../../db/client.js';

/**
 * The at-risk rule's three reasons, read from follow-up's responses and feedback's complaints (the same rule as the
 * patient file's banner, feedback's riskOf, but for many patients and as of the end of a period). Only patients
 * whose file is live (active, not deceased, not merged away). A department sees its own complaints and answers.
 */

const LIVE = sql`p.active = 1 AND p.deceased_at IS NULL AND p.merged_into_id IS NULL`;
const inDepartment = (column: SQL, departmentId: string | undefined) => (departmentId === undefined ? sql`` : sql` AND coalesce(${column}, '') = ${departmentId}`);
const among = (column: SQL, ids: readonly string[] | undefined) => (ids === undefined ? sql`` : sql` AND ${column} IN (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`);
const upTo = (limit: number | undefined) => (limit === undefined ? sql`` : sql` LIMIT ${limit}`);

/** Which rows a rule returns: its first `limit` in its own order, or only those of the patients `ids`. */
export interface RuleScope {
  limit?: number;
  ids?: readonly string[];
}

export interface OpenComplaintRow {
  patientId: string;
  openComplaints: number;
  since: string;
  departmentId: string | null;
}

/** Patients with a complaint received before `asOf` and not resolved by then; longest waiting first. */
export function openComplaints(tx: Tx, asOf: string, departmentId: string | undefined, scope: RuleScope = {}): OpenComplaintRow[] {
  // Two index ranges rather than an OR over every complaint: those still unresolved, and those resolved after asOf.
  const open = (resolved: SQL) => sql`SELECT patient_id, created_at, department_id FROM feedback
    WHERE kind = 'complaint' AND ${resolved} AND created_at < ${asOf} AND patient_id IS NOT NULL${inDepartment(sql`department_id`, departmentId)}${among(sql`patient_id`, scope.ids)}`;
  return tx.all<OpenComplaintRow>(sql`SELECT f.patient_id AS patientId, count(*) AS openComplaints, min(f.created_at) AS since, max(f.department_id) AS departmentId
    FROM (${open(sql`resolved_at IS NULL`)} UNION ALL ${open(sql`resolved_at >= ${asOf}`)}) f JOIN patients p ON p.id = f.patient_id
    WHERE ${LIVE} GROUP BY f.patient_id ORDER BY since, f.patient_id${upTo(scope.limit)}`);
}

export interface RepeatComplaintRow {
  patientId: string;
  complaints: number;
  departmentId: string | null;
}

/** Patients with at least two complaints received in [since, asOf); most complaints first. */
export function repeatComplaints(tx: Tx, since: string, asOf: string, departmentId: string | undefined, scope: RuleScope = {}): RepeatComplaintRow[] {
  return tx.all(sql`SELECT f.patient_id AS patientId, count(*) AS complaints, max(f.department_id) AS departmentId
    FROM feedback f JOIN patients p ON p.id = f.patient_id
    WHERE f.kind = 'complaint' AND f.created_at >= ${since} AND f.created_at < ${asOf} AND ${LIVE}
      ${inDepartment(sql`f.department_id`, departmentId)}${among(sql`f.patient_id`, scope.ids)}
    GROUP BY f.patient_id HAVING count(*) >= 2 ORDER BY complaints DESC, f.patient_id${upTo(scope.limit)}`);
}

export interface LowSatisfactionRow {
  patientId: string;
  responseId: string;
  authoredAt: string;
  satisfaction: number;
  departmentId: string | null;
}

/**
 * Patients whose latest answer to an overall-satisfaction question, given in [start, end), is at most `maxScore`. A
 * later answer would be in the period too, so the latest is ranked among the period's answers: one pass over them
 * instead of a look for a later answer per response. The department is that of the latest answer.
 */
export function lowLastSatisfaction(tx: Tx, start: string, end: string, departmentId: string | undefined, maxScore: number, scope: RuleScope = {}): LowSatisfactionRow[] {
  return tx.all<LowSatisfactionRow>(sql`SELECT p.id AS patientId, l.id AS responseId, l.authored_at AS authoredAt, l.satisfaction AS satisfaction, l.department_id AS departmentId
    FROM (SELECT r.id, r.patient_id, r.authored_at, r.satisfaction, r.department_id,
        row_number() OVER (PARTITION BY r.patient_id ORDER BY r.authored_at DESC, r.id DESC) AS rank
      FROM questionnaire_responses r WHERE r.authored_at >= ${start} AND r.authored_at < ${end} AND r.satisfaction IS NOT NULL${among(sql`r.patient_id`, scope.ids)}) l
    JOIN patients p ON p.id = l.patient_id
    WHERE l.rank = 1 AND l.satisfaction <= ${maxScore} AND ${LIVE}${inDepartment(sql`l.department_id`, departmentId)}
    ORDER BY l.satisfaction, l.authored_at DESC, l.id${upTo(scope.limit)}`);
}

export function patientsNamed(tx: Tx, ids: readonly string[]): { id: string; name: string; lastVisitAt: string | null }[] {
  if (ids.length === 0) return [];
  return tx.all(sql`SELECT id, name, last_visit_at AS lastVisitAt FROM patients WHERE id IN (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`);
}
