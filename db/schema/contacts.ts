import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { patients } from './patients.js';
import { staff } from './staff.js';

/** 联络记录: every call, letter and visit with a patient. Outbox messages stay in messaging and are merged in on read. */
export const contacts = sqliteTable(
  'contacts',
  {
    id: text('id').primaryKey(),
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    kind: text('kind', { enum: ['call_in', 'call_out', 'sms', 'email', 'letter', 'visit'] }).notNull(),
    staffId: text('staff_id')
      .notNull()
      .references(() => staff.id),
    at: text('at').notNull(),
    durationSeconds: integer('duration_seconds'),
    /** The number (E.164) or address used. */
    address: text('address'),
    outcome: text('outcome', { enum: ['reached', 'no_answer', 'busy', 'wrong_number', 'number_invalid', 'refused'] }).notNull(),
    nextAction: text('next_action'),
    summary: text('summary'),
    consultationId: text('consultation_id'),
    feedbackId: text('feedback_id'),
    qualityScore: integer('quality_score'),
    qualityNote: text('quality_note'),
    reviewedBy: text('reviewed_by'),
    reviewedAt: text('reviewed_at'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('contacts_patient_idx').on(t.patientId, t.at, t.id), index('contacts_staff_idx').on(t.staffId, t.at, t.id), index('contacts_at_idx').on(t.at, t.id)],
);

/** Numbers and addresses found invalid on a contact, flagged on the patient file until corrected. */
export const invalidContactPoints = sqliteTable(
  'invalid_contact_points',
  {
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    address: text('address').notNull(),
    contactId: text('contact_id').notNull(),
    flaggedAt: text('flagged_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.patientId, t.address] })],
);

/** A call recording on disk under the data folder; only its checked facts are in the database. */
export const callRecordings = sqliteTable(
  'call_recordings',
  {
    id: text('id').primaryKey(),
    contactId: text('contact_id')
      .notNull()
      .references(() => contacts.id),
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    mediaType: text('media_type').notNull(),
    /** Relative to the recordings folder. */
    file: text('file').notNull(),
    uploadedAt: text('uploaded_at').notNull(),
    uploadedBy: text('uploaded_by').notNull(),
    retainUntil: text('retain_until').notNull(),
    deletedAt: text('deleted_at'),
  },
  (t) => [index('call_recordings_contact_idx').on(t.contactId), index('call_recordings_retention_idx').on(t.deletedAt, t.retainUntil)],
);
