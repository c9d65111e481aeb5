import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { statement, type Tx } from '../../../db/client.js';
import { feedback, feedbackLog, feedbackRoutingRules, staffNotices } from '../../../db/schema/index.js';

export type FeedbackRow = typeof feedback.$inferSelect;
export type RuleRow = typeof feedbackRoutingRules.$inferSelect;
export type LogRow = typeof feedbackLog.$inferSelect;
export const ACTIVE = ['open', 'assigned', 'in_progress'] as const;

export function insertFeedback(tx: Tx, row: typeof feedback.$inferInsert): void {
  tx.insert(feedback).values(row).run();
}

export function findFeedback(tx: Tx, id: string): FeedbackRow | undefined {
  return tx.select().from(feedback).where(eq(feedback.id, id)).get();
}

export function updateFeedbackAtVersion(tx: Tx, id: string, version: number, changes: Partial<typeof feedback.$inferInsert>): boolean {
  return tx.update(feedback).set({ ...changes, version: version + 1 }).where(and(eq(feedback.id, id), eq(feedback.version, version))).run().changes === 1;
}

export function insertLog(tx: Tx, row: typeof feedbackLog.$inferInsert): void {
  tx.insert(feedbackLog).values(row).run();
}

export function logOf(tx: Tx, feedbackId: string): LogRow[] {
  return tx.select().from(feedbackLog).where(eq(feedbackLog.feedbackId, feedbackId)).orderBy(asc(feedbackLog.at), asc(feedbackLog.id)).all();
}

export function insertNotice(tx: Tx, row: typeof staffNotices.$inferInsert): void {
  tx.insert(staffNotices).values(row).run();
}

export function noticesOf(tx: Tx, staffId: string, limit: number): (typeof staffNotices.$inferSelect)[] {
  return tx.select().from(staffNotices).where(eq(staffNotices.staffId, staffId)).orderBy(desc(staffNotices.createdAt)).limit(limit).all();
}

export type NoticeRow = typeof staffNotices.$inferSelect;

/** Notices to e-mail now: queued and due, or claimed by a run whose lease ran out. */
export function dueNotices(tx: Tx, now: string, limit: number): NoticeRow[] {
  return tx
    .select()
    .from(staffNotices)
    .where(and(inArray(staffNotices.status, ['queued', 'sending']), or(isNull(staffNotices.dueAt), lte(staffNotices.dueAt, now))))
    .orderBy(asc(staffNotices.dueAt), asc(staffNotices.id))
    .limit(limit)
    .all();
}

export function updateNotice(tx: Tx, id: string, changes: Partial<typeof staffNotices.$inferInsert>): void {
  tx.update(staffNotices).set(changes).where(eq(staffNotices.id, id)).run();
}

/** Asked only for a leftover of a dead run that the provider may already have (rare): no index of its own. */
export function noticeWithProviderId(tx: Tx, providerId: string): boolean {
  return tx.select({ id: staffNotices.id }).from(staffNotices).where(eq(staffNotices.providerId, providerId)).get() !== undefined;
}

/** The inbox: by deadline (none last), then id; the department index answers a manager's page. */
export function inbox(
  tx: Tx,
  f: { departmentId?: string | undefined; statuses: readonly string[]; kind?: string | undefined },
  after: [string, string] | undefined,
  limit: number,
): FeedbackRow[] {
  const deadline = sql<string>`coalesce(${feedback.deadlineAt}, '9999')`;
  const where = [inArray(feedback.status, f.statuses as FeedbackRow['status'][])];
  if (f.departmentId) where.push(eq(feedback.departmentId, f.departmentId));
  if (f.kind) where.push(eq(feedback.kind, f.kind as FeedbackRow['kind']));
  if (after) where.push(or(sql`${deadline} > ${after[0]}`, and(sql`${deadline} = ${after[0]}`, sql`${feedback.id} > ${after[1]}`))!);
  return tx.select().from(feedback).where(and(...where)).orderBy(asc(deadline), asc(feedback.id)).limit(limit).all();
}

