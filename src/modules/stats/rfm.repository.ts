import { sql } from 'drizzle-orm';
import { statement, type Tx } from '../../../db/client.js';

/** The RFM snapshots (stats_rfm_*): written by the snapshot service, read by the RFM figure. */

/** The department key of the whole hospital in stats_rfm_movement ('' is "encounters without a department"). */
export const WHOLE_HOSPITAL = '*';

export interface SnapshotRow {
  period: string;
  asOf: string;
  previousAsOf: string;
  builtAt: string;
}

export interface MovementRow {
  from: string;
  to: string;
  patients: number;
}

/** Encounters as [patientId, departmentId ('' none), startAt, chargesCents], one patient's visits never split. */
export type EncounterTuple = [string, string, string, number];

/**
 * The next patients' visits before `before` (cancelled ones left out), in patient order after `afterPatient`: at most
 * about `limit` rows, cut at a patient boundary so that every patient returned has all their visits.
 */
export function visitsAfterPatient(tx: Tx, afterPatient: string, before: string, limit: number): EncounterTuple[] {
  const rows = statement(
    tx,
    `SELECT patient_id, coalesce(department_id, ''), start_at, coalesce(charges_cents, 0) FROM encounters
     WHERE patient_id > ? AND start_at < ? AND status <> 'cancelled' ORDER BY patient_id, start_at LIMIT ?`,
  )
    .raw(true)
    .all(afterPatient, before, limit) as EncounterTuple[];
  if (rows.length < limit) return rows;
  const last = rows[rows.length - 1]![0];
  const whole = rows.filter((r) => r[0] !== last);
  // One patient with more visits than a whole batch: read that patient alone.
  if (whole.length === 0) return statement(tx, `SELECT patient_id, coalesce(department_id, ''), start_at, coalesce(charges_cents, 0) FROM encounters WHERE patient_id = ? AND start_at < ? AND status <> 'cancelled' ORDER BY start_at`).raw(true).all(last, before) as EncounterTuple[];
  return whole;
}

/** The latest snapshot taken as of `day` or before. */
export function snapshotAtOrBefore(tx: Tx, day: string): SnapshotRow | null {
  return (
    tx.get<SnapshotRow>(sql`SELECT period, as_of AS asOf, previous_as_of AS previousAsOf, built_at AS builtAt FROM stats_rfm_snapshots
      WHERE as_of <= ${day} ORDER BY as_of DESC LIMIT 1`) ?? null
  );
}

export function lastSnapshot(tx: Tx): SnapshotRow | null {
  return tx.get<SnapshotRow>(sql`SELECT period, as_of AS asOf, previous_as_of AS previousAsOf, built_at AS builtAt FROM stats_rfm_snapshots ORDER BY period DESC LIMIT 1`) ?? null;
}

export function movementOf(tx: Tx, period: string, departmentKey: string): MovementRow[] {
  return tx.all<MovementRow>(sql`SELECT from_segment AS "from", to_segment AS "to", patients FROM stats_rfm_movement
    WHERE period = ${period} AND department_id = ${departmentKey}`);
}

/** Replaces one period's snapshot: its row and its movement cells. */
export function replaceSnapshot(tx: Tx, snapshot: SnapshotRow, cells: { departmentId: string; from: string; to: string; patients: number }[]): void {
  tx.run(sql`DELETE FROM stats_rfm_movement WHERE period = ${snapshot.period}`);
  tx.run(sql`INSERT INTO stats_rfm_snapshots (period, as_of, previous_as_of, built_at) VALUES (${snapshot.period}, ${snapshot.asOf}, ${snapshot.previousAsOf}, ${snapshot.builtAt})
    ON CONFLICT (period) DO UPDATE SET as_of = excluded.as_of, previous_as_of = excluded.previous_as_of, built_at = excluded.built_at`);
  const insert = statement(tx, 'INSERT INTO stats_rfm_movement (period, department_id, from_segment, to_segment, patients) VALUES (?, ?, ?, ?, ?)');
  for (const c of cells) insert.run(snapshot.period, c.departmentId, c.from, c.to, c.patients);
}

export function clearSnapshots(tx: Tx): void {
  tx.run(sql`DELETE FROM stats_rfm_movement`);
  tx.run(sql`DELETE FROM stats_rfm_snapshots`);
}
