import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { patients } from './patients.js';
import { departments } from './staff.js';

/**
 * A care reminder on a patient: medication (drug, dose, times of day), re-check (date, department, what to bring)
 * or free text. Every kind is sent at `timesOfDay` on each local date from `startDate` to `endDate`; for a re-check
 * that is the day(s) before the visit. Ending or cancelling stops it and cancels what is already queued.
 */
export const careReminders = sqliteTable(
  'care_reminders',
  {
    id: text('id').primaryKey(),
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    kind: text('kind', { enum: ['medication', 'recheck', 'free_text'] }).notNull(),
    status: text('status', { enum: ['active', 'ended', 'cancelled'] }).notNull(),
    startDate: text('start_date').notNull(),
    endDate: text('end_date').notNull(),
    timesOfDay: text('times_of_day', { mode: 'json' }).$type<string[]>().notNull(),
    drug: text('drug'),
    dose: text('dose'),
    recheckDate: text('recheck_date'),
    recheckDepartmentId: text('recheck_department_id').references(() => departments.id),
    bring: text('bring'),
    text: text('text'),
    /** The creator's department: whose reminder it is. */
    departmentId: text('department_id').references(() => departments.id),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
    closedAt: text('closed_at'),
    closedBy: text('closed_by'),
    closeReason: text('close_reason'),
  },
  (t) => [index('care_reminders_patient_idx').on(t.patientId, t.createdAt), index('care_reminders_due_idx').on(t.status, t.endDate), index('care_reminders_department_idx').on(t.departmentId, t.createdAt)],
);

/** A health-education campaign (治未病): a segment by the patients' classification filters, a text and a send time. */
export const campaigns = sqliteTable(
  'campaigns',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    segment: text('segment', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    body: text('body').notNull(),
    sendAt: text('send_at').notNull(),
    status: text('status', { enum: ['draft', 'sending', 'queued', 'cancelled'] }).notNull(),
    queuedCount: integer('queued_count').notNull().default(0),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
    queuedAt: text('queued_at'),
    cancelledAt: text('cancelled_at'),
  },
  (t) => [index('campaigns_created_idx').on(t.createdAt)],
);
