import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { patients } from './patients.js';

/**
 * Every decision the patient index took about an incoming person record, with its explanation (method, score,
 * agreement and weight per field), so that a link can be justified and a wrong one found and undone.
 */
export const identityDecisions = sqliteTable(
  'identity_decisions',
  {
    id: text('id').primaryKey(),
    /** The import run (null for decisions taken outside an import). */
    runId: text('run_id'),
    source: text('source').notNull(),
    /** The source's key for the record (MSH-10, resource id + version, CSV row hash). */
    recordKey: text('record_key'),
    /** linked: joined to an existing file; review: a new file paired with its candidate; created: a new file; updated: the same source's record. */
    decision: text('decision', { enum: ['linked', 'review', 'created', 'updated'] }).notNull(),
    method: text('method', { enum: ['identifier', 'resident_id', 'probabilistic'] }).notNull(),
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    candidatePatientId: text('candidate_patient_id'),
    score: real('score'),
    /** MatchExplanation as JSON. */
    explanation: text('explanation').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('identity_decisions_patient_idx').on(t.patientId, t.id), index('identity_decisions_run_idx').on(t.runId)],
);

/** A pair the engine was unsure of: the new file and the candidate it resembles, until a person decides. */
export const identityReviews = sqliteTable(
  'identity_reviews',
  {
    id: text('id').primaryKey(),
    decisionId: text('decision_id')
      .notNull()
      .references(() => identityDecisions.id),
    /** The file created for the incoming record. */
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    candidatePatientId: text('candidate_patient_id')
      .notNull()
      .references(() => patients.id),
    score: real('score'),
    source: text('source').notNull(),
    status: text('status', { enum: ['open', 'linked', 'different', 'merged'] }).notNull(),
    createdAt: text('created_at').notNull(),
    decidedAt: text('decided_at'),
    decidedBy: text('decided_by'),
    note: text('note'),
    mergeId: text('merge_id'),
    version: integer('version').notNull().default(1),
  },
  (t) => [index('identity_reviews_status_idx').on(t.status, t.id), index('identity_reviews_patient_idx').on(t.patientId), index('identity_reviews_candidate_idx').on(t.candidatePatientId)],
);

/**
 * A merge of one patient file into another, and what moved, so that it can be undone: `moved` holds, per
 * registered participant (identifiers, visits, queued messages, follow-up invitations…), the ids of the rows it
 * re-pointed from the merged file to the survivor.
 */
export const patientMerges = sqliteTable(
  'patient_merges',
  {
    id: text('id').primaryKey(),
    survivorId: text('survivor_id')
      .notNull()
      .references(() => patients.id),
    mergedId: text('merged_id')
      .notNull()
      .references(() => patients.id),
    /** review, hl7 (A40), staff. */
    origin: text('origin', { enum: ['review', 'hl7', 'staff'] }).notNull(),
    status: text('status', { enum: ['active', 'undone'] }).notNull(),
    moved: text('moved', { mode: 'json' }).$type<Record<string, string[]>>().notNull(),
    reason: text('reason'),
    createdAt: text('created_at').notNull(),
    createdBy: text('created_by').notNull(),
    undoneAt: text('undone_at'),
    undoneBy: text('undone_by'),
  },
  (t) => [index('patient_merges_merged_idx').on(t.mergedId, t.status), index('patient_merges_survivor_idx').on(t.survivorId)],
);

/**
 * Patients whose matching fields changed, in commit order (filled by triggers on the patients table, whoever
 * writes it: staff, imports, merges, another process). The in-memory match index reads
 * it to stay in step with the table; a rolled-back change leaves no row.
 */
export const identityIndexChanges = sqliteTable('identity_index_changes', {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  patientId: text('patient_id').notNull(),
});

/**
 * Where each live patient index (one per service process) has read `identity_index_changes` up to: change rows
 * every reader has read are pruned. A reader not heard from for a while is dropped; if it comes back and finds
 * rows it had not read gone, it rebuilds from the patients table.
 */
export const identityIndexReaders = sqliteTable('identity_index_readers', {
  readerId: text('reader_id').primaryKey(),
  seq: integer('seq').notNull(),
  seenAt: text('seen_at').notNull(),
});
