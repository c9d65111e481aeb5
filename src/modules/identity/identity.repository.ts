import { and, desc, eq, gte, lt, or, type SQL } from 'drizzle-orm';
import { statement, type Tx } from '../../../db/client.js';
import { identityDecisions, identityReviews, patientMerges } from '../../../db/schema/identity.js';

export type DecisionRow = typeof identityDecisions.$inferSelect;
export type ReviewRow = typeof identityReviews.$inferSelect;
export type MergeRow = typeof patientMerges.$inferSelect;

/** Hot path of every import: a prepared statement, not a drizzle builder. */
export function insertDecision(tx: Tx, r: Omit<DecisionRow, 'score'> & { score: number | null }): void {
  statement(
    tx,
    `INSERT INTO identity_decisions (id, run_id, source, record_key, decision, method, patient_id, candidate_patient_id, score, explanation, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(r.id, r.runId, r.source, r.recordKey, r.decision, r.method, r.patientId, r.candidatePatientId, r.score, r.explanation, r.createdAt);
}

export function findDecision(tx: Tx, id: string): DecisionRow | undefined {
  return tx.select().from(identityDecisions).where(eq(identityDecisions.id, id)).get();
}

export function decisionsOfPatient(tx: Tx, patientId: string, limit: number): DecisionRow[] {
  return tx.select().from(identityDecisions).where(eq(identityDecisions.patientId, patientId)).orderBy(desc(identityDecisions.id)).limit(limit).all();
}

/** An import's open review, on the same hot path as the decision. */
export function insertReview(tx: Tx, r: { id: string; decisionId: string; patientId: string; candidatePatientId: string; score: number | null; source: string; status: 'open'; createdAt: string }): void {
  statement(
    tx,
    `INSERT INTO identity_reviews (id, decision_id, patient_id, candidate_patient_id, score, source, status, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(r.id, r.decisionId, r.patientId, r.candidatePatientId, r.score, r.source, r.status, r.createdAt);
}

export function findReview(tx: Tx, id: string): ReviewRow | undefined {
  return tx.select().from(identityReviews).where(eq(identityReviews.id, id)).get();
}

export interface ReviewFilter {
  status?: ReviewRow['status'] | undefined;
  source?: string | undefined;
  patientId?: string | undefined;
  minScore?: number | undefined;
  beforeId?: string | undefined;
}

export function listReviews(tx: Tx, f: ReviewFilter, limit: number): ReviewRow[] {
  const where: SQL[] = [];
  if (f.status) where.push(eq(identityReviews.status, f.status));
  if (f.source) where.push(eq(identityReviews.source, f.source));
  if (f.patientId) where.push(or(eq(identityReviews.patientId, f.patientId), eq(identityReviews.candidatePatientId, f.patientId))!);
  if (f.beforeId) where.push(lt(identityReviews.id, f.beforeId));
  if (f.minScore !== undefined) where.push(gte(identityReviews.score, f.minScore));
  return tx.select().from(identityReviews).where(and(...where)).orderBy(desc(identityReviews.id)).limit(limit).all();
}

/** Decides an open review; false when someone decided it first (the caller answers 409). */
export function decideReview(tx: Tx, id: string, d: { status: Exclude<ReviewRow['status'], 'open'>; decidedAt: string; decidedBy: string; note: string | null; mergeId: string | null }): boolean {
  return (
    tx
      .update(identityReviews)
      .set({ ...d })
      .where(and(eq(identityReviews.id, id), eq(identityReviews.status, 'open')))
      .run().changes === 1
  );
}

export function insertMerge(tx: Tx, row: typeof patientMerges.$inferInsert): void {
  tx.insert(patientMerges).values(row).run();
}

export function findMerge(tx: Tx, id: string): MergeRow | undefined {
  return tx.select().from(patientMerges).where(eq(patientMerges.id, id)).get();
}

export function activeMergeOf(tx: Tx, mergedId: string): MergeRow | undefined {
  return tx
    .select()
    .from(patientMerges)
    .where(and(eq(patientMerges.mergedId, mergedId), eq(patientMerges.status, 'active')))
    .get();
}

export function markMergeUndone(tx: Tx, id: string, at: string, by: string): boolean {
  return (
    tx
      .update(patientMerges)
      .set({ status: 'undone', undoneAt: at, undoneBy: by })
      .where(and(eq(patientMerges.id, id), eq(patientMerges.status, 'active')))
      .run().changes === 1
  );
}

/** Changes recorded by the triggers after `seq`, oldest first. */
export function indexChangesAfter(tx: Tx, seq: number, limit: number): { seq: number; patientId: string }[] {
  return statement(tx, 'SELECT seq, patient_id AS patientId FROM identity_index_changes WHERE seq > ? ORDER BY seq LIMIT ?').all(seq, limit) as { seq: number; patientId: string }[];
}

export function indexChangeAt(tx: Tx, seq: number): string | undefined {
  return (statement(tx, 'SELECT patient_id AS patientId FROM identity_index_changes WHERE seq = ?').get(seq) as { patientId: string } | undefined)?.patientId;
}

export function lastIndexChange(tx: Tx): { seq: number; patientId: string } | undefined {
  return statement(tx, 'SELECT seq, patient_id AS patientId FROM identity_index_changes ORDER BY seq DESC LIMIT 1').get() as { seq: number; patientId: string } | undefined;
}

export function firstIndexChangeSeq(tx: Tx): number | undefined {
  return (statement(tx, 'SELECT min(seq) AS seq FROM identity_index_changes').get() as { seq: number | null }).seq ?? undefined;
}

/** A reader's position, kept so that rows it has not read are not pruned under it. */
export function recordIndexReader(tx: Tx, readerId: string, seq: number, at: string): void {
  statement(tx, 'INSERT INTO identity_index_readers (reader_id, seq, seen_at) VALUES (?, ?, ?) ON CONFLICT (reader_id) DO UPDATE SET seq = excluded.seq, seen_at = excluded.seen_at').run(readerId, seq, at);
}

/**
 * Drops readers not heard from since `staleBefore`, then the change rows before the lowest position of those
 * left (the row at that position stays: its reader checks it is still there). Returns the rows deleted.
 */
export function pruneIndexChanges(tx: Tx, staleBefore: string): number {
  statement(tx, 'DELETE FROM identity_index_readers WHERE seen_at < ?').run(staleBefore);
  return statement(tx, 'DELETE FROM identity_index_changes WHERE seq < (SELECT min(seq) FROM identity_index_readers)').run().changes;
}
