import { and, asc, count, desc, eq, inArray, lt, lte, or, sql } from 'drizzle-orm';
import { statement, type Tx } from '../../../../db/client.js';
import { followupEnrolments, followupPlans, followupSteps } from '../../../../db/schema/followup-plans.js';
import type { PlanDefinition } from './plan-definition.js';

export type PlanRow = Omit<typeof followupPlans.$inferSelect, 'definition'> & { definition: PlanDefinition };
export type EnrolmentRow = typeof followupEnrolments.$inferSelect;
export type StepRow = typeof followupSteps.$inferSelect;

const asPlan = (row: typeof followupPlans.$inferSelect): PlanRow => row as PlanRow;

export function insertPlan(tx: Tx, row: PlanRow): void {
  tx.insert(followupPlans).values(row).run();
}

export function planVersion(tx: Tx, code: string, version: number): PlanRow | undefined {
  const row = tx.select().from(followupPlans).where(and(eq(followupPlans.code, code), eq(followupPlans.version, version))).get();
  return row ? asPlan(row) : undefined;
}

/** The newest version of a plan (the one new patients get, unless it is retired). */
export function currentPlan(tx: Tx, code: string): PlanRow | undefined {
  const row = tx.select().from(followupPlans).where(eq(followupPlans.code, code)).orderBy(desc(followupPlans.version)).limit(1).get();
  return row ? asPlan(row) : undefined;
}

const ACTIVE_CURRENT = `SELECT id, code, version, status, definition, created_at AS createdAt, created_by AS createdBy FROM followup_plans p
  WHERE p.status = 'active' AND p.version = (SELECT max(v.version) FROM followup_plans v WHERE v.code = p.code) ORDER BY p.code`;
// Plan versions never change once written (only their status does), so a parsed definition is safe to reuse by id.
const parsedDefinitions = new Map<string, PlanDefinition>();

/** The newest version of every active plan, by a cached statement: asked for every visit an import records. */
export function activeCurrentPlans(tx: Tx): PlanRow[] {
  return (statement(tx, ACTIVE_CURRENT).all() as (Omit<PlanRow, 'definition'> & { definition: string })[]).map((row) => {
    let definition = parsedDefinitions.get(row.id);
    if (!definition) parsedDefinitions.set(row.id, (definition = JSON.parse(row.definition) as PlanDefinition));
    return { ...row, definition };
  });
}

/** The newest version of every plan. */
export function currentPlans(tx: Tx): PlanRow[] {
  const p = followupPlans;
  return tx
    .select()
    .from(p)
    .where(eq(p.version, sql`(SELECT max(v.version) FROM followup_plans v WHERE v.code = ${p.code})`))
    .orderBy(asc(p.code))
    .all()
    .map(asPlan);
}

export function versionsOf(tx: Tx, code: string): PlanRow[] {
  return tx.select().from(followupPlans).where(eq(followupPlans.code, code)).orderBy(desc(followupPlans.version)).all().map(asPlan);
}

export function setPlanStatus(tx: Tx, id: string, status: 'active' | 'retired'): void {
  tx.update(followupPlans).set({ status }).where(eq(followupPlans.id, id)).run();
}

const INSERT_ENROLMENT = `INSERT INTO followup_enrolments (id, patient_id, plan_code, plan_version, keep_version, encounter_id, department_id, trigger,
  anchor_date, reason, status, stop_reason, created_at, created_by) VALUES (@id, @patientId, @planCode, @planVersion, @keepVersion, @encounterId,
  @departmentId, @trigger, @anchorDate, @reason, @status, @stopReason, @createdAt, @createdBy) ON CONFLICT DO NOTHING`;

/** false when the plan already holds this encounter (a repeated discharge message). Cached: imports enrol in bulk. */
export function insertEnrolment(tx: Tx, row: EnrolmentRow): boolean {
  return statement(tx, INSERT_ENROLMENT).run({ ...row, keepVersion: row.keepVersion ? 1 : 0 }).changes === 1;
}

const FIND_ENROLMENT = `SELECT id, patient_id AS patientId, plan_code AS planCode, plan_version AS planVersion, keep_version AS keepVersion,
  encounter_id AS encounterId, department_id AS departmentId, trigger, anchor_date AS anchorDate, reason, status, stop_reason AS stopReason,
  created_at AS createdAt, created_by AS createdBy FROM followup_enrolments WHERE id = ?`;

/** Cached: the step job reads one per due step. */
export function findEnrolment(tx: Tx, id: string): EnrolmentRow | undefined {
  const row = statement(tx, FIND_ENROLMENT).get(id) as (Omit<EnrolmentRow, 'keepVersion'> & { keepVersion: number }) | undefined;
  return row ? { ...row, keepVersion: row.keepVersion === 1 } : undefined;
}

