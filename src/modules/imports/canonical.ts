import { z } from 'zod';

/**
 * The one shape every feed is mapped to before anything is written: HL7 v2, FHIR R4 and CSV adapters produce
 * ImportRecords, and only imports.service.ts turns them into patient files. Each part carries the system it came
 * from and that system's own id for it, so a re-sent record finds what it wrote the first time.
 */

const text = (max: number) => z.string().trim().min(1).max(max);
const instant = z.iso.datetime({ offset: true });
const calendarDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD');

/** Where a piece of data came from: the sending system and its own id for the thing. */
export const SourceRef = z.strictObject({ system: text(50), id: text(200) });
export type SourceRef = z.infer<typeof SourceRef>;

export const CanonicalIdentifier = z.strictObject({
  /** The namespace the value is unique in; what patients store as the identifier's system. */
  system: text(100),
  value: text(100),
  /** HL7 table 0203 identifier type: MR, PI, NNCHN, VN … */
  type: text(20).nullable().optional(),
  assigningAuthority: text(100).nullable().optional(),
});
export type CanonicalIdentifier = z.infer<typeof CanonicalIdentifier>;

export const CanonicalAddress = z.strictObject({
  province: text(50).nullable().optional(),
  city: text(50).nullable().optional(),
  district: text(50).nullable().optional(),
  detail: text(200).nullable().optional(),
});

export const CanonicalConsent = z.strictObject({
  channel: z.enum(['sms', 'email', 'phone', 'mail']),
  purpose: z.enum(['care', 'marketing']),
  granted: z.boolean(),
});

/** Demographics as the source states them. A field left out or blank says nothing: it never erases. */
export const CanonicalPerson = z.strictObject({
  source: SourceRef,
  name: text(50),
  gender: z.enum(['male', 'female', 'other', 'unknown']),
  birthDate: calendarDate.nullable().optional(),
  residentId: z.string().trim().max(18).nullable().optional(),
  phone: z.string().trim().max(30).nullable().optional(),
  email: z.email().max(254).nullable().optional(),
  address: CanonicalAddress.optional(),
  occupation: text(50).nullable().optional(),
  employer: text(100).nullable().optional(),
  consent: z.array(CanonicalConsent).max(8).optional(),
  identifiers: z.array(CanonicalIdentifier).max(20),
});
export type CanonicalPerson = z.infer<typeof CanonicalPerson>;

export const CanonicalDiagnosis = z.strictObject({
  source: SourceRef,
  code: z.string().trim().toUpperCase().regex(/^[A-Z]\d{2}(\.\d{1,4})?$/, 'must be an ICD-10 code such as I10 or E11.9'),
  text: text(200),
  primary: z.boolean(),
});

export const CanonicalProcedure = z.strictObject({
  source: SourceRef,
  code: text(20).nullable().optional(),
  text: text(200),
  performedAt: instant.nullable().optional(),
});

/**
 * A visit as the source knows it. A field left out keeps what is on file, so a transfer or discharge message
 * that names only the new ward or the end time changes only that; a new visit needs class, department, start.
 */
export const CanonicalEncounter = z.strictObject({
  source: SourceRef,
  class: z.enum(['outpatient', 'emergency', 'inpatient', 'surgery', 'lab', 'exam']).optional(),
  status: z.enum(['planned', 'in-progress', 'finished', 'cancelled']).optional(),
  /** The sending system's department code; imports translate it to a department of this hospital. */
  departmentCode: text(64).optional(),
  attendingDoctorName: text(50).nullable().optional(),
  startAt: instant.optional(),
  endAt: instant.nullable().optional(),
  summary: text(2000).nullable().optional(),
  diagnoses: z.array(CanonicalDiagnosis).max(20),
  procedures: z.array(CanonicalProcedure).max(20),
});
export type CanonicalEncounter = z.infer<typeof CanonicalEncounter>;

export const CanonicalAllergy = z.strictObject({
  source: SourceRef,
  substance: text(100),
  reaction: text(200).nullable().optional(),
  severity: z.enum(['mild', 'moderate', 'severe']).nullable().optional(),
});
export type CanonicalAllergy = z.infer<typeof CanonicalAllergy>;

/** One laboratory or exam result line, kept as a summary on the timeline (not a full LIS copy). */
export const CanonicalObservation = z.strictObject({
  source: SourceRef,
  code: text(50).nullable().optional(),
  text: text(200),
  value: z.string().max(500).nullable().optional(),
  unit: z.string().max(50).nullable().optional(),
  referenceRange: z.string().max(100).nullable().optional(),
  /** HL7 table 0078: N, H, L, HH, LL, A … */
  flag: z.string().max(10).nullable().optional(),
  observedAt: instant,
  encounterSourceId: text(200).nullable().optional(),
});
export type CanonicalObservation = z.infer<typeof CanonicalObservation>;

const recordBase = {
  /** The idempotency key within the source: MSH-10, resource id + version, or a CSV row's content hash. */
  key: text(300),
  /** Where in the input it was: `message 2`, `line 14`, `entry[3].resource`. */
  position: text(200),
  /** When the source says this was true (message time, meta.lastUpdated); provenance compares it. */
  assertedAt: instant,
};

/** What one message, resource group or row asks HCRM to do. */
export const ImportRecord = z.discriminatedUnion('command', [
  z.strictObject({
    ...recordBase,
    command: z.literal('upsert'),
    /** Full demographics, or null when the record only adds clinical data to a patient already on file. */
    person: CanonicalPerson.nullable(),
    /** How to find the patient when person is null (or to find it before matching). */
    subject: z.array(CanonicalIdentifier).max(20),
    encounters: z.array(CanonicalEncounter).max(50),
    allergies: z.array(CanonicalAllergy).max(50),
    observations: z.array(CanonicalObservation).max(200),
  }),
  z.strictObject({
    ...recordBase,
    command: z.literal('merge'),
    /** The patient that stays (HL7 A40 PID-3) and the identifiers of the one merged into it (MRG-1). */
    survivor: z.array(CanonicalIdentifier).min(1).max(20),
    retired: z.array(CanonicalIdentifier).min(1).max(20),
  }),
  z.strictObject({
    ...recordBase,
    command: z.literal('change-identifier'),
    /** HL7 A47: the identifier on file (MRG-1) becomes the new one (PID-3). */
    from: CanonicalIdentifier,
    to: CanonicalIdentifier,
  }),
]);
export type ImportRecord = z.infer<typeof ImportRecord>;
export type UpsertRecord = Extract<ImportRecord, { command: 'upsert' }>;
export type MergeRecord = Extract<ImportRecord, { command: 'merge' }>;

export type ImportFormat = 'hl7' | 'fhir' | 'csv';

/** A part of the input that could not be mapped: quarantined with what it was and why, the rest goes on. */
export interface Rejected {
  key: string | null;
  position: string;
  raw: string;
  code: string;
  reason: string;
}

/** What an adapter yields for each unit of input. */
export type Mapped = { ok: true; record: ImportRecord; raw: string } | { ok: false; rejected: Rejected };

/** zod issues as one line a person can act on, each with its path inside the record. */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues.map((i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(record)'}: ${i.message}`).join('; ');
}
