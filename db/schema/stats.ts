import { blob, index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * A satisfaction cell below its day or month: its keys ('' for none) and its sums. The daily rollup and the monthly
 * one summed from it share the columns, so a month's cells add up exactly as its days' do. A function: each table
 * needs column builders of its own.
 */
const satisfactionCell = () => ({
    departmentId: text('department_id').notNull(),
    doctorId: text('doctor_id').notNull(),
    questionnaireId: text('questionnaire_id').notNull(),
    encounterClass: text('encounter_class').notNull(),
    responses: integer('responses').notNull(),
    satN: integer('sat_n').notNull(),
    satSum: real('sat_sum').notNull(),
    satSumSq: real('sat_sum_sq').notNull(),
    satisfied: integer('satisfied').notNull(),
    npsN: integer('nps_n').notNull(),
    promoters: integer('promoters').notNull(),
    passives: integer('passives').notNull(),
    detractors: integer('detractors').notNull(),
});

/** A scored item's cell below its day or month, shared by the daily and monthly item rollups. */
const itemCell = () => ({
    departmentId: text('department_id').notNull(),
    doctorId: text('doctor_id').notNull(),
    questionnaireId: text('questionnaire_id').notNull(),
    linkId: text('link_id').notNull(),
    tags: text('tags').notNull(),
    n: integer('n').notNull(),
    sum: real('sum').notNull(),
    sumSq: real('sum_sq').notNull(),
});

/**
 * Satisfaction per local day × department × doctor × questionnaire × encounter class, rebuilt by the nightly job
 * and `npm run stats:rebuild`. Sums, not means: any grouping of cells adds up exactly, and means, shares, NPS and
 * their confidence intervals are computed from the sums by the metric definitions. '' stands for "none".
 */
export const statsSatisfactionDaily = sqliteTable(
  'stats_satisfaction_daily',
  {
    day: text('day').notNull(),
    ...satisfactionCell(),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.departmentId, t.doctorId, t.questionnaireId, t.encounterClass] }),
    index('stats_satisfaction_daily_department_idx').on(t.departmentId, t.day),
  ],
);

/** Scored answers per local day × department × doctor × questionnaire × item: aspect scores and the lowest items. */
export const statsItemDaily = sqliteTable(
  'stats_item_daily',
  {
    day: text('day').notNull(),
    ...itemCell(),
  },
  (t) => [primaryKey({ columns: [t.day, t.departmentId, t.doctorId, t.questionnaireId, t.linkId] }), index('stats_item_daily_department_idx').on(t.departmentId, t.day)],
);

/** The days whose rollup is complete: the live query covers every later day. */
export const statsRollupDays = sqliteTable('stats_rollup_days', {
  day: text('day').primaryKey(),
  builtAt: text('built_at').notNull(),
});

/**
 * Diagnoses per local day (of the encounter's start) × department × ICD-10 chapter ('other': outside every chapter),
 * rebuilt with the satisfaction rollups; the days of stats_rollup_days are read from here, every other day live.
 */
export const statsDiagnosisDaily = sqliteTable(
  'stats_diagnosis_daily',
  {
    day: text('day').notNull(),
    departmentId: text('department_id').notNull(),
    chapter: text('chapter').notNull(),
    diagnoses: integer('diagnoses').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.departmentId, t.chapter] }), index('stats_diagnosis_daily_department_idx').on(t.departmentId, t.day)],
);

/**
 * RFM snapshots, one per calendar month (`period` YYYY-MM): every patient's segment as of the month's last day, or
 * for the month under way as of the last night the job ran. A snapshot keeps how patients moved to it from the end
 * of the month before.
 */
export const statsRfmSnapshots = sqliteTable('stats_rfm_snapshots', {
  period: text('period').primaryKey(),
  asOf: text('as_of').notNull(),
  previousAsOf: text('previous_as_of').notNull(),
  builtAt: text('built_at').notNull(),
});

/**
 * Patients by segment at the previous month's end (`from`, 'none': no visit yet) and at the snapshot (`to`), per
 * department ('*': the whole hospital, '' encounters without a department). Sizes are its sums.
 */
export const statsRfmMovement = sqliteTable(
  'stats_rfm_movement',
  {
    period: text('period').notNull(),
    departmentId: text('department_id').notNull(),
    fromSegment: text('from_segment').notNull(),
    toSegment: text('to_segment').notNull(),
    patients: integer('patients').notNull(),
  },
  (t) => [primaryKey({ columns: [t.period, t.departmentId, t.fromSegment, t.toSegment] })],
);

/**
 * The calendar months (YYYY-MM, local) whose service rollup `rollup` is built: a period reads its whole rolled months
 * from the rollup and every other day (the partial months at either end, a month not rolled yet) from the tables.
 * Only finished months are rolled.
 */
