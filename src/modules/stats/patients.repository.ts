import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../../db/client.js';

/**
 * Read-only sums over patients, encounters and diagnoses for the statistics. A department's patients are those with
 * an encounter in it (in the period, for figures about visits).
 */

function visitedIn(start: string, end: string, departmentId: string | undefined): SQL {
  return sql`SELECT DISTINCT patient_id FROM encounters WHERE start_at >= ${start} AND start_at < ${end} AND status <> 'cancelled'${departmentId !== undefined ? sql` AND coalesce(department_id, '') = ${departmentId}` : sql``}`;
}

/** Patients registered in the period (their first file), by source and by province and city. */
export function registeredBy(tx: Tx, start: string, end: string, departmentId: string | undefined, column: 'source' | 'region'): { key: string; patients: number }[] {
  const key = column === 'source' ? sql`coalesce(p.source, '')` : sql`coalesce(p.province, '') || '/' || coalesce(p.city, '')`;
  const inDepartment = departmentId !== undefined ? sql` AND EXISTS (SELECT 1 FROM encounters e WHERE e.patient_id = p.id AND coalesce(e.department_id, '') = ${departmentId})` : sql``;
  return tx.all(sql`SELECT ${key} AS key, count(*) AS patients FROM patients p
    WHERE p.created_at >= ${start} AND p.created_at < ${end} AND p.merged_into_id IS NULL${inDepartment} GROUP BY 1 ORDER BY 2 DESC, 1`);
}

/** Patients seen in the period, by birth date and gender (ages are computed from birth dates by the caller). */
export function visitorsByBirthYear(tx: Tx, start: string, end: string, departmentId: string | undefined): { birthDate: string | null; gender: string; patients: number }[] {
  return tx.all(sql`SELECT p.birth_date AS birthDate, p.gender AS gender, count(*) AS patients FROM patients p
    WHERE p.id IN (${visitedIn(start, end, departmentId)}) GROUP BY p.birth_date, p.gender`);
}

/** Patients seen in the period: new (no earlier encounter anywhere) or returning. */
export function newAndReturning(tx: Tx, start: string, end: string, departmentId: string | undefined): { visitors: number; newPatients: number } {
  return (
    tx.get<{ visitors: number; newPatients: number }>(sql`SELECT count(*) AS visitors,
      count(CASE WHEN NOT EXISTS (SELECT 1 FROM encounters e WHERE e.patient_id = v.patient_id AND e.start_at < ${start} AND e.status <> 'cancelled') THEN 1 END) AS newPatients
      FROM (${visitedIn(start, end, departmentId)}) v`) ?? { visitors: 0, newPatients: 0 }
  );
}

/**
 * Diagnoses of encounters in the period, by the first three characters of the code. CROSS JOIN keeps SQLite on the
 * period's encounters first (by start), then their diagnoses, instead of scanning every diagnosis.
 */
export function diagnosesByCategory(tx: Tx, start: string, end: string, departmentId: string | undefined): { category: string; diagnoses: number; patients: number }[] {
  return tx.all(sql`SELECT upper(substr(d.code, 1, 3)) AS category, count(*) AS diagnoses, count(DISTINCT d.patient_id) AS patients
    FROM encounters e CROSS JOIN diagnoses d ON d.encounter_id = e.id
    WHERE e.start_at >= ${start} AND e.start_at < ${end} AND e.status <> 'cancelled'${departmentId !== undefined ? sql` AND coalesce(e.department_id, '') = ${departmentId}` : sql``}
    GROUP BY 1`);
}

/** One local day's diagnoses by department ('' none) and category: what the diagnosis rollup folds into chapters. */
export function diagnosesByDepartmentCategory(tx: Tx, start: string, end: string): { departmentId: string; category: string; diagnoses: number }[] {
  return tx.all(sql`SELECT coalesce(e.department_id, '') AS departmentId, upper(substr(d.code, 1, 3)) AS category, count(*) AS diagnoses
    FROM encounters e CROSS JOIN diagnoses d ON d.encounter_id = e.id
    WHERE e.start_at >= ${start} AND e.start_at < ${end} AND e.status <> 'cancelled'
    GROUP BY 1, 2`);
}

/** Rolled-up diagnoses of the days [from, to] by chapter, summed in SQL. */
export function rolledDiagnoses(tx: Tx, from: string, to: string, departmentId: string | undefined): { chapter: string; diagnoses: number }[] {
  return tx.all(sql`SELECT chapter, sum(diagnoses) AS diagnoses FROM stats_diagnosis_daily
    WHERE day BETWEEN ${from} AND ${to}${departmentId !== undefined ? sql` AND department_id = ${departmentId}` : sql``} GROUP BY chapter`);
}

