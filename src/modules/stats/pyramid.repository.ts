import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../../db/client.js';

/**
 * The age pyramid's rollup (stats_day_visitors) and the changes it has not folded in yet: patients whose birth date or
 * gender changed (stats_rolled_demographics) and encounters moved to another patient (stats_rolled_owners), both
 * written by triggers.
 */

export function replaceDayVisitors(tx: Tx, day: string, rows: readonly { scope: string; visitors: Buffer }[]): void {
  tx.run(sql`DELETE FROM stats_day_visitors WHERE day = ${day}`);
  for (const r of rows) tx.run(sql`INSERT INTO stats_day_visitors (scope, day, visitors) VALUES (${r.scope}, ${day}, ${r.visitors})`);
}

/** The packed visitors of the days [from, to] in `scope` (days without a row had no visitors, or are not rolled). */
export function dayVisitorBlobs(tx: Tx, from: string, to: string, scope: string): Buffer[] {
  return tx.all<{ visitors: Buffer }>(sql`SELECT visitors FROM stats_day_visitors WHERE scope = ${scope} AND day BETWEEN ${from} AND ${to}`).map((r) => r.visitors);
}

export function clearDayVisitors(tx: Tx): void {
  tx.run(sql`DELETE FROM stats_day_visitors`);
  clearRolledChanges(tx);
}

export function clearRolledChanges(tx: Tx): void {
  tx.run(sql`DELETE FROM stats_rolled_demographics`);
  tx.run(sql`DELETE FROM stats_rolled_owners`);
}

export function hasRolledChanges(tx: Tx): boolean {
  return tx.get(sql`SELECT 1 AS x WHERE EXISTS (SELECT 1 FROM stats_rolled_demographics) OR EXISTS (SELECT 1 FROM stats_rolled_owners)`) !== undefined;
}

/** Patients whose rolled days are out of date: demographics changed, or an encounter moved from or to them. */
const CHANGED_PATIENTS = sql`SELECT patient_id AS id FROM stats_rolled_demographics
  UNION SELECT patient_id FROM stats_rolled_owners
  UNION SELECT e.patient_id FROM stats_rolled_owners o JOIN encounters e ON e.id = o.encounter_id`;

export interface ChangedVisit {
  patientId: string;
  /** Whom the encounter belonged to when its day was rolled up. */
  rolledPatientId: string;
  startAt: string;
}

/** The period's visits (in `scope`: '*' every department) of the changed patients, as they are and as rolled. */
export function changedVisits(tx: Tx, start: string, end: string, scope: string): ChangedVisit[] {
  const inScope: SQL = scope === '*' ? sql`` : sql` AND coalesce(e.department_id, '') = ${scope}`;
  return tx.all<ChangedVisit>(sql`SELECT e.patient_id AS patientId, coalesce(o.patient_id, e.patient_id) AS rolledPatientId, e.start_at AS startAt
    FROM encounters e LEFT JOIN stats_rolled_owners o ON o.encounter_id = e.id
    WHERE e.patient_id IN (${CHANGED_PATIENTS}) AND e.start_at >= ${start} AND e.start_at < ${end} AND e.status <> 'cancelled'${inScope}`);
}

/** The changed patients' birth date and gender now and, where they changed, as rolled. */
export function changedDemographics(tx: Tx): { patientId: string; birthDate: string | null; gender: string; rolledBirthDate: string | null; rolledGender: string | null; changed: number }[] {
  return tx.all(sql`SELECT p.id AS patientId, p.birth_date AS birthDate, p.gender AS gender, d.birth_date AS rolledBirthDate, d.gender AS rolledGender,
      d.patient_id IS NOT NULL AS changed
    FROM patients p LEFT JOIN stats_rolled_demographics d ON d.patient_id = p.id WHERE p.id IN (${CHANGED_PATIENTS})`);
}

/** Every start of the changed patients' encounters (any status): the days whose rollups they touch. */
export function changedVisitStarts(tx: Tx): string[] {
  return tx.all<{ at: string }>(sql`SELECT start_at AS at FROM encounters WHERE patient_id IN (${CHANGED_PATIENTS})`).map((r) => r.at);
}
