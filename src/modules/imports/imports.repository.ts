import { and, desc, eq, lt, or, type SQL } from 'drizzle-orm';
import { statement, type Tx } from '../../../db/client.js';
import { importedObservations, importQuarantine, importRuns } from '../../../db/schema/imports.js';

export type RunRow = typeof importRuns.$inferSelect;
export type QuarantineRow = typeof importQuarantine.$inferSelect;
export type ObservationRow = typeof importedObservations.$inferSelect;

export function insertRun(tx: Tx, row: typeof importRuns.$inferInsert): void {
  tx.insert(importRuns).values(row).run();
}

export function findRun(tx: Tx, id: string): RunRow | undefined {
  return tx.select().from(importRuns).where(eq(importRuns.id, id)).get();
}

export function receiptExists(tx: Tx, source: string, key: string): boolean {
  return statement(tx, 'SELECT 1 FROM import_receipts WHERE source = ? AND key = ?').get(source, key) !== undefined;
}

export function insertReceipt(tx: Tx, row: { source: string; key: string; runId: string; patientId: string | null; receivedAt: string }): void {
  statement(tx, 'INSERT OR IGNORE INTO import_receipts (source, key, run_id, patient_id, received_at) VALUES (?, ?, ?, ?, ?)').run(row.source, row.key, row.runId, row.patientId, row.receivedAt);
}

export function insertQuarantine(tx: Tx, row: typeof importQuarantine.$inferInsert): void {
  tx.insert(importQuarantine).values(row).run();
}

export function findQuarantine(tx: Tx, id: string): QuarantineRow | undefined {
  return tx.select().from(importQuarantine).where(eq(importQuarantine.id, id)).get();
}

export function listQuarantine(tx: Tx, f: { status?: QuarantineRow['status'] | undefined; source?: string | undefined; format?: QuarantineRow['format'] | undefined; beforeId?: string | undefined }, limit: number): QuarantineRow[] {
  const where: SQL[] = [];
  if (f.status) where.push(eq(importQuarantine.status, f.status));
  if (f.source) where.push(eq(importQuarantine.source, f.source));
  if (f.format) where.push(eq(importQuarantine.format, f.format));
  if (f.beforeId) where.push(lt(importQuarantine.id, f.beforeId));
  return tx.select().from(importQuarantine).where(and(...where)).orderBy(desc(importQuarantine.id)).limit(limit).all();
}

export function resolveQuarantine(tx: Tx, id: string, status: 'retried' | 'discarded', at: string, by: string): boolean {
  return (
    tx
      .update(importQuarantine)
      .set({ status, resolvedAt: at, resolvedBy: by })
      .where(and(eq(importQuarantine.id, id), eq(importQuarantine.status, 'open')))
      .run().changes === 1
  );
}

export function observationExists(tx: Tx, sourceSystem: string, sourceId: string): boolean {
  return statement(tx, 'SELECT 1 FROM imported_observations WHERE source_system = ? AND source_id = ?').get(sourceSystem, sourceId) !== undefined;
}

export function insertObservation(tx: Tx, row: typeof importedObservations.$inferInsert): void {
  tx.insert(importedObservations).values(row).run();
}

/** A patient's results, newest first, a page after the cursor (observed time, id), keyset-paged in SQL. */
export function observationsOf(tx: Tx, patientId: string, before: [string, string] | undefined, limit: number): ObservationRow[] {
  const after = before ? or(lt(importedObservations.observedAt, before[0]), and(eq(importedObservations.observedAt, before[0]), lt(importedObservations.id, before[1]))) : undefined;
  return tx
    .select()
    .from(importedObservations)
    .where(and(eq(importedObservations.patientId, patientId), after))
    .orderBy(desc(importedObservations.observedAt), desc(importedObservations.id))
    .limit(limit)
    .all();
}
