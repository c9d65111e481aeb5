import { z } from 'zod';

/**
 * The parts of FHIR R4 resources HCRM reads, as zod shapes. Objects are loose: a resource may carry any other
 * element FHIR allows, and we only check what we use, so a valid resource from any server passes.
 */
const str = z.string().trim().min(1);
const Coding = z.looseObject({ system: z.string().optional(), code: z.string().optional(), display: z.string().optional() });
export const CodeableConcept = z.looseObject({ coding: z.array(Coding).optional(), text: z.string().optional() });
export const Reference = z.looseObject({ reference: z.string().optional(), display: z.string().optional(), identifier: z.looseObject({ system: z.string().optional(), value: z.string().optional() }).optional() });
const Identifier = z.looseObject({ system: z.string().optional(), value: str, type: CodeableConcept.optional(), assigner: Reference.optional() });
const Meta = z.looseObject({ versionId: z.string().optional(), lastUpdated: z.string().optional() });
/** FHIR dateTime: a year, a date, or a date and time with an offset. */
export const DateTime = z.string().regex(/^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/, 'must be a FHIR dateTime');
const Period = z.looseObject({ start: DateTime.optional(), end: DateTime.optional() });
const base = { id: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'must be a FHIR id').optional(), meta: Meta.optional() };

export const FhirPatient = z.looseObject({
  resourceType: z.literal('Patient'),
  ...base,
  identifier: z.array(Identifier).optional(),
  name: z.array(z.looseObject({ text: z.string().optional(), family: z.string().optional(), given: z.array(z.string()).optional(), use: z.string().optional() })).optional(),
  gender: z.enum(['male', 'female', 'other', 'unknown']).optional(),
  birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD').optional(),
  telecom: z.array(z.looseObject({ system: z.string().optional(), value: z.string().optional(), use: z.string().optional() })).optional(),
  address: z
    .array(z.looseObject({ line: z.array(z.string()).optional(), city: z.string().optional(), district: z.string().optional(), state: z.string().optional(), text: z.string().optional() }))
    .optional(),
});

export const FhirEncounter = z.looseObject({
  resourceType: z.literal('Encounter'),
  ...base,
  status: z.enum(['planned', 'arrived', 'triaged', 'in-progress', 'onleave', 'finished', 'cancelled', 'entered-in-error', 'unknown']),
  class: Coding,
  subject: Reference,
  period: Period.optional(),
  serviceType: CodeableConcept.optional(),
  serviceProvider: Reference.optional(),
  participant: z.array(z.looseObject({ individual: Reference.optional() })).optional(),
  reasonCode: z.array(CodeableConcept).optional(),
});

export const FhirCondition = z.looseObject({
  resourceType: z.literal('Condition'),
  ...base,
  code: CodeableConcept,
  subject: Reference,
  encounter: Reference.optional(),
});

export const FhirProcedure = z.looseObject({
  resourceType: z.literal('Procedure'),
  ...base,
  code: CodeableConcept,
  subject: Reference,
  encounter: Reference.optional(),
  performedDateTime: DateTime.optional(),
  performedPeriod: Period.optional(),
});

export const FhirAllergy = z.looseObject({
  resourceType: z.literal('AllergyIntolerance'),
  ...base,
  code: CodeableConcept,
  patient: Reference,
  reaction: z.array(z.looseObject({ manifestation: z.array(CodeableConcept).optional(), severity: z.enum(['mild', 'moderate', 'severe']).optional() })).optional(),
});

export const FhirObservation = z.looseObject({
  resourceType: z.literal('Observation'),
  ...base,
  code: CodeableConcept,
  subject: Reference,
  encounter: Reference.optional(),
  effectiveDateTime: DateTime.optional(),
  issued: DateTime.optional(),
  valueQuantity: z.looseObject({ value: z.number().optional(), unit: z.string().optional() }).optional(),
  valueString: z.string().optional(),
  valueCodeableConcept: CodeableConcept.optional(),
  interpretation: z.array(CodeableConcept).optional(),
  referenceRange: z.array(z.looseObject({ text: z.string().optional(), low: z.looseObject({ value: z.number().optional() }).optional(), high: z.looseObject({ value: z.number().optional() }).optional() })).optional(),
});

export const RESOURCES = {
  Patient: FhirPatient,
  Encounter: FhirEncounter,
  Condition: FhirCondition,
  Procedure: FhirProcedure,
  AllergyIntolerance: FhirAllergy,
  Observation: FhirObservation,
} as const;
export type ResourceType = keyof typeof RESOURCES;

export const FhirBundle = z.looseObject({
  resourceType: z.literal('Bundle'),
  type: z.enum(['transaction', 'batch', 'collection', 'searchset'], { message: 'must be transaction, batch, collection or searchset' }),
  entry: z.array(z.looseObject({ fullUrl: z.string().optional(), resource: z.looseObject({ resourceType: z.string() }) })).default([]),
});

export type FhirPatient = z.infer<typeof FhirPatient>;
export type FhirEncounter = z.infer<typeof FhirEncounter>;
export type FhirCondition = z.infer<typeof FhirCondition>;
export type FhirProcedure = z.infer<typeof FhirProcedure>;
export type FhirAllergy = z.infer<typeof FhirAllergy>;
export type FhirObservation = z.infer<typeof FhirObservation>;
export type CodeableConcept = z.infer<typeof CodeableConcept>;
export type Reference = z.infer<typeof Reference>;
