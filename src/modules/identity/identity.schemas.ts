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

// ——— Review queue and merges over HTTP ———

const id = z.string().min(1).max(64);
export const ReviewStatus = z.enum(['open', 'linked', 'different', 'merged']);

export const ReviewListQuery = z
  .strictObject({
    status: ReviewStatus.optional().describe('open by default'),
    source: z.string().max(50).optional(),
    patientId: id.optional().describe('Reviews in which this file is either side'),
    minScore: z.coerce.number().min(-1000).max(1000).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(200).optional(),
  });

export const IdParams = z.strictObject({ id });

export const PatientCard = z
  .object({
    id: z.string(),
    name: z.string(),
    gender: z.enum(['male', 'female', 'other', 'unknown']),
    birthDate: z.string().nullable(),
    residentId: z.string().nullable().describe('Masked'),
    phone: z.string().nullable().describe('Masked unless your role calls patients'),
    address: z.object({ province: z.string().nullable(), city: z.string().nullable(), district: z.string().nullable(), detail: z.string().nullable() }),
    identifiers: z.array(z.object({ system: z.string(), value: z.string() })),
    active: z.boolean(),
    mergedIntoId: z.string().nullable(),
    visitCount: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: 'PatientCard' });

export const ReviewSummary = z
  .object({
    id: z.string(),
    status: ReviewStatus,
    source: z.string(),
    score: z.number().nullable(),
    patientId: z.string().describe('The file created for the incoming record'),
    candidatePatientId: z.string().describe('The existing file it resembles'),
    patientName: z.string(),
    candidateName: z.string(),
    createdAt: z.string(),
    decidedAt: z.string().nullable(),
    decidedBy: z.string().nullable(),
    mergeId: z.string().nullable(),
  })
  .meta({ id: 'ReviewSummary' });

export const ReviewPage = z.object({ items: z.array(ReviewSummary), nextCursor: z.string().nullable() }).meta({ id: 'ReviewPage' });

export const ReviewDetail = ReviewSummary.extend({
  note: z.string().nullable(),
  version: z.number().int(),
  record: PatientCard.describe('The incoming record\'s file'),
  candidate: PatientCard.describe('The existing file'),
  explanation: MatchExplanation.describe('Why the engine was unsure: score, thresholds, agreement and weight per field'),
}).meta({ id: 'ReviewDetail' });

export const ReviewDecisionBody = z
  .strictObject({
    decision: z.enum(['link', 'different', 'merge']).describe('link: the same person, the new file merges into the existing one; merge: the same person, you choose the surviving file; different: two people'),
    survivorId: id.optional().describe('merge only: which of the two files survives (the existing one by default)'),
    keep: z.enum(['existing', 'new']).optional().describe('merge only, instead of survivorId: keep the existing file (the candidate) or the new one the incoming record made'),
    note: z.string().trim().max(1000).optional(),
  })
  .meta({ id: 'ReviewDecisionBody' });

export const MergeBody = z
  .strictObject({ survivorId: id, mergedId: id, reason: z.string().trim().max(1000).optional() })
  .meta({ id: 'MergeBody' });

export const UnmergeBody = z.strictObject({ reason: z.string().trim().max(1000).optional() }).meta({ id: 'UnmergeBody' });

export const MergeView = z
  .object({
    id: z.string(),
    survivorId: z.string(),
    mergedId: z.string(),
    origin: z.enum(['review', 'hl7', 'staff']),
    status: z.enum(['active', 'undone']),
    moved: z.record(z.string(), z.number().int()).describe('Rows moved to the survivor, per participant (identifiers, visits, pending messages…)'),
    reason: z.string().nullable(),
    createdAt: z.string(),
    createdBy: z.string(),
    undoneAt: z.string().nullable(),
    undoneBy: z.string().nullable(),
  })
  .meta({ id: 'MergeView' });

export const DecisionView = z
  .object({
    id: z.string(),
    runId: z.string().nullable(),
    source: z.string(),
    decision: z.enum(['linked', 'review', 'created', 'updated']),
    method: z.enum(['identifier', 'resident_id', 'probabilistic']),
    patientId: z.string(),
    candidatePatientId: z.string().nullable(),
    score: z.number().nullable(),
    explanation: MatchExplanation,
    createdAt: z.string(),
  })
  .meta({ id: 'DecisionView' });
export const DecisionList = z.object({ items: z.array(DecisionView) });
export type ReviewSummary = z.infer<typeof ReviewSummary>;
export type ReviewDetail = z.infer<typeof ReviewDetail>;
export type MergeView = z.infer<typeof MergeView>;