export function replaceDiagnosisDay(tx: Tx, day: string, rows: { departmentId: string; chapter: string; diagnoses: number }[]): void {
  tx.run(sql`DELETE FROM stats_diagnosis_daily WHERE day = ${day}`);
  for (const r of rows) tx.run(sql`INSERT INTO stats_diagnosis_daily (day, department_id, chapter, diagnoses) VALUES (${day}, ${r.departmentId}, ${r.chapter}, ${r.diagnoses})`);
}

export function clearDiagnosisRollup(tx: Tx): void {
  tx.run(sql`DELETE FROM stats_diagnosis_daily`);
}

export function firstEncounterInstant(tx: Tx): string | null {
  return tx.get<{ at: string | null }>(sql`SELECT min(start_at) AS at FROM encounters WHERE status <> 'cancelled'`)?.at ?? null;
}

export interface RfmRow {
  patientId: string;
  lastVisit: string;
  visitsInYear: number;
  spendCentsInYear: number;
}

/** Per patient, as of an instant: the last visit ever and the visits and charges of the year before it. */
export function rfmAsOf(tx: Tx, asOf: string, yearBefore: string, departmentId: string | undefined): RfmRow[] {
  return tx.all<RfmRow>(sql`SELECT patient_id AS patientId, max(start_at) AS lastVisit,
      count(CASE WHEN start_at >= ${yearBefore} THEN 1 END) AS visitsInYear,
      coalesce(sum(CASE WHEN start_at >= ${yearBefore} THEN charges_cents END), 0) AS spendCentsInYear
    FROM encounters WHERE start_at < ${asOf} AND status <> 'cancelled'${departmentId !== undefined ? sql` AND coalesce(department_id, '') = ${departmentId}` : sql``}
    GROUP BY patient_id`);
}

export interface DayVisitor {
  patientId: string;
  /** '' for encounters without a department. */
  departmentId: string;
  prevInDepartment: string | null;
  prevAnywhere: string | null;
  firstAnywhere: string | null;
  birthDate: string | null;
  gender: string | null;
}

/**
 * The patients seen in [start, end) (one local day), per department, with their last visit before `start` in that
 * department and anywhere, their first visit anywhere, and their birth date and gender: what the visit-pairs and
 * pyramid rollups keep of a day. Each look-up
 * is one seek in a covering index (by department and patient, by patient).
 */
export function dayVisitors(tx: Tx, start: string, end: string): DayVisitor[] {
  return tx.all<DayVisitor>(sql`SELECT v.patient_id AS patientId, v.department_id AS departmentId,
      (SELECT max(e.start_at) FROM encounters e WHERE e.department_id IS nullif(v.department_id, '') AND e.patient_id = v.patient_id AND e.start_at < ${start} AND e.status <> 'cancelled') AS prevInDepartment,
      (SELECT max(e.start_at) FROM encounters e WHERE e.patient_id = v.patient_id AND e.start_at < ${start} AND e.status <> 'cancelled') AS prevAnywhere,
      (SELECT min(e.start_at) FROM encounters e WHERE e.patient_id = v.patient_id AND e.status <> 'cancelled') AS firstAnywhere,
      p.birth_date AS birthDate, p.gender AS gender
    FROM (SELECT DISTINCT patient_id, coalesce(department_id, '') AS department_id FROM encounters
      WHERE start_at >= ${start} AND start_at < ${end} AND status <> 'cancelled') v JOIN patients p ON p.id = v.patient_id`);
}

export interface VisitPair {
  scope: string;
  prevDay: string;
  firstDay: string;
  patients: number;
}

export function replaceVisitPairsDay(tx: Tx, day: string, pairs: readonly VisitPair[]): void {
  tx.run(sql`DELETE FROM stats_visit_pairs WHERE day = ${day}`);
  // A big hospital's day has thousands of pairs: 100 rows per statement (500 parameters, under every SQLite's limit).
  for (let i = 0; i < pairs.length; i += 100) {
    const rows = pairs.slice(i, i + 100).map((p) => sql`(${p.scope}, ${day}, ${p.prevDay}, ${p.firstDay}, ${p.patients})`);
    tx.run(sql`INSERT INTO stats_visit_pairs (scope, day, prev_day, first_day, patients) VALUES ${sql.join(rows, sql`, `)}`);
  }
}

/** Patients seen in the rolled days of [from, to] in `scope`, and the new ones among them (see stats_visit_pairs). */
export function rolledVisitors(tx: Tx, from: string, to: string, scope: string): { visitors: number; newPatients: number } {
  return (
    tx.get<{ visitors: number; newPatients: number }>(sql`SELECT coalesce(sum(patients), 0) AS visitors,
        coalesce(sum(CASE WHEN prev_day = '' AND first_day >= ${from} THEN patients END), 0) AS newPatients
      FROM stats_visit_pairs WHERE scope = ${scope} AND day BETWEEN ${from} AND ${to} AND prev_day < ${from}`) ?? { visitors: 0, newPatients: 0 }
  );
}

export function clearVisitPairs(tx: Tx): void {
  tx.run(sql`DELETE FROM stats_visit_pairs`);
}
