import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { patients } from './patients.js';
import { departments, staff } from './staff.js';

/** How a department takes bookings: patients book directly, request and wait for staff, or only see the schedule. */
export const bookingDepartments = sqliteTable('booking_departments', {
  departmentId: text('department_id')
    .primaryKey()
    .references(() => departments.id),
  mode: text('mode', { enum: ['direct', 'approval', 'view_only'] }).notNull(),
  updatedAt: text('updated_at').notNull(),
});

/** A doctor as patients choose one (号别): title, specialty, fee class. Optionally the staff account behind it. */
export const doctorProfiles = sqliteTable(
  'doctor_profiles',
  {
    id: text('id').primaryKey(),
    staffId: text('staff_id').references(() => staff.id),
    departmentId: text('department_id')
      .notNull()
      .references(() => departments.id),
    name: text('name').notNull(),
    title: text('title', { enum: ['chief', 'associate_chief', 'attending', 'resident'] }).notNull(),
    specialty: text('specialty'),
    photoUrl: text('photo_url'),
    feeClass: text('fee_class', { enum: ['general', 'expert', 'special'] }).notNull(),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('doctor_profiles_department_idx').on(t.departmentId)],
);

/** Channel reserves of one slot: how many places web, phone and desk each keep until the release time. */
export interface ChannelReserve {
  web: number;
  phone: number;
  desk: number;
}

/** A weekly template (出诊模板): on this weekday and half-day the doctor holds a session; a job keeps N days generated. */
export const scheduleTemplates = sqliteTable(
  'schedule_templates',
  {
    id: text('id').primaryKey(),
    doctorId: text('doctor_id')
      .notNull()
      .references(() => doctorProfiles.id),
    /** ISO weekday: 1 Monday … 7 Sunday. */
    weekday: integer('weekday').notNull(),
    halfDay: text('half_day', { enum: ['morning', 'afternoon', 'evening'] }).notNull(),
    startTime: text('start_time').notNull(),
    endTime: text('end_time').notNull(),
    slotMinutes: integer('slot_minutes').notNull(),
    slotCapacity: integer('slot_capacity').notNull(),
    reserve: text('reserve', { mode: 'json' }).$type<ChannelReserve>().notNull(),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('schedule_templates_doctor_unique').on(t.doctorId, t.weekday, t.halfDay)],
);

/**
 * One clinic session (出诊): a doctor, a local date and half-day. It carries its free places per channel, kept in step
 * with its slots in every booking transaction, so a department's week is read from one index range and never
 * counted from bookings. Free for channel c = freeShared + reserved<c>.
 */
export const clinicSessions = sqliteTable(
  'clinic_sessions',
  {
    id: text('id').primaryKey(),
    doctorId: text('doctor_id')
      .notNull()
      .references(() => doctorProfiles.id),
    departmentId: text('department_id')
      .notNull()
      .references(() => departments.id),
    date: text('date').notNull(),
    halfDay: text('half_day', { enum: ['morning', 'afternoon', 'evening'] }).notNull(),
    startAt: text('start_at').notNull(),
    endAt: text('end_at').notNull(),
    status: text('status', { enum: ['open', 'stopped'] }).notNull(),
    templateId: text('template_id').references(() => scheduleTemplates.id),
    capacity: integer('capacity').notNull(),
    booked: integer('booked').notNull().default(0),
    freeShared: integer('free_shared').notNull(),
    reservedWeb: integer('reserved_web').notNull(),
    reservedPhone: integer('reserved_phone').notNull(),
    reservedDesk: integer('reserved_desk').notNull(),
    reservesReleasedAt: text('reserves_released_at'),
    noShowsMarkedAt: text('no_shows_marked_at'),
    stoppedAt: text('stopped_at'),
    stopReason: text('stop_reason'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('clinic_sessions_doctor_unique').on(t.doctorId, t.date, t.halfDay),
    index('clinic_sessions_department_date_idx').on(t.departmentId, t.date),
    index('clinic_sessions_start_idx').on(t.startAt),
    index('clinic_sessions_end_idx').on(t.endAt),
  ],
);

/** A slot (号源): a start time with a capacity; reserved<c> are the places channel c still keeps for itself. */
export const slots = sqliteTable(
  'slots',
  {
    id: text('id').primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => clinicSessions.id),
    startAt: text('start_at').notNull(),
    endAt: text('end_at').notNull(),
    capacity: integer('capacity').notNull(),
    booked: integer('booked').notNull().default(0),
    reservedWeb: integer('reserved_web').notNull(),
    reservedPhone: integer('reserved_phone').notNull(),
    reservedDesk: integer('reserved_desk').notNull(),
  },
  (t) => [index('slots_session_idx').on(t.sessionId, t.startAt)],
);

