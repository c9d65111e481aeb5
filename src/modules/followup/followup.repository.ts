import { and, asc, desc, eq, gte, inArray, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { statement, type Tx } from '../../../db/client.js';
import {
  followupEvents,
  questionnaireAnswers,
  questionnaireInvitations,
  questionnaireResponses,
  questionnaires,
  satisfactionRollup,
} from '../../../db/schema/followup.js';

export type QuestionnaireRow = typeof questionnaires.$inferSelect;
export type InvitationRow = typeof questionnaireInvitations.$inferSelect;
export type ResponseRow = typeof questionnaireResponses.$inferSelect;
export type AnswerRow = typeof questionnaireAnswers.$inferSelect;
export type EventRow = typeof followupEvents.$inferSelect;

export function allQuestionnaires(tx: Tx): QuestionnaireRow[] {
  return tx.select().from(questionnaires).all();
}

export function insertQuestionnaire(tx: Tx, row: QuestionnaireRow): void {
  tx.insert(questionnaires).values(row).run();
}

export function insertInvitation(tx: Tx, row: typeof questionnaireInvitations.$inferInsert): void {
  tx.insert(questionnaireInvitations).values(row).run();
}

export function findInvitationByTokenHash(tx: Tx, tokenHash: string): InvitationRow | undefined {
  return tx.select().from(questionnaireInvitations).where(eq(questionnaireInvitations.tokenHash, tokenHash)).get();
}

export function findInvitation(tx: Tx, id: string): InvitationRow | undefined {
  return tx.select().from(questionnaireInvitations).where(eq(questionnaireInvitations.id, id)).get();
}

export function saveDraft(tx: Tx, id: string, draft: Record<string, string[]>, at: string): boolean {
  const result = tx
    .update(questionnaireInvitations)
    .set({ draft, draftSavedAt: at })
    .where(and(eq(questionnaireInvitations.id, id), eq(questionnaireInvitations.status, 'open')))
    .run();
  return result.changes === 1;
}

/** Closes an open invitation; false when it was already answered (the one-submission guarantee). */
export function markAnswered(tx: Tx, id: string, at: string): boolean {
  const result = tx
    .update(questionnaireInvitations)
    .set({ status: 'answered', answeredAt: at, draft: null })
    .where(and(eq(questionnaireInvitations.id, id), eq(questionnaireInvitations.status, 'open')))
    .run();
  return result.changes === 1;
}

const INSERT_RESPONSE = `INSERT INTO questionnaire_responses (id, questionnaire_id, invitation_id, patient_id, encounter_id, department_id,
  doctor_id, source, recorded_by, authored_at, month, total_score, sub_scores, satisfaction, nps, fhir)
  VALUES (@id, @questionnaireId, @invitationId, @patientId, @encounterId, @departmentId, @doctorId, @source, @recordedBy,
  @authoredAt, @month, @totalScore, @subScores, @satisfaction, @nps, @fhir)`;
const INSERT_ANSWER = `INSERT INTO questionnaire_answers (response_id, link_id, position, value_type, value_number, value_text, value_code, score, tags)
  VALUES (@responseId, @linkId, @position, @valueType, @valueNumber, @valueText, @valueCode, @score, @tags)`;
const BUMP_ROLLUP = `INSERT INTO followup_satisfaction_rollup (questionnaire_url, department_id, month, responses, satisfaction_sum,
  satisfaction_count, nps_count, promoters, detractors) VALUES (@url, @departmentId, @month, 1, @satisfaction, @hasSatisfaction, @hasNps, @promoter, @detractor)
  ON CONFLICT (questionnaire_url, department_id, month) DO UPDATE SET responses = responses + 1,
  satisfaction_sum = satisfaction_sum + excluded.satisfaction_sum, satisfaction_count = satisfaction_count + excluded.satisfaction_count,
  nps_count = nps_count + excluded.nps_count, promoters = promoters + excluded.promoters, detractors = detractors + excluded.detractors`;

/** Responses are written through cached statements: the benchmark stores a million of them through this path. */
export function insertResponse(tx: Tx, row: typeof questionnaireResponses.$inferInsert, answers: Omit<AnswerRow, 'responseId'>[]): void {
  statement(tx, INSERT_RESPONSE).run({
    id: row.id,
    questionnaireId: row.questionnaireId,
    invitationId: row.invitationId ?? null,
    patientId: row.patientId,
    encounterId: row.encounterId ?? null,
    departmentId: row.departmentId ?? null,
    doctorId: row.doctorId ?? null,
    source: row.source,
    recordedBy: row.recordedBy,
    authoredAt: row.authoredAt,
    month: row.month,
    totalScore: row.totalScore ?? null,
    subScores: JSON.stringify(row.subScores),
    satisfaction: row.satisfaction ?? null,
    nps: row.nps ?? null,
    fhir: row.fhir,
  });
  const insertAnswer = statement(tx, INSERT_ANSWER);
  for (const answer of answers) insertAnswer.run({ responseId: row.id, ...answer });
}

/** NPS: 9–10 promoters, 0–6 detractors (the standard cut-offs). */
export function bumpRollup(tx: Tx, key: { url: string; departmentId: string | null; month: string }, satisfaction: number | null, nps: number | null): void {
  statement(tx, BUMP_ROLLUP).run({
    url: key.url,
    departmentId: key.departmentId ?? '',
    month: key.month,
    satisfaction: satisfaction ?? 0,
    hasSatisfaction: satisfaction === null ? 0 : 1,
    hasNps: nps === null ? 0 : 1,
    promoter: nps !== null && nps >= 9 ? 1 : 0,
    detractor: nps !== null && nps <= 6 ? 1 : 0,
  });
}

export interface SatisfactionRow {
  departmentId: string;
  month: string;
  responses: number;
  satisfactionSum: number;
  satisfactionCount: number;
  npsCount: number;
  promoters: number;
  detractors: number;
}

export function satisfactionByDepartmentMonth(tx: Tx, filter: { url?: string | undefined; departmentId?: string | undefined; fromMonth: string; toMonth: string }): SatisfactionRow[] {
  const r = satisfactionRollup;
  return tx
    .select({
      departmentId: r.departmentId,
      month: r.month,
      responses: sql<number>`sum(${r.responses})`,
      satisfactionSum: sql<number>`sum(${r.satisfactionSum})`,
      satisfactionCount: sql<number>`sum(${r.satisfactionCount})`,
      npsCount: sql<number>`sum(${r.npsCount})`,
      promoters: sql<number>`sum(${r.promoters})`,
      detractors: sql<number>`sum(${r.detractors})`,
    })
    .from(r)
    .where(and(gte(r.month, filter.fromMonth), lte(r.month, filter.toMonth), filter.url ? eq(r.questionnaireUrl, filter.url) : undefined, filter.departmentId ? eq(r.departmentId, filter.departmentId) : undefined))
    .groupBy(r.departmentId, r.month)
    .orderBy(asc(r.departmentId), asc(r.month))
    .all();
}

/** The same figures straight from the responses: what the rollup must always agree with. */
export function satisfactionFromResponses(tx: Tx, fromMonth: string, toMonth: string): SatisfactionRow[] {
  const r = questionnaireResponses;
  return tx
    .select({
      departmentId: sql<string>`coalesce(${r.departmentId}, '')`,
      month: r.month,
      responses: sql<number>`count(*)`,
      satisfactionSum: sql<number>`coalesce(sum(${r.satisfaction}), 0)`,
      satisfactionCount: sql<number>`count(${r.satisfaction})`,
      npsCount: sql<number>`count(${r.nps})`,
      promoters: sql<number>`count(case when ${r.nps} >= 9 then 1 end)`,
      detractors: sql<number>`count(case when ${r.nps} <= 6 then 1 end)`,
    })
    .from(r)
    .where(and(gte(r.month, fromMonth), lte(r.month, toMonth)))
    .groupBy(sql`coalesce(${r.departmentId}, '')`, r.month)
    .orderBy(sql`coalesce(${r.departmentId}, '')`, asc(r.month))
    .all();
}

export interface ResponseFilter {
  patientId?: string | undefined;
  questionnaireIds?: string[] | undefined;
  /** Only these departments' responses (department scope); undefined: every department. */
  departmentId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

function whereOf(filter: ResponseFilter): SQL | undefined {
  const r = questionnaireResponses;
  return and(
    filter.patientId ? eq(r.patientId, filter.patientId) : undefined,
    filter.questionnaireIds ? inArray(r.questionnaireId, filter.questionnaireIds) : undefined,
    filter.departmentId ? eq(r.departmentId, filter.departmentId) : undefined,
    filter.from ? gte(r.authoredAt, filter.from) : undefined,
    filter.to ? lt(r.authoredAt, filter.to) : undefined,
  );
}

/** Newest first, keyed (authoredAt, id) for cursor pages. */
export function findResponses(tx: Tx, filter: ResponseFilter, before: [string, string] | undefined, limit: number): ResponseRow[] {
  const r = questionnaireResponses;
  return tx
    .select()
    .from(r)
    .where(and(whereOf(filter), before ? or(lt(r.authoredAt, before[0]), and(eq(r.authoredAt, before[0]), lt(r.id, before[1]))) : undefined))
    .orderBy(desc(r.authoredAt), desc(r.id))
    .limit(limit)
    .all();
}

/** Oldest first in batches, for exports that stream a questionnaire's responses without holding them all. */
export function responsesInBatches(tx: Tx, filter: ResponseFilter, batch: number): Iterable<ResponseRow[]> {
  const r = questionnaireResponses;
  return {
    *[Symbol.iterator]() {
      let after: [string, string] | undefined;
      for (;;) {
        const rows = tx
          .select()
          .from(r)
          .where(and(whereOf(filter), after ? or(sql`${r.authoredAt} > ${after[0]}`, and(eq(r.authoredAt, after[0]), sql`${r.id} > ${after[1]}`)) : undefined))
          .orderBy(asc(r.authoredAt), asc(r.id))
          .limit(batch)
          .all();
        if (rows.length === 0) return;
        yield rows;
        const last = rows.at(-1)!;
        after = [last.authoredAt, last.id];
      }
    },
  };
}

export function answersOf(tx: Tx, responseIds: string[]): AnswerRow[] {
  if (responseIds.length === 0) return [];
  return tx.select().from(questionnaireAnswers).where(inArray(questionnaireAnswers.responseId, responseIds)).orderBy(asc(questionnaireAnswers.responseId), asc(questionnaireAnswers.position)).all();
}

export function invitationsOfPatient(tx: Tx, patientId: string, before: [string, string] | undefined, limit: number): InvitationRow[] {
  const i = questionnaireInvitations;
  return tx
    .select()
    .from(i)
    .where(and(eq(i.patientId, patientId), before ? or(lt(i.createdAt, before[0]), and(eq(i.createdAt, before[0]), lt(i.id, before[1]))) : undefined))
    .orderBy(desc(i.createdAt), desc(i.id))
    .limit(limit)
    .all();
}

export function insertEvent(tx: Tx, row: typeof followupEvents.$inferInsert): void {
  tx.insert(followupEvents).values(row).run();
}

export function pendingEvents(tx: Tx, limit: number): EventRow[] {
  return tx.select().from(followupEvents).where(isNull(followupEvents.handledAt)).orderBy(asc(followupEvents.createdAt), asc(followupEvents.id)).limit(limit).all();
}

export function markEventsHandled(tx: Tx, ids: string[], at: string, by: string): number {
  if (ids.length === 0) return 0;
  return tx.update(followupEvents).set({ handledAt: at, handledBy: by }).where(and(inArray(followupEvents.id, ids), isNull(followupEvents.handledAt))).run().changes;
}
