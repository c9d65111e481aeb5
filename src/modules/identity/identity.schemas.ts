import { z } from 'zod';

const text = z.string().trim().max(200);

/**
 * What the import adapters hand to the patient index: one incoming person record, in whatever completeness the
 * source had. Everything but the source is optional; a missing field lowers the score, it never vetoes a link.
 */
export const MatchRecord = z.object({
  /** The sending system (HIS, EMR, a CSV source name); identifiers are only unique within it. */
  source: z.string().trim().min(1).max(100),
  /** The source's id for this record (HL7 MSH-10, FHIR id, a CSV row id), kept for explanations. */
  sourceRecordId: text.optional(),
  /** Either the full name (张三丰, "Zhang Sanfeng") or its parts; parts win when both are given. */
  name: z.object({ full: text.optional(), family: text.optional(), given: text.optional() }).optional(),
  /** YYYY-MM-DD or YYYYMMDD; kept as typed (a feed's impossible 19751332 still compares digit by digit). */
  birthDate: text.optional(),
  gender: z.enum(['male', 'female', 'other', 'unknown']).optional(),
  phone: text.optional(),
  residentId: text.optional(),
  address: z
    .object({
      number: text.optional(),
      street: text.optional(),
      line2: text.optional(),
      /** Suburb, district (区/县) or town. */
      locality: text.optional(),
      city: text.optional(),
      /** State or province. */
      region: text.optional(),
      postcode: text.optional(),
    })
    .optional(),
  /** Source-assigned numbers (MRN, insurance number…): the same source and identifier link without scoring. */
  identifiers: z.array(z.object({ system: z.string().trim().min(1).max(100), value: z.string().trim().min(1).max(100) })).default([]),
});
export type MatchRecord = z.input<typeof MatchRecord>;

export const MatchDecisionKind = z.enum(['linked', 'review', 'new']);
export type MatchDecisionKind = z.infer<typeof MatchDecisionKind>;

export const AgreementLevel = z.enum(['exact', 'close', 'partial', 'different', 'missing']);
export type AgreementLevel = z.infer<typeof AgreementLevel>;

export const FieldName = z.enum([
  'familyName', 'givenName', 'birthDate', 'gender', 'phone', 'residentId', 'identifier',
  'streetNumber', 'street', 'addressLine2', 'locality', 'city', 'region', 'postcode',
]);
export type FieldName = z.infer<typeof FieldName>;

export const FieldComparison = z.object({
  field: FieldName,
  level: AgreementLevel,
  /** log2(m/u) for the level: what this field added to the score. */
  weight: z.number(),
  /** Why a near match counted: "homophone", "transposed digits", "day and month swapped", "names swapped"… */
  note: z.string().optional(),
});
export type FieldComparison = z.infer<typeof FieldComparison>;

export const MatchExplanation = z.object({
  /** deterministic: same source + identifier, or same resident ID; probabilistic: Fellegi–Sunter score. */
  method: z.enum(['identifier', 'resident_id', 'probabilistic']),
  /** The person the record was compared with most closely (null when no candidate shared a blocking key). */
  candidatePersonId: z.string().nullable(),
  candidateRecord: z.object({ source: z.string(), sourceRecordId: z.string().nullable() }).nullable(),
  candidatesCompared: z.number().int(),
  score: z.number().nullable(),
  linkThreshold: z.number(),
  reviewThreshold: z.number(),
  fields: z.array(FieldComparison),
  /** A rule that kept a high score out of automatic linking (possible twin, conflicting resident IDs). */
  heldForReview: z.string().nullable(),
  /** Evidence that rules the candidate out whatever the score (two people's own resident IDs): a new person. */
  ruledOut: z.string().nullable(),
});
export type MatchExplanation = z.infer<typeof MatchExplanation>;

export const MatchDecision = z.object({
  decision: MatchDecisionKind,
  /** linked: the existing person; review and new: a new person id (review pairs it with explanation.candidatePersonId). */
  personId: z.string(),
  score: z.number().nullable(),
  explanation: MatchExplanation,
});
export type MatchDecision = z.infer<typeof MatchDecision>;
