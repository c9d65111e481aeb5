import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Append-only: triggers in the migrations refuse UPDATE and DELETE. Each row's hash covers its content and the
 * previous row's hash, so any edit made behind the database's back breaks the chain at that row.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull().unique(),
    at: text('at').notNull(),
    actorKind: text('actor_kind').notNull(),
    actorId: text('actor_id').notNull(),
    actorRole: text('actor_role'),
    action: text('action').notNull(),
    patientId: text('patient_id'),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id'),
    ip: text('ip'),
    requestId: text('request_id').notNull(),
    reason: text('reason'),
    detail: text('detail'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  // No secondary index here: audit_patient_index, audit_actor_index and audit_time_index below do that job.
);

/*
 * The log's lookups by patient, actor and time, added in sorted chunks by the audit writer (src/modules/audit/
 * audit.writer.ts) rather than row by row. Indexes on audit_log itself were kept up by every read's audit row: the
 * patient index put each on a random leaf page, and the three together doubled the cost of auditing a read. Rows past
 * `audit_index_state.indexed_through` are not indexed yet and are found by scanning that tail of the log. Append-only
 * like the log (triggers in the migrations), and WITHOUT ROWID there: the key is the whole row.
 *
 * The patient and actor indexes lead with the row's segment of the log (seq / AUDIT_SEGMENT_ROWS, in
 * audit.repository.ts): keyed by patient alone, a chunk of rows landed on as many leaf pages as it had rows, spread
 * over the whole index; within a segment, it lands on the few pages of that segment. A search asks segment by segment.
 */
export const auditPatientIndex = sqliteTable(
  'audit_patient_index',
  { segment: integer('segment').notNull(), patientId: text('patient_id').notNull(), seq: integer('seq').notNull() },
  (t) => [primaryKey({ columns: [t.segment, t.patientId, t.seq] })],
);

export const auditActorIndex = sqliteTable(
  'audit_actor_index',
  { segment: integer('segment').notNull(), actorId: text('actor_id').notNull(), seq: integer('seq').notNull() },
  (t) => [primaryKey({ columns: [t.segment, t.actorId, t.seq] })],
);

export const auditTimeIndex = sqliteTable('audit_time_index', { at: text('at').notNull(), seq: integer('seq').notNull() }, (t) => [primaryKey({ columns: [t.at, t.seq] })]);

/** One row: the highest audit seq whose row is in the three indexes above. */
export const auditIndexState = sqliteTable('audit_index_state', {
  id: integer('id').primaryKey(),
  indexedThrough: integer('indexed_through').notNull(),
});
