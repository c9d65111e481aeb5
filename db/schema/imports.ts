import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { patients } from './patients.js';

/** One run of an importer (an HTTP request, a CLI file, an MLLP message) and its report. */
export const importRuns = sqliteTable(
  'import_runs',
  {
    id: text('id').primaryKey(),
    format: text('format', { enum: ['hl7', 'fhir', 'csv'] }).notNull(),
    source: text('source').notNull(),
    channel: text('channel', { enum: ['http', 'cli', 'mllp', 'retry'] }).notNull(),
    actorId: text('actor_id').notNull(),
    startedAt: text('started_at').notNull(),
    durationMs: integer('duration_ms').notNull().default(0),
    received: integer('received').notNull().default(0),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    unchanged: integer('unchanged').notNull().default(0),
    linked: integer('linked').notNull().default(0),
    review: integer('review').notNull().default(0),
    quarantined: integer('quarantined').notNull().default(0),
  },
  (t) => [index('import_runs_started_idx').on(t.startedAt)],
);

/** What was already applied, by the source's own key (MSH-10, resource version, row hash): re-sends change nothing. */
export const importReceipts = sqliteTable(
  'import_receipts',
  {
    source: text('source').notNull(),
    key: text('key').notNull(),
    runId: text('run_id').notNull(),
    patientId: text('patient_id'),
    receivedAt: text('received_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.source, t.key] })],
);

/** Records that could not be applied, kept verbatim with where they were and why, until fixed or discarded. */
export const importQuarantine = sqliteTable(
  'import_quarantine',
  {
    id: text('id').primaryKey(),
    runId: text('run_id').notNull(),
    format: text('format', { enum: ['hl7', 'fhir', 'csv'] }).notNull(),
    source: text('source').notNull(),
    /** CSV: the mapping name and the header line, so one corrected row can be retried alone. */
    mapping: text('mapping'),
    context: text('context'),
    position: text('position').notNull(),
    recordKey: text('record_key'),
    raw: text('raw').notNull(),
    code: text('code').notNull(),
    reason: text('reason').notNull(),
    /** open: waiting; review: waits for the identity review (HL7 A40); retried / discarded: done. */
    status: text('status', { enum: ['open', 'review', 'retried', 'discarded'] }).notNull(),
    createdAt: text('created_at').notNull(),
    resolvedAt: text('resolved_at'),
    resolvedBy: text('resolved_by'),
  },
  (t) => [index('import_quarantine_status_idx').on(t.status, t.id), index('import_quarantine_source_idx').on(t.source, t.id)],
);

/** Laboratory and exam result lines from ORU R01 and FHIR Observation, shown on the patient's timeline. */
export const importedObservations = sqliteTable(
  'imported_observations',
  {
    id: text('id').primaryKey(),
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    sourceSystem: text('source_system').notNull(),
    sourceId: text('source_id').notNull(),
    code: text('code'),
    text: text('text').notNull(),
    value: text('value'),
    unit: text('unit'),
    referenceRange: text('reference_range'),
    flag: text('flag'),
    observedAt: text('observed_at').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('imported_observations_patient_idx').on(t.patientId, t.observedAt), index('imported_observations_source_idx').on(t.sourceSystem, t.sourceId)],
);