export function overdue(tx: Tx, now: string, limit: number): FeedbackRow[] {
  return tx
    .select()
    .from(feedback)
    .where(and(inArray(feedback.status, [...ACTIVE]), isNotNull(feedback.deadlineAt), lte(feedback.deadlineAt, now), lt(feedback.escalationLevel, 3)))
    .orderBy(asc(feedback.deadlineAt))
    .limit(limit)
    .all();
}

export function resolvedBefore(tx: Tx, before: string, limit: number): FeedbackRow[] {
  return tx.select().from(feedback).where(and(eq(feedback.status, 'resolved'), lte(feedback.resolvedAt, before))).orderBy(asc(feedback.resolvedAt)).limit(limit).all();
}

export type ComplaintRef = Pick<FeedbackRow, 'id' | 'category' | 'status' | 'createdAt'>;

/** On every caller lookup, so one cached statement rather than a built query. */
export function complaintsOfPatient(tx: Tx, patientId: string): ComplaintRef[] {
  return statement(
    tx,
    "SELECT id, category, status, created_at AS createdAt FROM feedback WHERE patient_id = ? AND kind = 'complaint' ORDER BY created_at DESC LIMIT 50",
  ).all(patientId) as ComplaintRef[];
}

export function feedbackOfPatient(tx: Tx, patientId: string, before: [string, string] | undefined, limit: number): FeedbackRow[] {
  const where = [eq(feedback.patientId, patientId)];
  if (before) where.push(or(lt(feedback.createdAt, before[0]), and(eq(feedback.createdAt, before[0]), lt(feedback.id, before[1])))!);
  return tx.select().from(feedback).where(and(...where)).orderBy(desc(feedback.createdAt), desc(feedback.id)).limit(limit).all();
}

export function activeRules(tx: Tx): RuleRow[] {
  return tx.select().from(feedbackRoutingRules).where(eq(feedbackRoutingRules.active, true)).all();
}

export function allRules(tx: Tx): RuleRow[] {
  return tx.select().from(feedbackRoutingRules).orderBy(desc(feedbackRoutingRules.priority), asc(feedbackRoutingRules.id)).all();
}

export function findRule(tx: Tx, id: string): RuleRow | undefined {
  return tx.select().from(feedbackRoutingRules).where(eq(feedbackRoutingRules.id, id)).get();
}

export function insertRule(tx: Tx, row: typeof feedbackRoutingRules.$inferInsert): void {
  tx.insert(feedbackRoutingRules).values(row).run();
}

export function updateRuleAtVersion(tx: Tx, id: string, version: number, changes: Partial<typeof feedbackRoutingRules.$inferInsert>): boolean {
  return tx.update(feedbackRoutingRules).set({ ...changes, version: version + 1 }).where(and(eq(feedbackRoutingRules.id, id), eq(feedbackRoutingRules.version, version))).run().changes === 1;
}

export function escalations(tx: Tx, since: string, limit: number): (LogRow & { kind: FeedbackRow['kind']; status: FeedbackRow['status']; departmentId: string | null; deadlineAt: string | null })[] {
  return tx
    .select({
      id: feedbackLog.id,
      feedbackId: feedbackLog.feedbackId,
      at: feedbackLog.at,
      actor: feedbackLog.actor,
      action: feedbackLog.action,
      level: feedbackLog.level,
      toStaffId: feedbackLog.toStaffId,
      note: feedbackLog.note,
      kind: feedback.kind,
      status: feedback.status,
      departmentId: feedback.departmentId,
      deadlineAt: feedback.deadlineAt,
    })
    .from(feedbackLog)
    .innerJoin(feedback, eq(feedback.id, feedbackLog.feedbackId))
    .where(and(eq(feedbackLog.action, 'escalated'), gte(feedbackLog.at, since)))
    .orderBy(desc(feedbackLog.at))
    .limit(limit)
    .all();
}
