import { and, asc, count, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, or } from 'drizzle-orm';
import { statement, type Tx } from '../../../../db/client.js';
import { followupTaskAttempts, followupTasks, followupVisits } from '../../../../db/schema/followup-plans.js';

export type TaskRow = typeof followupTasks.$inferSelect;
export type AttemptRow = typeof followupTaskAttempts.$inferSelect;
export type VisitRow = typeof followupVisits.$inferSelect;

const INSERT_TASK = `INSERT INTO followup_tasks (id, patient_id, step_id, encounter_id, department_id, kind, title, questionnaire, assignee_role,
  assignee_id, status, due_at, hours_from, hours_to, attempts, max_attempts, overdue_since, outcome, response_id, version, created_at, updated_at, closed_at)
  VALUES (@id, @patientId, @stepId, @encounterId, @departmentId, @kind, @title, @questionnaire, @assigneeRole, @assigneeId, @status, @dueAt,
  @hoursFrom, @hoursTo, @attempts, @maxAttempts, @overdueSince, @outcome, @responseId, @version, @createdAt, @updatedAt, @closedAt)`;

/** Cached: the step job opens tasks by the thousand after a busy discharge day. */
export function insertTask(tx: Tx, row: TaskRow): void {
  statement(tx, INSERT_TASK).run(row);
}

export function findTask(tx: Tx, id: string): TaskRow | undefined {
  return tx.select().from(followupTasks).where(eq(followupTasks.id, id)).get();
}

/** Optimistic update: false when the task changed since the caller read `version`. */
export function updateTaskAtVersion(tx: Tx, id: string, version: number, changes: Partial<TaskRow>): boolean {
  return tx.update(followupTasks).set({ ...changes, version: version + 1 }).where(and(eq(followupTasks.id, id), eq(followupTasks.version, version))).run().changes === 1;
}

export interface WorklistFilter {
  departmentId?: string | undefined;
  assigneeId?: string | undefined;
  status: TaskRow['status'][];
  dueFrom?: string | undefined;
  dueBefore?: string | undefined;
}

/** Soonest due first, keyed (dueAt, id) for cursor pages. */
export function worklist(tx: Tx, f: WorklistFilter, after: [string, string] | undefined, limit: number): TaskRow[] {
  const t = followupTasks;
  return tx
    .select()
    .from(t)
    .where(
      and(
        inArray(t.status, f.status),
        f.departmentId ? eq(t.departmentId, f.departmentId) : undefined,
        f.assigneeId ? eq(t.assigneeId, f.assigneeId) : undefined,
        f.dueFrom ? gte(t.dueAt, f.dueFrom) : undefined,
        f.dueBefore ? lt(t.dueAt, f.dueBefore) : undefined,
        after ? or(gt(t.dueAt, after[0]), and(eq(t.dueAt, after[0]), gt(t.id, after[1]))) : undefined,
      ),
    )
    .orderBy(asc(t.dueAt), asc(t.id))
    .limit(limit)
    .all();
}

export function tasksOfPatient(tx: Tx, patientId: string): TaskRow[] {
  return tx.select().from(followupTasks).where(eq(followupTasks.patientId, patientId)).orderBy(desc(followupTasks.createdAt), desc(followupTasks.id)).all();
}

export function tasksOfPatientBefore(tx: Tx, patientId: string, before: [string, string] | undefined, limit: number): TaskRow[] {
  const t = followupTasks;
  return tx
    .select()
    .from(t)
    .where(and(eq(t.patientId, patientId), before ? or(lt(t.createdAt, before[0]), and(eq(t.createdAt, before[0]), lt(t.id, before[1]))) : undefined))
    .orderBy(desc(t.createdAt), desc(t.id))
    .limit(limit)
    .all();
}

export function openTasksOfPatient(tx: Tx, patientId: string): TaskRow[] {
  return tx.select().from(followupTasks).where(and(eq(followupTasks.patientId, patientId), eq(followupTasks.status, 'open'))).all();
}

/** Open tasks due before the start of today that are not flagged yet; returns how many were flagged. */
export function flagOverdue(tx: Tx, startOfToday: string, at: string): number {
  const t = followupTasks;
  return tx.update(t).set({ overdueSince: at }).where(and(eq(t.status, 'open'), isNull(t.overdueSince), lt(t.dueAt, startOfToday))).run().changes;
}

export function countOverdue(tx: Tx, departmentId: string | undefined): number {
  const t = followupTasks;
  return tx.select({ n: count() }).from(t).where(and(eq(t.status, 'open'), isNotNull(t.overdueSince), departmentId ? eq(t.departmentId, departmentId) : undefined)).get()?.n ?? 0;
}

export function insertAttempt(tx: Tx, row: AttemptRow): void {
  tx.insert(followupTaskAttempts).values(row).run();
}

export function attemptsOf(tx: Tx, taskIds: string[]): AttemptRow[] {
  if (taskIds.length === 0) return [];
  return tx.select().from(followupTaskAttempts).where(inArray(followupTaskAttempts.taskId, taskIds)).orderBy(asc(followupTaskAttempts.at), asc(followupTaskAttempts.id)).all();
}

export function insertVisit(tx: Tx, row: VisitRow): void {
  tx.insert(followupVisits).values(row).run();
}

export function visitsOfPatient(tx: Tx, patientId: string): VisitRow[] {
  return tx.select().from(followupVisits).where(eq(followupVisits.patientId, patientId)).orderBy(desc(followupVisits.dueDate), desc(followupVisits.id)).all();
}

const OPEN_VISITS = `SELECT id, due_date AS dueDate FROM followup_visits WHERE patient_id = ? AND department_id = ? AND status IN ('planned', 'booked')`;

/** Cached: asked for every visit an import records. */
export function openVisitsOf(tx: Tx, patientId: string, departmentId: string): Pick<VisitRow, 'id' | 'dueDate'>[] {
  return statement(tx, OPEN_VISITS).all(patientId, departmentId) as Pick<VisitRow, 'id' | 'dueDate'>[];
}

export function updateVisit(tx: Tx, id: string, changes: Partial<VisitRow>): void {
  tx.update(followupVisits).set(changes).where(eq(followupVisits.id, id)).run();
}

export function findVisit(tx: Tx, id: string): VisitRow | undefined {
  return tx.select().from(followupVisits).where(eq(followupVisits.id, id)).get();
}

/** Visits still planned or booked whose day is before `day`: the patient did not come. */
export function markMissedVisits(tx: Tx, day: string): number {
  const v = followupVisits;
  return tx.update(v).set({ status: 'missed' }).where(and(inArray(v.status, ['planned', 'booked']), lt(v.dueDate, day))).run().changes;
}

export function cancelOpenVisits(tx: Tx, patientId: string): number {
  const v = followupVisits;
  return tx.update(v).set({ status: 'cancelled' }).where(and(eq(v.patientId, patientId), inArray(v.status, ['planned', 'booked']))).run().changes;
}
