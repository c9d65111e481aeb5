import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { statement, type Tx } from '../../../db/client.js';
import { consultations, knowledgeArticles } from '../../../db/schema/index.js';

export type ConsultationRow = typeof consultations.$inferSelect;
export type ArticleRow = typeof knowledgeArticles.$inferSelect;

export function insertConsultation(tx: Tx, row: typeof consultations.$inferInsert): void {
  tx.insert(consultations).values(row).run();
}

export function findConsultation(tx: Tx, id: string): ConsultationRow | undefined {
  return tx.select().from(consultations).where(eq(consultations.id, id)).get();
}

export function updateConsultationAtVersion(tx: Tx, id: string, version: number, changes: Partial<typeof consultations.$inferInsert>): boolean {
  const result = tx
    .update(consultations)
    .set({ ...changes, version: version + 1 })
    .where(and(eq(consultations.id, id), eq(consultations.version, version)))
    .run();
  return result.changes === 1;
}

export function listConsultations(tx: Tx, f: { patientId?: string | undefined; status?: 'open' | 'answered' | undefined; beforeId?: string | undefined }, limit: number): ConsultationRow[] {
  const where = [];
  if (f.patientId) where.push(eq(consultations.patientId, f.patientId));
  if (f.status) where.push(eq(consultations.status, f.status));
  if (f.beforeId) where.push(lt(consultations.id, f.beforeId));
  return tx.select().from(consultations).where(and(...where)).orderBy(desc(consultations.id)).limit(limit).all();
}

/** The call-back list: due first. */
export function openCallbacks(tx: Tx, after: [string, string] | undefined, limit: number): ConsultationRow[] {
  const where = [isNull(consultations.callbackDoneAt), isNotNull(consultations.callbackDueAt)];
  if (after) where.push(or(sql`${consultations.callbackDueAt} > ${after[0]}`, and(eq(consultations.callbackDueAt, after[0]), sql`${consultations.id} > ${after[1]}`))!);
  return tx.select().from(consultations).where(and(...where)).orderBy(asc(consultations.callbackDueAt), asc(consultations.id)).limit(limit).all();
}

export function pendingConversions(tx: Tx, createdBefore: string, limit: number): ConsultationRow[] {
  return tx
    .select()
    .from(consultations)
    .where(and(eq(consultations.conversion, 'pending'), lte(consultations.createdAt, createdBefore)))
    .orderBy(asc(consultations.createdAt))
    .limit(limit)
    .all();
}

export function conversionCounts(tx: Tx, from: string, to: string): { conversion: string; n: number }[] {
  return tx
    .select({ conversion: consultations.conversion, n: sql<number>`count(*)` })
    .from(consultations)
    .where(and(gte(consultations.createdAt, from), lt(consultations.createdAt, to)))
    .groupBy(consultations.conversion)
    .all();
}

export type CallbackRef = Pick<ConsultationRow, 'id' | 'category' | 'question' | 'callbackDueAt'>;

/** On every caller lookup: one cached statement. */
export function openCallbacksOfPatient(tx: Tx, patientId: string): CallbackRef[] {
  return statement(
    tx,
    'SELECT id, category, question, callback_due_at AS callbackDueAt FROM consultations WHERE patient_id = ? AND callback_done_at IS NULL AND callback_due_at IS NOT NULL ORDER BY callback_due_at LIMIT 5',
  ).all(patientId) as CallbackRef[];
}

export function consultationsOfPatient(tx: Tx, patientId: string, before: [string, string] | undefined, limit: number): ConsultationRow[] {
  const where = [eq(consultations.patientId, patientId)];
  if (before) where.push(or(lt(consultations.createdAt, before[0]), and(eq(consultations.createdAt, before[0]), lt(consultations.id, before[1])))!);
  return tx.select().from(consultations).where(and(...where)).orderBy(desc(consultations.createdAt), desc(consultations.id)).limit(limit).all();
}

export function insertArticle(tx: Tx, row: typeof knowledgeArticles.$inferInsert): void {
  tx.insert(knowledgeArticles).values(row).run();
}

export function currentArticle(tx: Tx, articleId: string): ArticleRow | undefined {
  return tx.select().from(knowledgeArticles).where(and(eq(knowledgeArticles.articleId, articleId), eq(knowledgeArticles.current, true))).get();
}

export function articleVersion(tx: Tx, id: string): ArticleRow | undefined {
  return tx.select().from(knowledgeArticles).where(eq(knowledgeArticles.id, id)).get();
}

export function articleHistory(tx: Tx, articleId: string): ArticleRow[] {
  return tx.select().from(knowledgeArticles).where(eq(knowledgeArticles.articleId, articleId)).orderBy(desc(knowledgeArticles.version)).all();
}

export function retireArticleVersion(tx: Tx, id: string): void {
  tx.update(knowledgeArticles).set({ current: false }).where(eq(knowledgeArticles.id, id)).run();
}

/** The knowledge base is small (hundreds of answers): a scan of the current versions is cheaper than an index. */
export function searchArticles(tx: Tx, q: string | undefined, category: string | undefined): ArticleRow[] {
  const where = [eq(knowledgeArticles.current, true)];
  if (category) where.push(eq(knowledgeArticles.category, category));
  for (const word of (q ?? '').split(/\s+/).filter(Boolean).slice(0, 5)) {
    const pattern = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(
      or(
        sql`${knowledgeArticles.title} LIKE ${pattern} ESCAPE '\\'`,
        sql`${knowledgeArticles.body} LIKE ${pattern} ESCAPE '\\'`,
        sql`${knowledgeArticles.keywords} LIKE ${pattern} ESCAPE '\\'`,
      )!,
    );
  }
  return tx.select().from(knowledgeArticles).where(and(...where)).orderBy(asc(knowledgeArticles.category), asc(knowledgeArticles.title)).limit(50).all();
}

export function currentArticlesIn(tx: Tx, category: string): ArticleRow[] {
  return tx.select().from(knowledgeArticles).where(and(eq(knowledgeArticles.current, true), eq(knowledgeArticles.category, category))).all();
}

export function takenSourceMessage(tx: Tx, sourceMessageId: string): boolean {
  return statement(tx, 'SELECT 1 FROM consultations WHERE source_message_id = ?').get(sourceMessageId) !== undefined;
}

/** Direct replies to send now: queued and due, or claimed by a run whose lease ran out; SMS wait during quiet hours. */
export function dueDirectReplies(tx: Tx, now: string, quiet: boolean, limit: number): ConsultationRow[] {
  const where = [inArray(consultations.replyStatus, ['queued', 'sending']), lte(consultations.replyDueAt, now)];
  if (quiet) where.push(eq(consultations.replyChannel, 'email'));
  return tx.select().from(consultations).where(and(...where)).orderBy(asc(consultations.replyDueAt), asc(consultations.id)).limit(limit).all();
}

/** Asked only for a leftover of a dead run that the provider may already have (rare): no index of its own. */
export function directReplyWithProviderId(tx: Tx, providerId: string): boolean {
  return tx.select({ id: consultations.id }).from(consultations).where(eq(consultations.replyProviderId, providerId)).get() !== undefined;
}

/** Delivery state of a direct reply: not an edit of the consultation, so its version stays. */
export function updateDirectReply(tx: Tx, id: string, changes: Partial<Pick<typeof consultations.$inferInsert, 'replyStatus' | 'replyAttempts' | 'replyDueAt' | 'replyError' | 'replyProviderId' | 'replySentAt'>>): void {
  tx.update(consultations).set(changes).where(eq(consultations.id, id)).run();
}
