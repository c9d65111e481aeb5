import { z } from 'zod';
import { PageQuery } from '../../lib/pagination.js';
import { isCalendarDate } from './resident-id.js';

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => text(max).nullable().optional();
const calendarDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD');
/** Birth dates get their own checks (with stable codes) in demographics.ts; filter dates are checked here. */
const existingDate = calendarDate.refine(isCalendarDate, 'is not a date that exists');

/** HL7 administrative gender (FHIR AdministrativeGender). */
export const Gender = z.enum(['male', 'female', 'other', 'unknown']);
export const ContactChannel = z.enum(['sms', 'email', 'phone', 'mail']);
export const ConsentPurpose = z.enum(['care', 'marketing']);
export const ConsentMethod = z.enum(['written', 'verbal', 'web', 'sms_reply', 'email_link', 'import']);
export const PatientSource = z.enum(['walk-in', 'referral', 'online', 'phone', 'community', 'physical-exam', 'his-import', 'other']);
export const EncounterClass = z.enum(['outpatient', 'emergency', 'inpatient', 'surgery', 'lab', 'exam']);
export const EncounterStatus = z.enum(['planned', 'in-progress', 'finished', 'cancelled']);
export const Language = z.enum(['zh-CN', 'en']);
export const PreferredChannel = z.enum(['sms', 'email', 'phone', 'none']);

export const Address = z.strictObject({
  province: optionalText(50),
  city: optionalText(50),
  district: optionalText(50),
  detail: optionalText(200),
});
export const EmergencyContact = z.strictObject({ name: text(50), relationship: text(20), phone: text(30) });
export const Identifier = z.strictObject({
  system: text(100).describe('Who issued it: his-mrn, emr, insurance, or a URI'),
  value: text(100),
});
export const ConsentInput = z.strictObject({ channel: ContactChannel, purpose: ConsentPurpose, granted: z.boolean(), method: ConsentMethod });

const patientFields = {
  name: text(50),
  gender: Gender,
  birthDate: calendarDate.nullable().optional(),
  residentId: z.string().trim().max(18).nullable().optional().describe('18-digit resident ID number (15-digit legacy numbers are upgraded)'),
  phone: z.string().trim().max(30).nullable().optional().describe('Mainland mobile, landline with area code, or +country code'),
  email: z.email().max(254).nullable().optional(),
  address: Address.optional(),
  occupation: optionalText(50),
  employer: optionalText(100),
  source: PatientSource.nullable().optional(),
  emergencyContacts: z.array(EmergencyContact).max(5).optional(),
  preferredLanguage: Language.optional(),
  preferredChannel: PreferredChannel.optional(),
  consent: z.array(ConsentInput).max(8).optional(),
  tags: z.array(text(30)).max(20).optional(),
  identifiers: z.array(Identifier).max(20).optional(),
  pastHistory: optionalText(4000),
  familyHistory: optionalText(4000),
};

export const CreatePatientBody = z.strictObject(patientFields);
export type CreatePatientBody = z.infer<typeof CreatePatientBody>;

export const UpdatePatientBody = z.strictObject({
  version: z.number().int().min(1).describe('The version you read; a stale one answers 409'),
  ...Object.fromEntries(Object.entries(patientFields).map(([k, v]) => [k, v.optional()])),
} as { version: z.ZodNumber } & { [K in keyof typeof patientFields]: z.ZodOptional<(typeof patientFields)[K]> });
export type UpdatePatientBody = z.infer<typeof UpdatePatientBody>;

export const DeactivatePatientBody = z.strictObject({ version: z.number().int().min(1), reason: text(200) });
export const ReactivatePatientBody = z.strictObject({ version: z.number().int().min(1) });

export const PatientIdParams = z.strictObject({ id: z.string().min(1).max(64) });

export const PatientSearchQuery = PageQuery.extend({
  q: z.string().trim().min(1).max(64).optional().describe('Name (张三丰, zhangsanfeng, zsf), phone (full or last four), resident ID, or any identifier value'),
  lastVisitFrom: existingDate.optional(),
  lastVisitTo: existingDate.optional(),
  province: z.string().max(50).optional(),
  city: z.string().max(50).optional(),
  district: z.string().max(50).optional(),
  source: PatientSource.optional(),
  departmentId: z.string().max(64).optional().describe('Seen in this department'),
  diagnosis: z.string().regex(/^[A-Za-z]\d{0,2}(\.\d{0,4})?$/, 'must be an ICD-10 code or its prefix, like I10 or E11').optional(),
  minSpend: z.coerce.number().min(0).optional().describe('Total charges, yuan'),
  maxSpend: z.coerce.number().min(0).optional(),
  tag: z.union([z.string().max(30), z.array(z.string().max(30)).max(10)]).optional().describe('Has every tag given'),
  minAge: z.coerce.number().int().min(0).max(150).optional(),
  maxAge: z.coerce.number().int().min(0).max(150).optional(),
  includeInactive: z.enum(['true', 'false']).optional(),
}).strict();
export type PatientSearchQuery = z.infer<typeof PatientSearchQuery>;

/** A segment of patients by the classification filters of the search (campaigns); never includes inactive files. */
export const PatientSegment = PatientSearchQuery.omit({ q: true, limit: true, cursor: true, includeInactive: true }).meta({ id: 'PatientSegment' });
export type PatientSegment = z.infer<typeof PatientSegment>;

export const IdentifierView = z.object({ system: z.string(), value: z.string() });

