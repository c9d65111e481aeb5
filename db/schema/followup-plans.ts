import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { questionnaireInvitations } from './followup.js';
import { encounters, patients } from './patients.js';
import { departments, staff } from './staff.js';

/**
 * Follow-up plans (随访方案), one row per version. A change is a new version; rows are never edited, so a
 * patient's schedule can always say which version put a step there.
 */
export const followupPlans = sqliteTable(
  'followup_plans',
  {
    id: text('id').primaryKey(),
    code: text('code').notNull(),
    version: integer('version').notNull(),
    /** active: applied to new encounters; retired: applied to none (its scheduled steps still run). */
    status: text('status', { enum: ['active', 'retired'] }).notNull(),
    /** The plan as written (trigger, conditions, steps, hours), checked by PlanDefinition. */
    definition: text('definition', { mode: 'json' }).notNull(),
    createdAt: text('created_at').notNull(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [uniqueIndex('followup_plans_code_version_unique').on(t.code, t.version)],
);

/** A patient on a plan: because of one encounter (automatic) or by hand. */
export const followupEnrolments = sqliteTable(
  'followup_enrolments',
  {
    id: text('id').primaryKey(),
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    planCode: text('plan_code').notNull(),
    /** The version the scheduled steps follow now. */
    planVersion: integer('plan_version').notNull(),
    /** Staff kept this version: a newer version of the plan does not re-plan this patient. */
    keepVersion: integer('keep_version', { mode: 'boolean' }).notNull(),
    encounterId: text('encounter_id').references(() => encounters.id),
    departmentId: text('department_id').references(() => departments.id),
    trigger: text('trigger', { enum: ['discharge', 'outpatient-visit', 'surgery', 'manual'] }).notNull(),
    /** Local date (YYYY-MM-DD) the step offsets count from: discharge day, visit day, or the enrolment day. */
    anchorDate: text('anchor_date').notNull(),
    /** Why the patient is on the plan: the conditions that matched, in words staff read on the patient page. */
    reason: text('reason').notNull(),
    status: text('status', { enum: ['active', 'stopped'] }).notNull(),
    stopReason: text('stop_reason'),
    createdAt: text('created_at').notNull(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [
    // One enrolment per plan and encounter: an A03 sent twice, or an update of the visit, does not enrol again.
    uniqueIndex('followup_enrolments_plan_encounter_unique').on(t.planCode, t.encounterId),
    index('followup_enrolments_patient_idx').on(t.patientId, t.createdAt),
    index('followup_enrolments_plan_idx').on(t.planCode, t.status),
    // Statistics: was this discharge put on a plan (follow-up coverage).
    index('followup_enrolments_encounter_idx').on(t.encounterId),
  ],
);

/** One step of an enrolment at its day: scheduled until the job carries it out (or it is dropped or cancelled). */
export const followupSteps = sqliteTable(
  'followup_steps',
  {
    id: text('id').primaryKey(),
    enrolmentId: text('enrolment_id')
      .notNull()
      .references(() => followupEnrolments.id),
    patientId: text('patient_id').notNull(),
    stepKey: text('step_key').notNull(),
    planVersion: integer('plan_version').notNull(),
    kind: text('kind', { enum: ['call', 'questionnaire', 'care-reminder'] }).notNull(),
    day: integer('day').notNull(),
    dueAt: text('due_at').notNull(),
    status: text('status', { enum: ['scheduled', 'done', 'cancelled'] }).notNull(),
    doneAt: text('done_at'),
    /** What carrying it out made: task:<id>, invitation:<id>, message:<id>, or why it was cancelled. */
    result: text('result'),
  },
  (t) => [index('followup_steps_due_idx').on(t.status, t.dueAt), index('followup_steps_enrolment_idx').on(t.enrolmentId, t.stepKey)],
);

/** A follow-up task (随访任务) on a worklist: mostly a call by a nurse or doctor. */
export const followupTasks = sqliteTable(
  'followup_tasks',
  {
    id: text('id').primaryKey(),
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    stepId: text('step_id').references(() => followupSteps.id),
    encounterId: text('encounter_id').references(() => encounters.id),
    departmentId: text('department_id')
      .notNull()
      .references(() => departments.id),
    kind: text('kind', { enum: ['call'] }).notNull(),
    title: text('title').notNull(),
    /** The questionnaire the caller fills in on the patient's behalf, url|version. */
    questionnaire: text('questionnaire'),
    assigneeRole: text('assignee_role', { enum: ['doctor', 'nurse'] }).notNull(),
    assigneeId: text('assignee_id').references(() => staff.id),
    status: text('status', { enum: ['open', 'done', 'failed', 'cancelled'] }).notNull(),
    dueAt: text('due_at').notNull(),
    /** Local HH:MM between which the patient may be called. */
    hoursFrom: text('hours_from').notNull(),
    hoursTo: text('hours_to').notNull(),
    attempts: integer('attempts').notNull(),
    maxAttempts: integer('max_attempts').notNull(),
    overdueSince: text('overdue_since'),
    outcome: text('outcome', { enum: ['reached', 'not-reached', 'wrong-number', 'refused', 'deceased'] }),
    responseId: text('response_id'),
    version: integer('version').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    closedAt: text('closed_at'),
  },
  (t) => [
    index('followup_tasks_worklist_idx').on(t.departmentId, t.status, t.dueAt),
    index('followup_tasks_assignee_idx').on(t.assigneeId, t.status, t.dueAt),
    index('followup_tasks_patient_idx').on(t.patientId, t.createdAt),
    index('followup_tasks_overdue_idx').on(t.status, t.overdueSince, t.dueAt),
    // Statistics: tasks by due time with every column the completion and on-time rates read (no table lookups).
    index('followup_tasks_due_idx').on(t.dueAt, t.departmentId, t.status, t.closedAt, t.assigneeId),
    // Statistics: a department's tasks by due time with the same columns (a manager's completion and on-time rates).
    index('followup_tasks_department_due_idx').on(t.departmentId, t.dueAt, t.status, t.closedAt, t.assigneeId),
    // Statistics: an attempt's department in one index lookup (reach rate).
    index('followup_tasks_department_of_idx').on(t.id, t.departmentId),
  ],
);

/** Every call attempt with its outcome: the task's history, and what the retry policy counts. */
export const followupTaskAttempts = sqliteTable(
  'followup_task_attempts',
  {
    id: text('id').primaryKey(),
    taskId: text('task_id')
      .notNull()
      .references(() => followupTasks.id),
    at: text('at').notNull(),
    staffId: text('staff_id').notNull(),
    outcome: text('outcome', { enum: ['reached', 'not-reached', 'wrong-number', 'refused', 'deceased'] }).notNull(),
    notes: text('notes'),
    responseId: text('response_id'),
  },
  (t) => [index('followup_task_attempts_task_idx').on(t.taskId, t.at), index('followup_task_attempts_at_idx').on(t.at, t.taskId, t.outcome, t.staffId)],
);

/**
 * A follow-up visit (复诊) a doctor asked for: a date in a department, a reminder through messaging, and whether
 * the patient came (an encounter of that department on or after the date).
 */
export const followupVisits = sqliteTable(
  'followup_visits',
  {
    id: text('id').primaryKey(),
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    departmentId: text('department_id')
      .notNull()
      .references(() => departments.id),
    dueDate: text('due_date').notNull(),
    taskId: text('task_id').references(() => followupTasks.id),
    enrolmentId: text('enrolment_id').references(() => followupEnrolments.id),
    /** planned: a reminder only; booked: appointments took a slot (bookFollowupVisit); attended / missed. */
    status: text('status', { enum: ['planned', 'booked', 'attended', 'missed', 'cancelled'] }).notNull(),
    appointmentId: text('appointment_id'),
    attendedEncounterId: text('attended_encounter_id'),
    createdAt: text('created_at').notNull(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [index('followup_visits_patient_idx').on(t.patientId, t.dueDate), index('followup_visits_open_idx').on(t.status, t.dueDate)],
);

/**
 * Extra links to an invitation: a reminder carries a fresh token (the first is never stored), and either link opens
 * the same invitation. Only keyed hashes are kept, as for the first link.
 */
export const invitationLinks = sqliteTable('questionnaire_invitation_links', {
  tokenHash: text('token_hash').primaryKey(),
  invitationId: text('invitation_id')
    .notNull()
    .references(() => questionnaireInvitations.id),
  createdAt: text('created_at').notNull(),
});

/** Invitations a plan sent, with when the patient was last reminded: what the reminder job reads. */
export const invitationSends = sqliteTable(
  'followup_invitation_sends',
  {
    invitationId: text('invitation_id')
      .primaryKey()
      .references(() => questionnaireInvitations.id),
    stepId: text('step_id').references(() => followupSteps.id),
    channel: text('channel', { enum: ['sms', 'email'] }),
    sentAt: text('sent_at').notNull(),
    reminders: integer('reminders').notNull(),
    remindedAt: text('reminded_at'),
  },
  (t) => [index('followup_invitation_sends_due_idx').on(t.reminders, t.sentAt)],
);

/** Wrong tokens tried on /q/:token, per address: kept in the database so every instance shares the throttle. */
export const questionnaireLinkFailures = sqliteTable(
  'questionnaire_link_failures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ip: text('ip').notNull(),
    at: text('at').notNull(),
  },
  (t) => [index('questionnaire_link_failures_ip_idx').on(t.ip, t.at)],
);
