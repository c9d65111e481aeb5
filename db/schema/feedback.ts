import { sql } from 'drizzle-orm';
import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { patients } from './patients.js';
import { departments, staff } from './staff.js';

/** 反馈: complaints, suggestions, praise and inquiries, with the case's routing, deadline and escalation level. */
export const feedback = sqliteTable(
  'feedback',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['complaint', 'suggestion', 'praise', 'inquiry'] }).notNull(),
    source: text('source', { enum: ['web', 'agent', 'sms', 'followup'] }).notNull(),
    patientId: text('patient_id').references(() => patients.id),
    anonymous: integer('anonymous', { mode: 'boolean' }).notNull().default(false),
    contactName: text('contact_name'),
    contactPhone: text('contact_phone'),
    contactEmail: text('contact_email'),
    category: text('category').notNull(),
    departmentId: text('department_id').references(() => departments.id),
    doctorName: text('doctor_name'),
    severity: text('severity', { enum: ['low', 'medium', 'high', 'critical'] }).notNull(),
    /** Kept verbatim as the patient wrote it; pages escape it. */
    text: text('text').notNull(),
    status: text('status', { enum: ['open', 'assigned', 'in_progress', 'resolved', 'closed'] }).notNull(),
    /** 首诉负责制: the staff member who first took the case answers the patient until handing it over explicitly. */
    responsibleId: text('responsible_id').references(() => staff.id),
    /** The manager (or group) the routing rule named. */
    assigneeId: text('assignee_id').references(() => staff.id),
    assigneeGroup: text('assignee_group'),
    ruleId: text('rule_id'),
    deadlineAt: text('deadline_at'),
    /** 0 none; 1 department head; 2 quality office; 3 hospital leadership. */
    escalationLevel: integer('escalation_level').notNull().default(0),
    escalatedAt: text('escalated_at'),
    resolution: text('resolution'),
    resolvedAt: text('resolved_at'),
    closedAt: text('closed_at'),
    closedBy: text('closed_by', { enum: ['patient', 'auto', 'staff'] }),
    reopenCount: integer('reopen_count').notNull().default(0),
    followupEventId: text('followup_event_id'),
    satisfaction: real('satisfaction'),
    version: integer('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    index('feedback_department_inbox_idx').on(t.departmentId, t.status, t.deadlineAt),
    index('feedback_status_deadline_idx').on(t.status, t.deadlineAt),
    index('feedback_patient_idx').on(t.patientId, t.createdAt),
    // Statistics: a period's feedback, and complaints by time for the at-risk list.
    index('feedback_created_idx').on(t.createdAt, t.kind, t.category, t.departmentId, t.resolvedAt, t.deadlineAt, t.escalatedAt),
    // The at-risk list's complaints (open as of a day, repeated in 180 days) from the index alone, for a department too.
    index('feedback_complaints_idx').on(t.kind, t.createdAt, t.resolvedAt, t.patientId, t.departmentId),
    index('feedback_open_complaints_idx').on(t.createdAt).where(sql`kind = 'complaint' AND resolved_at IS NULL`),
    // Complaints open as of a day (unresolved, or resolved after it) with who and where from the index alone: the
    // at-risk list looked up each open complaint's row (24,000 at 100×), a third of its time.
    index('feedback_complaints_open_as_of_idx').on(t.kind, t.resolvedAt, t.createdAt, t.patientId, t.departmentId),
    uniqueIndex('feedback_followup_event_unique').on(t.followupEventId),
  ],
);

/** Admins' routing rules: the most specific active rule that matches wins (priority breaks ties). */
export const feedbackRoutingRules = sqliteTable('feedback_routing_rules', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  kind: text('kind', { enum: ['complaint', 'suggestion', 'praise', 'inquiry'] }),
  category: text('category'),
  departmentId: text('department_id').references(() => departments.id),
  severity: text('severity', { enum: ['low', 'medium', 'high', 'critical'] }),
  assigneeId: text('assignee_id').references(() => staff.id),
  assigneeGroup: text('assignee_group'),
  /** Working hours on the hospital calendar. */
  deadlineHours: integer('deadline_hours').notNull(),
  priority: integer('priority').notNull().default(0),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  version: integer('version').notNull().default(1),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
});

/** Everything that happened to a case: routing, handover, each status, each escalation level, each notice. */
export const feedbackLog = sqliteTable(
  'feedback_log',
  {
    id: text('id').primaryKey(),
    feedbackId: text('feedback_id')
      .notNull()
      .references(() => feedback.id),
    at: text('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    level: integer('level'),
    toStaffId: text('to_staff_id'),
    note: text('note'),
  },
  (t) => [index('feedback_log_feedback_idx').on(t.feedbackId, t.at), index('feedback_log_action_idx').on(t.action, t.at)],
);

/**
 * Notices to staff, e-mailed by the staff-notices job (feedback.notices): `queued` until due, `sending` while
 * claimed (due_at is then the lease's end), `sent` by SMTP, `held` by the sandbox (nothing left this machine),
 * `failed` with the reason (no address, refused, given up after retries). Subjects carry no patient data.
 */
export const staffNotices = sqliteTable(
  'staff_notices',
  {
    id: text('id').primaryKey(),
    staffId: text('staff_id')
      .notNull()
      .references(() => staff.id),
    feedbackId: text('feedback_id').references(() => feedback.id),
    channel: text('channel', { enum: ['email'] }).notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    status: text('status', { enum: ['queued', 'sending', 'sent', 'held', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    dueAt: text('due_at'),
    /** The address it went to, masked: the outcome without keeping a copy of the staff directory. */
    sentTo: text('sent_to'),
    provider: text('provider'),
    providerId: text('provider_id'),
    lastError: text('last_error'),
    sentAt: text('sent_at'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('staff_notices_staff_idx').on(t.staffId, t.createdAt), index('staff_notices_due_idx').on(t.status, t.dueAt)],
);
