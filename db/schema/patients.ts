import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { departments, staff } from './staff.js';

export const patients = sqliteTable(
  'patients',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    /** Lower-case pinyin without tones or spaces (张三丰 → zhangsanfeng), for prefix search. */
    namePinyin: text('name_pinyin').notNull(),
    /** Pinyin initials (张三丰 → zsf). */
    nameInitials: text('name_initials').notNull(),
    gender: text('gender', { enum: ['male', 'female', 'other', 'unknown'] }).notNull(),
    birthDate: text('birth_date'),
    residentIdSealed: text('resident_id_sealed'),
    residentIdHash: text('resident_id_hash'),
    /** E.164 (+8613812345678, +861088886666 for a Beijing landline). */
    phone: text('phone'),
    phoneLast4: text('phone_last4'),
    email: text('email'),
    province: text('province'),
    city: text('city'),
    district: text('district'),
    addressDetail: text('address_detail'),
    occupation: text('occupation'),
    employer: text('employer'),
    source: text('source'),
    emergencyContacts: text('emergency_contacts', { mode: 'json' }).$type<{ name: string; relationship: string; phone: string }[]>().notNull(),
    preferredLanguage: text('preferred_language', { enum: ['zh-CN', 'en'] }).notNull().default('zh-CN'),
    preferredChannel: text('preferred_channel', { enum: ['sms', 'email', 'phone', 'none'] }).notNull().default('sms'),
    pastHistory: text('past_history'),
    familyHistory: text('family_history'),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull(),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    deactivatedAt: text('deactivated_at'),
    deactivationReason: text('deactivation_reason'),
    /** Set when the hospital learns of the patient's death; nothing is sent to a deceased patient. */
    deceasedAt: text('deceased_at'),
    /** Set when identity merges this file into another; messages go to the surviving file only. */
    mergedIntoId: text('merged_into_id'),
    /** Kept up to date when encounters are added, so classification filters need no aggregate. */
    lastVisitAt: text('last_visit_at'),
    visitCount: integer('visit_count').notNull().default(0),
    totalSpendCents: integer('total_spend_cents').notNull().default(0),
    version: integer('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    index('patients_phone_idx').on(t.phone),
    index('patients_phone_last4_idx').on(t.phoneLast4, t.id),
    index('patients_resident_id_idx').on(t.residentIdHash),
    // Birthday greetings read today's month-day (MM-DD) across every year of birth.
    index('patients_birth_month_day_idx').on(sql`substr(${t.birthDate}, 6)`, t.id),
    // Statistics count the patients registered in a period (sources, regions) from the index alone: a year at 100×
    // the demo was 2 s of table rows.
    index('patients_created_idx').on(t.createdAt, t.mergedIntoId, t.source, t.province, t.city),
  ],
);

/**
 * Prefix-search keys of a patient's name: the characters, the full pinyin and the initials, one row each, so a
 * single index range answers 张, zhang and zsf alike, already in display order.
 */
export const patientSearchKeys = sqliteTable(
  'patient_search_keys',
  {
    key: text('key').notNull(),
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
  },
  (t) => [primaryKey({ columns: [t.key, t.patientId] }), index('patient_search_keys_patient_idx').on(t.patientId)],
);

export const patientIdentifiers = sqliteTable(
  'patient_identifiers',
  {
    id: text('id').primaryKey(),
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    system: text('system').notNull(),
    value: text('value').notNull(),
  },
  (t) => [
    uniqueIndex('patient_identifiers_system_value').on(t.system, t.value),
    index('patient_identifiers_value_idx').on(t.value),
    index('patient_identifiers_patient_idx').on(t.patientId),
  ],
);