export const statsRollupMonths = sqliteTable(
  'stats_rollup_months',
  {
    rollup: text('rollup').notNull(),
    month: text('month').notNull(),
    builtAt: text('built_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.rollup, t.month] })],
);

/**
 * Appointments per month of their day × department × doctor profile × channel × lead days: the sums the appointments
 * figures add up (lead days kept so medians stay exact). `due` is what is not cancelled: in a finished month every
 * appointment's time has come.
 */
export const statsAppointmentsMonthly = sqliteTable(
  'stats_appointments_monthly',
  {
    month: text('month').notNull(),
    departmentId: text('department_id').notNull(),
    doctorId: text('doctor_id').notNull(),
    channel: text('channel').notNull(),
    leadDays: integer('lead_days').notNull(),
    booked: integer('booked').notNull(),
    moved: integer('moved').notNull(),
    cancelled: integer('cancelled').notNull(),
    due: integer('due').notNull(),
    noShows: integer('no_shows').notNull(),
  },
  (t) => [primaryKey({ columns: [t.month, t.departmentId, t.doctorId, t.channel, t.leadDays] })],
);

/** Discharges (inpatient stays ended) per local month × department × attending doctor ('' none), and those put on a plan. */
export const statsDischargesMonthly = sqliteTable(
  'stats_discharges_monthly',
  {
    month: text('month').notNull(),
    departmentId: text('department_id').notNull(),
    doctorId: text('doctor_id').notNull(),
    discharges: integer('discharges').notNull(),
    withPlan: integer('with_plan').notNull(),
  },
  (t) => [primaryKey({ columns: [t.month, t.departmentId, t.doctorId] })],
);

/** Follow-up call attempts per local month × the task's department × the caller ('' none), and those that reached. */
export const statsCallAttemptsMonthly = sqliteTable(
  'stats_call_attempts_monthly',
  {
    month: text('month').notNull(),
    departmentId: text('department_id').notNull(),
    staffId: text('staff_id').notNull(),
    attempted: integer('attempted').notNull(),
    reached: integer('reached').notNull(),
  },
  (t) => [primaryKey({ columns: [t.month, t.departmentId, t.staffId] })],
);

/**
 * Who came back when, per local day: patients seen on `day` in `scope` ('*' the whole hospital, a department id, ''
 * encounters without one), by the day of their previous visit in that scope (`prev_day`, '' none) and, for those
 * with none, the day of their first visit anywhere (`first_day`, else ''). Patients seen in [s, e] are the pairs
 * with s ≤ day ≤ e and prev_day < s (each counted once, at their first visit of the period); new patients are those
 * among them with no previous visit and a first visit anywhere on or after s. Built with the satisfaction rollups
 * for the days of stats_rollup_days.
 */
export const statsVisitPairs = sqliteTable(
  'stats_visit_pairs',
  {
    scope: text('scope').notNull(),
    day: text('day').notNull(),
    prevDay: text('prev_day').notNull(),
    firstDay: text('first_day').notNull(),
    patients: integer('patients').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.day, t.prevDay, t.firstDay] })],
);

/**
 * The satisfaction rollups summed per finished month (`month` YYYY-MM) from the daily ones, once every day of the
 * month is rolled up (stats_rollup_months, rollup 'satisfaction'): a year is twelve months of cells instead of 365
 * days of them. Rebuilt whenever one of the month's days is.
 */
export const statsSatisfactionMonthly = sqliteTable(
  'stats_satisfaction_monthly',
  {
    month: text('month').notNull(),
    ...satisfactionCell(),
  },
  (t) => [primaryKey({ columns: [t.month, t.departmentId, t.doctorId, t.questionnaireId, t.encounterClass] })],
);

export const statsItemMonthly = sqliteTable(
  'stats_item_monthly',
  {
    month: text('month').notNull(),
    ...itemCell(),
  },
  (t) => [primaryKey({ columns: [t.month, t.departmentId, t.doctorId, t.questionnaireId, t.linkId] })],
);

/**
 * The age pyramid's rollup: each local day's visitors in `scope` (as in stats_visit_pairs), one entry per patient and
 * scope: the day of their previous visit in that scope and their birth date and gender, packed as little-endian int32
 * pairs (previous day as days since 1970-01-01, none -1,000,000; then YYYYMMDD × 4 + gender, no birth date 0) sorted by
 * previous day. Patients seen in [s, e] are the entries of the days s..e whose previous day is before s, as for the
 * visit pairs; one blob per day keeps a year to 365 reads instead of a row per patient. Built with the visit pairs.
 */
export const statsDayVisitors = sqliteTable(
  'stats_day_visitors',
  {
    scope: text('scope').notNull(),
    day: text('day').notNull(),
    visitors: blob('visitors', { mode: 'buffer' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.day] })],
);

/**
 * The birth date and gender a patient's rolled days still carry, kept (by a trigger) at the first change of either
 * since the rollup last folded the changes in: the pyramid corrects rolled days for these patients until then.
 */
export const statsRolledDemographics = sqliteTable('stats_rolled_demographics', {
  patientId: text('patient_id').primaryKey(),
  birthDate: text('birth_date'),
  gender: text('gender').notNull(),
});

/**
 * The patient an encounter belonged to when its days were rolled up, kept (by a trigger) when a merge or its undoing
 * moves it to another patient: the pyramid corrects rolled days for both patients until the rollup folds it in.
 */
export const statsRolledOwners = sqliteTable('stats_rolled_owners', {
  encounterId: text('encounter_id').primaryKey(),
  patientId: text('patient_id').notNull(),
});