export function enrolmentsOfPatient(tx: Tx, patientId: string): EnrolmentRow[] {
  return tx.select().from(followupEnrolments).where(eq(followupEnrolments.patientId, patientId)).orderBy(desc(followupEnrolments.createdAt), desc(followupEnrolments.id)).all();
}

/** One timeline page of a patient's enrolments: strictly before (createdAt, id), newest first, at most `limit`. */
export function enrolmentsOfPatientBefore(tx: Tx, patientId: string, before: [string, string] | undefined, limit: number): EnrolmentRow[] {
  const e = followupEnrolments;
  return tx
    .select()
    .from(e)
    .where(and(eq(e.patientId, patientId), before ? or(lt(e.createdAt, before[0]), and(eq(e.createdAt, before[0]), lt(e.id, before[1]))) : undefined))
    .orderBy(desc(e.createdAt), desc(e.id))
    .limit(limit)
    .all();
}

export function activeEnrolmentsOfPatient(tx: Tx, patientId: string): EnrolmentRow[] {
  return tx.select().from(followupEnrolments).where(and(eq(followupEnrolments.patientId, patientId), eq(followupEnrolments.status, 'active'))).all();
}

/** Enrolments a new version of the plan re-plans: active, and not kept on their version by staff. */
export function enrolmentsToReplan(tx: Tx, code: string, belowVersion: number): EnrolmentRow[] {
  const e = followupEnrolments;
  return tx.select().from(e).where(and(eq(e.planCode, code), eq(e.status, 'active'), eq(e.keepVersion, false), lt(e.planVersion, belowVersion))).all();
}

export function updateEnrolment(tx: Tx, id: string, changes: Partial<EnrolmentRow>): void {
  tx.update(followupEnrolments).set(changes).where(eq(followupEnrolments.id, id)).run();
}

const INSERT_STEP = `INSERT INTO followup_steps (id, enrolment_id, patient_id, step_key, plan_version, kind, day, due_at, status, done_at, result)
  VALUES (@id, @enrolmentId, @patientId, @stepKey, @planVersion, @kind, @day, @dueAt, @status, @doneAt, @result)`;

export function insertSteps(tx: Tx, rows: StepRow[]): void {
  const insert = statement(tx, INSERT_STEP);
  for (const row of rows) insert.run(row);
}

export function stepsOfEnrolments(tx: Tx, enrolmentIds: string[]): StepRow[] {
  if (enrolmentIds.length === 0) return [];
  return tx.select().from(followupSteps).where(inArray(followupSteps.enrolmentId, enrolmentIds)).orderBy(asc(followupSteps.dueAt), asc(followupSteps.id)).all();
}

export function dueSteps(tx: Tx, nowIso: string, limit: number): StepRow[] {
  return tx.select().from(followupSteps).where(and(eq(followupSteps.status, 'scheduled'), lte(followupSteps.dueAt, nowIso))).orderBy(asc(followupSteps.dueAt), asc(followupSteps.id)).limit(limit).all();
}

/** Closes a scheduled step; false when another run already did (the job is safe to run twice). */
export function closeStep(tx: Tx, id: string, status: 'done' | 'cancelled', result: string, at: string): boolean {
  return statement(tx, `UPDATE followup_steps SET status = ?, result = ?, done_at = ? WHERE id = ? AND status = 'scheduled'`).run(status, result, at, id).changes === 1;
}

export function cancelScheduledSteps(tx: Tx, enrolmentId: string, result: string, at: string): number {
  return tx.update(followupSteps).set({ status: 'cancelled', result, doneAt: at }).where(and(eq(followupSteps.enrolmentId, enrolmentId), eq(followupSteps.status, 'scheduled'))).run().changes;
}

/** Removes the steps a new plan version replaces; they were never carried out, so nothing refers to them. */
export function deleteScheduledSteps(tx: Tx, enrolmentId: string): number {
  return tx.delete(followupSteps).where(and(eq(followupSteps.enrolmentId, enrolmentId), eq(followupSteps.status, 'scheduled'))).run().changes;
}

export function countScheduled(tx: Tx, code: string): number {
  return (
    tx
      .select({ n: count() })
      .from(followupSteps)
      .innerJoin(followupEnrolments, eq(followupEnrolments.id, followupSteps.enrolmentId))
      .where(and(eq(followupEnrolments.planCode, code), eq(followupSteps.status, 'scheduled')))
      .get()?.n ?? 0
  );
}


export function findStep(tx: Tx, id: string): StepRow | undefined {
  return tx.select().from(followupSteps).where(eq(followupSteps.id, id)).get();
}