export const patientConsents = sqliteTable(
  'patient_consents',
  {
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    channel: text('channel', { enum: ['sms', 'email', 'phone', 'mail'] }).notNull(),
    purpose: text('purpose', { enum: ['care', 'marketing'] }).notNull(),
    granted: integer('granted', { mode: 'boolean' }).notNull(),
    recordedAt: text('recorded_at').notNull(),
    method: text('method', { enum: ['written', 'verbal', 'web', 'sms_reply', 'email_link', 'import'] }).notNull(),
    recordedBy: text('recorded_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.patientId, t.channel, t.purpose] })],
);

export const patientTags = sqliteTable(
  'patient_tags',
  {
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    tag: text('tag').notNull(),
  },
  (t) => [primaryKey({ columns: [t.patientId, t.tag] }), index('patient_tags_tag_idx').on(t.tag, t.patientId)],
);

export const encounters = sqliteTable(
  'encounters',
  {
    id: text('id').primaryKey(),
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    class: text('class', { enum: ['outpatient', 'emergency', 'inpatient', 'surgery', 'lab', 'exam'] }).notNull(),
    status: text('status', { enum: ['planned', 'in-progress', 'finished', 'cancelled'] }).notNull(),
    departmentId: text('department_id').references(() => departments.id),
    attendingDoctorId: text('attending_doctor_id').references(() => staff.id),
    attendingDoctorName: text('attending_doctor_name'),
    startAt: text('start_at').notNull(),
    endAt: text('end_at'),
    chargesCents: integer('charges_cents').notNull().default(0),
    summary: text('summary'),
    sourceSystem: text('source_system'),
    sourceId: text('source_id'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    // With the status, "a visit before this one" (new and returning patients) is answered from the index alone.
    index('encounters_patient_idx').on(t.patientId, t.startAt, t.status),
    // With the time and status, "a patient's last visit to this department before a day" (the visit-pairs rollup of
    // new and returning patients) is answered from the index alone.
    index('encounters_department_patient_idx').on(t.departmentId, t.patientId, t.startAt, t.status),
    // Statistics read encounters by period (visits, new and returning, the pyramid): covering, so a month of a big
    // hospital's visits is read from the index without a lookup per visit.
    index('encounters_start_idx').on(t.startAt, t.status, t.patientId, t.departmentId),
    // Statistics read discharges (inpatient stays by their end) for follow-up coverage.
    index('encounters_discharge_idx').on(t.endAt, t.departmentId, t.status, t.attendingDoctorId, t.id).where(sql`class = 'inpatient'`),
    uniqueIndex('encounters_source_unique').on(t.sourceSystem, t.sourceId),
  ],
);

export const diagnoses = sqliteTable(
  'diagnoses',
  {
    id: text('id').primaryKey(),
    encounterId: text('encounter_id')
      .notNull()
      .references(() => encounters.id),
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    /** ICD-10 code, upper case with its dot (I10, E11.9). */
    code: text('code').notNull(),
    text: text('text').notNull(),
    primary: integer('is_primary', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [index('diagnoses_patient_idx').on(t.patientId), index('diagnoses_code_idx').on(t.code, t.patientId), index('diagnoses_encounter_idx').on(t.encounterId)],
);

export const procedures = sqliteTable(
  'procedures',
  {
    id: text('id').primaryKey(),
    encounterId: text('encounter_id')
      .notNull()
      .references(() => encounters.id),
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    code: text('code'),
    text: text('text').notNull(),
    performedAt: text('performed_at'),
  },
  (t) => [index('procedures_patient_idx').on(t.patientId), index('procedures_encounter_idx').on(t.encounterId)],
);

export const allergies = sqliteTable(
  'allergies',
  {
    id: text('id').primaryKey(),
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    substance: text('substance').notNull(),
    reaction: text('reaction'),
    severity: text('severity', { enum: ['mild', 'moderate', 'severe'] }),
    recordedAt: text('recorded_at').notNull(),
  },
  (t) => [index('allergies_patient_idx').on(t.patientId)],
);

/**
 * Where each contact, demographic and consent field of a patient last came from, and as of when: staff at the
 * moment they saved, a feed at the time its message states. A feed's value replaces one only if it is newer.
 */
export const patientFieldSources = sqliteTable(
  'patient_field_sources',
  {
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    /** `phone`, `address.city`, `consent.sms.care` … */
    field: text('field').notNull(),
    /** `staff:<id>` or `import:<source>`. */
    source: text('source').notNull(),
    assertedAt: text('asserted_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.patientId, t.field] })],
);

/**
 * A counter per patient that triggers (migration 0007) raise on every change to a table the patient file is built
 * from, whatever process writes it: a cached file is served only while its revision is still the stored one.
 */
export const patientFileRevisions = sqliteTable('patient_file_revisions', {
  patientId: text('patient_id').primaryKey(),
  revision: integer('revision').notNull(),
});

/**
 * One row, raised (by triggers on patient_file_revisions) whenever any patient's revision is: a kept file whose clock
 * reading is still the current one needs no look at its own revision, one small page instead of a walk of that index.
 */
export const patientFileClock = sqliteTable('patient_file_clock', {
  id: integer('id').primaryKey(),
  value: integer('value').notNull(),
});