export const APPOINTMENT_STATUSES = ['requested', 'booked', 'checked_in', 'completed', 'cancelled', 'rejected', 'no_show'] as const;

/** A booking. Open ones (requested, booked, checked in) hold a place in their slot. Statistics read this table. */
export const appointments = sqliteTable(
  'appointments',
  {
    id: text('id').primaryKey(),
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    slotId: text('slot_id')
      .notNull()
      .references(() => slots.id),
    sessionId: text('session_id')
      .notNull()
      .references(() => clinicSessions.id),
    doctorId: text('doctor_id')
      .notNull()
      .references(() => doctorProfiles.id),
    departmentId: text('department_id')
      .notNull()
      .references(() => departments.id),
    date: text('date').notNull(),
    startAt: text('start_at').notNull(),
    type: text('type').notNull(),
    channel: text('channel', { enum: ['web', 'phone', 'desk'] }).notNull(),
    /** The place came from the channel's reserve: a cancellation gives it back there while reserves hold. */
    fromReserve: integer('from_reserve', { mode: 'boolean' }).notNull(),
    status: text('status', { enum: APPOINTMENT_STATUSES }).notNull(),
    bookedBy: text('booked_by').notNull(),
    createdAt: text('created_at').notNull(),
    /** Days from booking to the visit, for statistics. */
    leadDays: integer('lead_days').notNull(),
    rescheduledFromId: text('rescheduled_from_id'),
    cancelledAt: text('cancelled_at'),
    cancelledBy: text('cancelled_by'),
    cancelReason: text('cancel_reason'),
    checkedInAt: text('checked_in_at'),
    completedAt: text('completed_at'),
    noShowAt: text('no_show_at'),
    noShowReversedAt: text('no_show_reversed_at'),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('appointments_patient_idx').on(t.patientId, t.startAt),
    index('appointments_session_idx').on(t.sessionId, t.status),
    index('appointments_department_idx').on(t.departmentId, t.date),
    index('appointments_status_idx').on(t.status, t.startAt),
    // Statistics by appointment day: every column the figures read, so a year is one index range without the table.
    index('appointments_stats_idx').on(t.date, t.departmentId, t.channel, t.status, t.leadDays, t.startAt, t.cancelReason, t.doctorId),
    uniqueIndex('appointments_one_per_doctor_day').on(t.patientId, t.doctorId, t.date).where(sql`status in ('requested', 'booked', 'checked_in')`),
  ],
);

/** One-time codes sent by SMS to the patients' page: only a keyed hash of code and phone is kept. */
export const bookingCodes = sqliteTable(
  'booking_codes',
  {
    id: text('id').primaryKey(),
    phoneHash: text('phone_hash').notNull(),
    codeHash: text('code_hash').notNull(),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    usedAt: text('used_at'),
  },
  (t) => [index('booking_codes_phone_idx').on(t.phoneHash, t.createdAt)],
);

/** A patient's signed-in visit to /book after a code: the cookie carries the token, the table its hash. */
export const bookingVisits = sqliteTable('booking_visits', {
  tokenHash: text('token_hash').primaryKey(),
  phoneHash: text('phone_hash').notNull(),
  phone: text('phone').notNull(),
  createdAt: text('created_at').notNull(),
  expiresAt: text('expires_at').notNull(),
});

/**
 * The waiting list for a doctor's day. When a place frees up, the first patient waiting is offered it by SMS: the
 * place is held for them (taken from the slot) until the offer expires, then passed to the next. An offer that
 * ends `booked` refilled a freed place; the rows are the refill rate's record.
 */
export const waitlistEntries = sqliteTable(
  'waitlist_entries',
  {
    id: text('id').primaryKey(),
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    doctorId: text('doctor_id')
      .notNull()
      .references(() => doctorProfiles.id),
    date: text('date').notNull(),
    status: text('status', { enum: ['waiting', 'offered', 'booked', 'expired', 'cancelled'] }).notNull(),
    createdAt: text('created_at').notNull(),
    offeredSlotId: text('offered_slot_id').references(() => slots.id),
    offerChannel: text('offer_channel', { enum: ['web', 'phone', 'desk'] }),
    offerFromReserve: integer('offer_from_reserve', { mode: 'boolean' }),
    offerTokenHash: text('offer_token_hash'),
    offeredAt: text('offered_at'),
    offerExpiresAt: text('offer_expires_at'),
    appointmentId: text('appointment_id'),
  },
  (t) => [index('waitlist_doctor_day_idx').on(t.doctorId, t.date, t.status, t.createdAt), index('waitlist_offer_idx').on(t.status, t.offerExpiresAt), uniqueIndex('waitlist_token_unique').on(t.offerTokenHash)],
);
