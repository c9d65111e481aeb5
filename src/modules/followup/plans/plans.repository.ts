import { and, asc, count, desc, eq, inArray, lt, lte, sql } from 'drizzle-orm';
import type { Tx } from '../../../../db/client.js';
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

/** false when the plan already holds this encounter (a repeated discharge message). */
export function insertEnrolment(tx: Tx, row: EnrolmentRow): boolean {
  return tx.insert(followupEnrolments).values(row).onConflictDoNothing().run().changes === 1;
}

export function findEnrolment(tx: Tx, id: string): EnrolmentRow | undefined {
  return tx.select().from(followupEnrolments).where(eq(followupEnrolments.id, id)).get();
}

export function enrolmentsOfPatient(tx: Tx, patientId: string): EnrolmentRow[] {
  return tx.select().from(followupEnrolments).where(eq(followupEnrolments.patientId, patientId)).orderBy(desc(followupEnrolments.createdAt), desc(followupEnrolments.id)).all();
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

export function insertSteps(tx: Tx, rows: StepRow[]): void {
  if (rows.length > 0) tx.insert(followupSteps).values(rows).run();
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
  return tx.update(followupSteps).set({ status, result, doneAt: at }).where(and(eq(followupSteps.id, id), eq(followupSteps.status, 'scheduled'))).run().changes === 1;
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
