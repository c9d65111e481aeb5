import type { ServiceContext } from '../../lib/context.js';
import { decodeCursor, pageOf } from '../../lib/pagination.js';
import { inReadSnapshot, inTransaction } from '../../lib/transaction.js';
import { audit } from '../audit/audit.service.js';
import { auditRead } from '../audit/audit.reads.js';
import { patientNotFound } from '../patients/patients.errors.js';
import { patientCard, patientForMatching } from '../patients/patients.merge.js';
import { authorize, can } from '../staff/permissions.js';
import { COMPARED_FIELDS } from './comparators.js';
import { reviewDecided, reviewNotFound } from './identity.errors.js';
import * as repo from './identity.repository.js';
import { MatchExplanation } from './identity.schemas.js';
import type { ReviewDecisionBody, ReviewDetail, ReviewListQuery, ReviewSummary } from './identity.schemas.js';
import { mergeIn } from './identity.merge.js';
import { Invalid } from '../../lib/errors.js';
import type { z } from 'zod';

/**
 * The match review queue: pairs the engine scored between the two thresholds (or held back: possible twins,
 * conflicting resident IDs). Each read is audited with both patients; each decision is audited and taken once.
 */
export async function listReviews(ctx: ServiceContext, q: z.infer<typeof ReviewListQuery>): Promise<{ items: ReviewSummary[]; nextCursor: string | null }> {
  authorize(ctx, 'identity.reviews.read');
  const beforeId = decodeCursor(q.cursor, 1)?.[0] as string | undefined;
  const page = inReadSnapshot(ctx, (tx) => {
    const rows = repo.listReviews(tx, { status: q.status ?? 'open', source: q.source, patientId: q.patientId, minScore: q.minScore, beforeId }, q.limit + 1);
    const named = rows.map((r) => ({ ...summary(r), patientName: patientForMatching(tx, ctx, r.patientId)?.name ?? '', candidateName: patientForMatching(tx, ctx, r.candidatePatientId)?.name ?? '' }));
    return pageOf(named, q.limit, (r) => [r.id]);
  });
  await auditRead(ctx, { action: 'identity.reviews.list', entityType: 'identity_review', detail: { status: q.status ?? 'open', shown: page.items.map((r) => r.id), patients: page.items.flatMap((r) => [r.patientId, r.candidatePatientId]) } });
  return page;
}

export async function getReview(ctx: ServiceContext, id: string): Promise<ReviewDetail> {
  const actor = authorize(ctx, 'identity.reviews.read');
  const detail = inReadSnapshot(ctx, (tx) => {
    const review = repo.findReview(tx, id);
    if (!review) throw reviewNotFound(id);
    const decision = repo.findDecision(tx, review.decisionId);
    const showContact = can(actor.role, 'patients.contact');
    const record = patientCard(tx, ctx, review.patientId, showContact);
    const candidate = patientCard(tx, ctx, review.candidatePatientId, showContact);
    if (!record || !candidate) throw reviewNotFound(id);
    return { ...summary(review), patientName: record.name, candidateName: candidate.name, note: review.note, version: review.version, record, candidate, explanation: explanationOf(decision?.explanation) };
  });
  for (const patientId of [detail.patientId, detail.candidatePatientId]) {
    await auditRead(ctx, { action: 'identity.review.read', entityType: 'identity_review', entityId: id, patientId, detail: { patientId: detail.patientId, candidatePatientId: detail.candidatePatientId } });
  }
  return detail;
}

/**
 * A person's decision on a pair. `link`: the new file merges into the existing one; `merge`: the same, with the
 * survivor of the reviewer's choice (by id, or `keep` new or existing); `different`: two people, both files stay.
 * A review is decided once (409).
 */