export const PatientSummary = z
  .object({
    id: z.string(),
    name: z.string(),
    gender: Gender,
    birthDate: z.string().nullable(),
    age: z.number().int().nullable(),
    phone: z.string().nullable().describe('Masked unless your role calls patients'),
    residentId: z.string().nullable().describe('Always masked'),
    tags: z.array(z.string()),
    lastVisitAt: z.string().nullable(),
    active: z.boolean(),
  })
  .meta({ id: 'PatientSummary' });
export type PatientSummary = z.infer<typeof PatientSummary>;

export const PatientPage = z.object({ items: z.array(PatientSummary), nextCursor: z.string().nullable() });

export const DiagnosisInput = z.strictObject({
  code: z.string().trim().toUpperCase().regex(/^[A-Z]\d{2}(\.\d{1,4})?$/, 'must be an ICD-10 code such as I10 or E11.9'),
  text: text(200),
  primary: z.boolean().default(false),
});
export const ProcedureInput = z.strictObject({ code: optionalText(20), text: text(200), performedAt: z.iso.datetime({ offset: true }).nullable().optional() });

export const CreateEncounterBody = z.strictObject({
  class: EncounterClass,
  status: EncounterStatus.default('finished'),
  departmentId: z.string().min(1).max(64),
  attendingDoctorId: z.string().max(64).nullable().optional(),
  attendingDoctorName: optionalText(50),
  startAt: z.iso.datetime({ offset: true }),
  endAt: z.iso.datetime({ offset: true }).nullable().optional(),
  chargesCents: z.number().int().min(0).max(10_000_000_000).default(0).describe('Charges in fen (分)'),
  summary: optionalText(2000),
  diagnoses: z.array(DiagnosisInput).max(20).default([]),
  procedures: z.array(ProcedureInput).max(20).default([]),
  sourceSystem: optionalText(50),
  sourceId: optionalText(100),
});
export type CreateEncounterBody = z.infer<typeof CreateEncounterBody>;

export const CreateAllergyBody = z.strictObject({
  substance: text(100),
  reaction: optionalText(200),
  severity: z.enum(['mild', 'moderate', 'severe']).nullable().optional(),
});
export type CreateAllergyBody = z.infer<typeof CreateAllergyBody>;

export const Encounter = z.object({
  id: z.string(),
  class: EncounterClass,
  status: EncounterStatus,
  departmentId: z.string().nullable(),
  attendingDoctorId: z.string().nullable(),
  attendingDoctorName: z.string().nullable(),
  startAt: z.string(),
  endAt: z.string().nullable(),
  chargesCents: z.number().int(),
  summary: z.string().nullable(),
  diagnoses: z.array(z.object({ code: z.string(), text: z.string(), primary: z.boolean() })),
  procedures: z.array(z.object({ code: z.string().nullable(), text: z.string(), performedAt: z.string().nullable() })),
  sourceSystem: z.string().nullable(),
  sourceId: z.string().nullable(),
});
export type Encounter = z.infer<typeof Encounter>;

export const Allergy = z.object({ id: z.string(), substance: z.string(), reaction: z.string().nullable(), severity: z.string().nullable(), recordedAt: z.string() });

export const Consent = z.object({ channel: ContactChannel, purpose: ConsentPurpose, granted: z.boolean(), recordedAt: z.string(), method: ConsentMethod, recordedBy: z.string() });

export const PatientFile = z
  .object({
    id: z.string(),
    name: z.string(),
    namePinyin: z.string(),
    gender: Gender,
    birthDate: z.string().nullable(),
    age: z.number().int().nullable(),
    residentId: z.string().nullable().describe('Always masked: 110105********1234'),
    phone: z.string().nullable(),
    email: z.string().nullable(),
    address: z.object({ province: z.string().nullable(), city: z.string().nullable(), district: z.string().nullable(), detail: z.string().nullable() }),
    occupation: z.string().nullable(),
    employer: z.string().nullable(),
    source: z.string().nullable(),
    emergencyContacts: z.array(z.object({ name: z.string(), relationship: z.string(), phone: z.string() })),
    preferredLanguage: Language,
    preferredChannel: PreferredChannel,
    consent: z.array(Consent),
    tags: z.array(z.string()),
    identifiers: z.array(IdentifierView),
    active: z.boolean(),
    deactivatedAt: z.string().nullable(),
    deactivationReason: z.string().nullable(),
    mergedIntoId: z.string().nullable().describe('Set when this file was merged into another: read that one (the surviving file) instead'),
    summary: z.object({ visitCount: z.number().int(), lastVisitAt: z.string().nullable() }),
    clinical: z
      .object({
        pastHistory: z.string().nullable(),
        familyHistory: z.string().nullable(),
        totalSpendCents: z.number().int(),
        allergies: z.array(Allergy),
        encounters: z.array(Encounter),
      })
      .nullable()
      .describe('Null unless you may see this patient\'s clinical details (your department has seen them, or you are an admin)'),
    access: z.object({ clinical: z.boolean(), contact: z.boolean() }),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'PatientFile' });
export type PatientFile = z.infer<typeof PatientFile>;

export const TimelineQuery = PageQuery.extend({ kind: z.string().max(40).optional().describe('Only entries of this kind') }).strict();
export const TimelineEntry = z.object({
  id: z.string(),
  at: z.string(),
  kind: z.string().describe('encounter, allergy, patient … and the kinds later modules add'),
  title: z.string(),
  detail: z.string().nullable(),
  departmentId: z.string().nullable(),
  clinical: z.boolean(),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;
export const TimelinePage = z.object({ items: z.array(TimelineEntry), nextCursor: z.string().nullable() });
