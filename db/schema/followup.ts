import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { encounters, patients } from './patients.js';
import { departments, staff } from './staff.js';

/**
 * Every questionnaire version ever loaded from questionnaires/. Rows are added, never changed: an answer keeps
 * the version it answered even after the file moves on to a new one.
 */
export const questionnaires = sqliteTable(
  'questionnaires',
  {
    id: text('id').primaryKey(),
    url: text('url').notNull(),
    /** FHIR allows a definition without a version; it is kept as ''. */
    version: text('version').notNull(),
    title: text('title'),
    definition: text('definition').notNull(),
    /** SHA-256 of the file as loaded: an edit without a new version stops the start. */
    sourceHash: text('source_hash').notNull(),
    file: text('file').notNull(),
    loadedAt: text('loaded_at').notNull(),
  },
  (t) => [uniqueIndex('questionnaires_url_version_unique').on(t.url, t.version)],
);

/** A single-use link to one questionnaire for one patient. Only the token's hash is kept. */
export const questionnaireInvitations = sqliteTable(
  'questionnaire_invitations',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull(),
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    questionnaireId: text('questionnaire_id')
      .notNull()
      .references(() => questionnaires.id),
    encounterId: text('encounter_id').references(() => encounters.id),
    departmentId: text('department_id').references(() => departments.id),
    doctorId: text('doctor_id').references(() => staff.id),
    purpose: text('purpose', { enum: ['satisfaction', 'followup', 'research', 'screening'] }).notNull(),
    status: text('status', { enum: ['open', 'answered'] }).notNull(),
    expiresAt: text('expires_at').notNull(),
    createdAt: text('created_at').notNull(),
    createdBy: text('created_by').notNull(),
    /** The patient's unfinished answers as form fields (linkId → values), kept between visits to the link. */
    draft: text('draft', { mode: 'json' }).$type<Record<string, string[]>>(),
    draftSavedAt: text('draft_saved_at'),
    answeredAt: text('answered_at'),
  },
  (t) => [uniqueIndex('questionnaire_invitations_token_unique').on(t.tokenHash), index('questionnaire_invitations_patient_idx').on(t.patientId, t.createdAt)],
);

export const questionnaireResponses = sqliteTable(
  'questionnaire_responses',
  {
    id: text('id').primaryKey(),
    questionnaireId: text('questionnaire_id')
      .notNull()
      .references(() => questionnaires.id),
    invitationId: text('invitation_id').references(() => questionnaireInvitations.id),
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    encounterId: text('encounter_id').references(() => encounters.id),
    departmentId: text('department_id').references(() => departments.id),
    doctorId: text('doctor_id').references(() => staff.id),
    source: text('source', { enum: ['patient', 'staff'] }).notNull(),
    recordedBy: text('recorded_by').notNull(),
    authoredAt: text('authored_at').notNull(),
    /** YYYY-MM in the hospital's time zone: the statistics' month. */
    month: text('month').notNull(),
    totalScore: real('total_score'),
    subScores: text('sub_scores', { mode: 'json' }).$type<{ byGroup: Record<string, number>; byTag: Record<string, number> }>().notNull(),
    satisfaction: real('satisfaction'),
    nps: integer('nps'),
    /** The FHIR R4 QuestionnaireResponse, as exported. */
    fhir: text('fhir').notNull(),
  },
  (t) => [
    uniqueIndex('questionnaire_responses_invitation_unique').on(t.invitationId),
    index('questionnaire_responses_patient_idx').on(t.patientId, t.authoredAt),
    index('questionnaire_responses_questionnaire_idx').on(t.questionnaireId, t.authoredAt, t.id),
    // With the overall score, patient and department, statistics rank a period's answers (the at-risk list) from
    // the index alone.
    index('questionnaire_responses_authored_idx').on(t.authoredAt, t.id, t.satisfaction, t.patientId, t.departmentId),
  ],
);

/** One row per answer value, typed, for statistics. */
export const questionnaireAnswers = sqliteTable(
  'questionnaire_answers',
  {
    responseId: text('response_id')
      .notNull()
      .references(() => questionnaireResponses.id),
    linkId: text('link_id').notNull(),
    position: integer('position').notNull(),
    valueType: text('value_type', { enum: ['boolean', 'number', 'string', 'coding'] }).notNull(),
    valueNumber: real('value_number'),
    valueText: text('value_text'),
    valueCode: text('value_code'),
    score: real('score'),
    /** Comma-separated statistics tags of the item (satisfaction-overall, nps, aspect-doctor …). */
    tags: text('tags').notNull(),
  },
  (t) => [primaryKey({ columns: [t.responseId, t.linkId, t.position] })],
);

/**
 * Satisfaction and NPS per questionnaire, department and month, kept current in the transaction that stores each
 * response: the statistics read a few hundred rows instead of scanning millions of responses.
 */
export const satisfactionRollup = sqliteTable(
  'followup_satisfaction_rollup',
  {
    questionnaireUrl: text('questionnaire_url').notNull(),
    /** '' when the response belongs to no department. */
    departmentId: text('department_id').notNull(),
    month: text('month').notNull(),
    responses: integer('responses').notNull(),
    satisfactionSum: real('satisfaction_sum').notNull(),
    satisfactionCount: integer('satisfaction_count').notNull(),
    npsCount: integer('nps_count').notNull(),
    promoters: integer('promoters').notNull(),
    detractors: integer('detractors').notNull(),
  },
  (t) => [primaryKey({ columns: [t.questionnaireUrl, t.departmentId, t.month] }), index('followup_satisfaction_rollup_month_idx').on(t.month)],
);

/**
 * Events for other modules, written in the response's transaction: a low satisfaction score or a complaint in
 * the answers. The feedback module reads the unhandled ones (pendingFollowupEvents) and marks them handled.
 */
export const followupEvents = sqliteTable(
  'followup_events',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['low_satisfaction', 'complaint'] }).notNull(),
    responseId: text('response_id')
      .notNull()
      .references(() => questionnaireResponses.id),
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    departmentId: text('department_id'),
    doctorId: text('doctor_id'),
    questionnaireUrl: text('questionnaire_url').notNull(),
    satisfaction: real('satisfaction'),
    nps: integer('nps'),
    createdAt: text('created_at').notNull(),
    handledAt: text('handled_at'),
    handledBy: text('handled_by'),
  },
  (t) => [index('followup_events_pending_idx').on(t.handledAt, t.createdAt, t.id)],
);