export async function decideReview(ctx: ServiceContext, id: string, body: z.infer<typeof ReviewDecisionBody>): Promise<ReviewDetail> {
  authorize(ctx, 'identity.reviews.decide');
  if (body.keep && (body.decision !== 'merge' || body.survivorId)) {
    const message = body.survivorId ? 'names the survivor a second time: send keep or survivorId, not both' : 'applies to a merge only';
    throw new Invalid('identity.invalid_keep', `keep ${message}.`, [{ field: 'keep', code: body.survivorId ? 'conflicts' : 'not_merge', message }]);
  }
  inTransaction(ctx, (tx) => {
    const review = repo.findReview(tx, id);
    if (!review) throw reviewNotFound(id);
    if (review.status !== 'open') throw reviewDecided(id, review.status);
    let mergeId: string | null = null;
    if (body.decision !== 'different') {
      const survivorId = survivorOf(review, body);
      if (survivorId !== review.patientId && survivorId !== review.candidatePatientId) {
        throw new Invalid('identity.survivor_not_in_review', 'survivorId must be one of the two files of this review.', [{ field: 'survivorId', code: 'not_in_review', message: 'is neither file of this review' }]);
      }
      const mergedId = survivorId === review.patientId ? review.candidatePatientId : review.patientId;
      mergeId = mergeIn(tx, ctx, survivorId, mergedId, { origin: 'review', reason: body.note ?? `review ${id}` }).id;
    } else {
      for (const patientId of [review.patientId, review.candidatePatientId]) if (!patientForMatching(tx, ctx, patientId)) throw patientNotFound(patientId);
    }
    const status = body.decision === 'link' ? 'linked' : body.decision === 'merge' ? 'merged' : 'different';
    if (!repo.decideReview(tx, id, { status, decidedAt: ctx.now.toISOString(), decidedBy: `${ctx.actor.kind}:${ctx.actor.id}`, note: body.note ?? null, mergeId })) throw reviewDecided(id, 'decided meanwhile');
    audit(tx, ctx, { action: `identity.review.${status}`, entityType: 'identity_review', entityId: id, patientId: review.candidatePatientId, reason: body.note ?? null, detail: { patientId: review.patientId, candidatePatientId: review.candidatePatientId, mergeId } });
  });
  return getReview(ctx, id);
}

/** The file a decision keeps: the reviewer's choice on a merge, else the existing one (the candidate). */
function survivorOf(review: repo.ReviewRow, body: z.infer<typeof ReviewDecisionBody>): string {
  if (body.decision !== 'merge') return review.candidatePatientId;
  return body.survivorId ?? (body.keep === 'new' ? review.patientId : review.candidatePatientId);
}

function summary(r: repo.ReviewRow): Omit<ReviewSummary, 'patientName' | 'candidateName'> {
  return { id: r.id, status: r.status, source: r.source, score: r.score, patientId: r.patientId, candidatePatientId: r.candidatePatientId, createdAt: r.createdAt, decidedAt: r.decidedAt, decidedBy: r.decidedBy, mergeId: r.mergeId };
}

/** Stored explanations leave out absent fields (see recordDecision); they come back here, so every field shows. */
export function explanationOf(json: string | undefined): MatchExplanation {
  const parsed = MatchExplanation.parse(JSON.parse(json ?? 'null'));
  const present = new Set(parsed.fields.map((f) => f.field));
  if (parsed.method === 'probabilistic') for (const field of COMPARED_FIELDS) if (!present.has(field)) parsed.fields.push({ field, level: 'missing', weight: 0 });
  const order = new Map(COMPARED_FIELDS.map((f, i) => [f, i]));
  parsed.fields.sort((a, b) => order.get(a.field)! - order.get(b.field)!);
  return parsed;
}

/** The decisions the index took about a patient's file, newest first, with their explanations. */
export async function decisionsOfPatient(ctx: ServiceContext, patientId: string) {
  authorize(ctx, 'identity.reviews.read');
  const items = inReadSnapshot(ctx, (tx) => {
    if (!patientForMatching(tx, ctx, patientId)) throw patientNotFound(patientId);
    return repo.decisionsOfPatient(tx, patientId, 100).map((d) => ({ ...d, explanation: explanationOf(d.explanation) }));
  });
  await auditRead(ctx, { action: 'identity.decisions.read', entityType: 'patient', entityId: patientId, patientId });
  return { items };
}
