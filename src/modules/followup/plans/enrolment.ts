import type { Tx } from '../../../../db/client.js';
import { addDays, instantAtLocalTime, localDate } from '../../../lib/clock.js';
import type { ServiceContext } from '../../../lib/context.js';
import { newId } from '../../../lib/ids.js';
import { audit } from '../../audit/audit.service.js';
import type { EncounterFacts } from '../../patients/encounter-events.js';
import { departmentCodeOf } from '../../staff/staff.service.js';
import { noteAttendance } from '../worklist/visits.js';
import { matchConditions, triggersOf } from './matching.js';
import type { Trigger } from './plan-definition.js';
import * as repo from './plans.repository.js';

/**
 * A step whose day lies further back than this when the patient is enrolled is not scheduled: a discharge imported
 * months late does not ring the patient for a day-3 call today.
 */
export const STALE_AFTER_DAYS = 7;

/**
 * Listens to encounters (patients' EncounterEvents): every active plan whose trigger and conditions match the visit
 * enrols the patient, once per plan and visit. Runs in the import's or the clinician's transaction.
 */
export function enrolFromEncounter(tx: Tx, ctx: ServiceContext, facts: EncounterFacts): void {
  if (facts.departmentId) noteAttendance(tx, ctx, facts);
  const triggers = triggersOf(facts, ctx.timeZone);
  if (triggers.length === 0) return;
  const plans = repo.activeCurrentPlans(tx).filter((p) => triggers.some((t) => t.trigger === p.definition.trigger));
  if (plans.length === 0) return;
  let departmentCode: string | null | undefined;
  const codeOfDepartment = () => (departmentCode ??= facts.departmentId ? (departmentCodeOf(tx, facts.departmentId) ?? null) : null);
  for (const plan of plans) {
    const { trigger, anchorDate } = triggers.find((t) => t.trigger === plan.definition.trigger)!;
    const reasons = matchConditions(plan.definition, facts, plan.definition.conditions.departments ? codeOfDepartment() : null, anchorDate);
    if (!reasons) continue;
    enrol(tx, ctx, plan, {
      patientId: facts.patientId,
      encounterId: facts.encounterId,
      departmentId: facts.departmentId,
      trigger,
      anchorDate,
      reason: [`${trigger} ${anchorDate}`, ...reasons].join(' · '),
      automatic: true,
    });
  }
}

export interface EnrolInput {
  patientId: string;
  encounterId: string | null;
  departmentId: string | null;
  trigger: Trigger;
  anchorDate: string;
  reason: string;
  /** Automatic enrolments with nothing left to schedule (all steps stale) are not made. */
  automatic: boolean;
}

/** Puts a patient on a plan version and schedules its steps; null when the visit is already on the plan. */
export function enrol(tx: Tx, ctx: ServiceContext, plan: repo.PlanRow, input: EnrolInput): repo.EnrolmentRow | null {
  const id = newId();
  const row: repo.EnrolmentRow = {
    id,
    patientId: input.patientId,
    planCode: plan.code,
    planVersion: plan.version,
    keepVersion: false,
    encounterId: input.encounterId,
    departmentId: input.departmentId,
    trigger: input.trigger,
    anchorDate: input.anchorDate,
    reason: input.reason,
    status: 'active',
    stopReason: null,
    createdAt: ctx.now.toISOString(),
    createdBy: `${ctx.actor.kind}:${ctx.actor.id}`,
  };
  const steps = stepRows(ctx, plan, row, new Set());
  if (input.automatic && steps.length === 0) return null;
  if (!repo.insertEnrolment(tx, row)) return null;
  repo.insertSteps(tx, steps);
  audit(tx, ctx, { action: 'followup.enrol', entityType: 'followup_enrolment', entityId: id, patientId: input.patientId, detail: { plan: plan.code, version: plan.version, trigger: input.trigger, steps: steps.length } });
  return row;
}

/** The plan's steps for an enrolment, leaving out those already carried out (by key) and those long past. */
export function stepRows(ctx: ServiceContext, plan: repo.PlanRow, enrolment: repo.EnrolmentRow, carriedOut: Set<string>): repo.StepRow[] {
  const oldest = addDays(localDate(ctx.now, ctx.timeZone), -STALE_AFTER_DAYS);
  return plan.definition.steps
    .filter((step) => !carriedOut.has(step.key) && addDays(enrolment.anchorDate, step.day) >= oldest)
    .map((step) => ({
      id: newId(),
      enrolmentId: enrolment.id,
      patientId: enrolment.patientId,
      stepKey: step.key,
      planVersion: plan.version,
      kind: step.kind,
      day: step.day,
      dueAt: instantAtLocalTime(addDays(enrolment.anchorDate, step.day), plan.definition.hours.from, ctx.timeZone).toISOString(),
      status: 'scheduled' as const,
      doneAt: null,
      result: null,
    }));
}

/**
 * Moves an enrolment onto a newer version: the steps not yet carried out are replaced by the new version's (a step
 * already carried out, by key, is not repeated). Returns how many steps are scheduled now.
 */
export function replan(tx: Tx, ctx: ServiceContext, enrolment: repo.EnrolmentRow, plan: repo.PlanRow): number {
  repo.deleteScheduledSteps(tx, enrolment.id);
  const carriedOut = new Set(repo.stepsOfEnrolments(tx, [enrolment.id]).filter((s) => s.status === 'done').map((s) => s.stepKey));
  const steps = stepRows(ctx, plan, { ...enrolment, planVersion: plan.version }, carriedOut);
  repo.insertSteps(tx, steps);
  repo.updateEnrolment(tx, enrolment.id, { planVersion: plan.version });
  audit(tx, ctx, { action: 'followup.replan', entityType: 'followup_enrolment', entityId: enrolment.id, patientId: enrolment.patientId, detail: { plan: plan.code, from: enrolment.planVersion, to: plan.version, steps: steps.length } });
  return steps.length;
}

/** Stops an enrolment: its scheduled steps are cancelled with the reason. */
export function stopEnrolment(tx: Tx, ctx: ServiceContext, enrolment: repo.EnrolmentRow, reason: string): void {
  if (enrolment.status !== 'active') return;
  repo.updateEnrolment(tx, enrolment.id, { status: 'stopped', stopReason: reason });
  repo.cancelScheduledSteps(tx, enrolment.id, `stopped: ${reason}`, ctx.now.toISOString());
  audit(tx, ctx, { action: 'followup.enrolment.stop', entityType: 'followup_enrolment', entityId: enrolment.id, patientId: enrolment.patientId, reason });
}
