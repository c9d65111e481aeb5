import type { Tx } from '../../../../db/client.js';
import { localDate } from '../../../lib/clock.js';
import type { ServiceContext } from '../../../lib/context.js';
import type { FieldError } from '../../../lib/errors.js';
import { newId } from '../../../lib/ids.js';
import { inTransaction } from '../../../lib/transaction.js';
import { audit } from '../../audit/audit.service.js';
import { canSeeClinical } from '../../patients/patients.access.js';
import { encounterRef, outreachPatient } from '../../patients/patients.service.js';
import { authorize, type StaffActor } from '../../staff/permissions.js';
import { departmentCodeOf, departmentIdByCode } from '../../staff/staff.service.js';
import { alreadyEnrolled, encounterMismatch, enrolmentNotFound, invalidPlan, patientNotFound, planNotFound, planScope } from '../followup.errors.js';
import * as worklistRepo from '../worklist/worklist.repository.js';
import { toTask } from '../worklist/worklist.service.js';
import { enrol, replan } from './enrolment.js';
import type { PlanDefinition } from './plan-definition.js';
import * as repo from './plans.repository.js';
import type { EnrolBody, FollowupPlan, KeepVersionBody, PatientFollowup, PlanBody } from './plans.schemas.js';

function toPlan(row: repo.PlanRow, scheduled?: number): FollowupPlan {
  return { id: row.id, code: row.code, version: row.version, status: row.status, definition: row.definition, createdAt: row.createdAt, createdBy: row.createdBy, ...(scheduled !== undefined ? { scheduledSteps: scheduled } : {}) };
}

export async function listPlans(ctx: ServiceContext): Promise<{ items: FollowupPlan[] }> {
  authorize(ctx, 'followup.plans.read');
  return inTransaction(ctx, (tx) => ({ items: repo.currentPlans(tx).map((p) => toPlan(p)) }));
}

export async function getPlan(ctx: ServiceContext, code: string): Promise<{ current: FollowupPlan; versions: FollowupPlan[] }> {
  authorize(ctx, 'followup.plans.read');
  return inTransaction(ctx, (tx) => {
    const versions = repo.versionsOf(tx, code);
    if (versions.length === 0) throw planNotFound(code);
    return { current: toPlan(versions[0]!, repo.countScheduled(tx, code)), versions: versions.map((v) => toPlan(v)) };
  });
}

/**
 * Writes a plan: its first version, or the next version of `code`. Patients on an earlier version move onto this
 * one for the steps not yet carried out, unless staff kept them on theirs. Managers write only plans limited to
 * their own department.
 */
export async function savePlan(ctx: ServiceContext, body: PlanBody): Promise<FollowupPlan & { replanned: number }> {
  const actor = authorize(ctx, 'followup.plans.manage');
  return inTransaction(ctx, (tx) => {
    assertPlanScope(tx, actor, body.definition);
    checkReferences(tx, ctx, body.definition);
    const previous = repo.currentPlan(tx, body.code);
    const row: repo.PlanRow = { id: newId(), code: body.code, version: (previous?.version ?? 0) + 1, status: body.status, definition: body.definition, createdAt: ctx.now.toISOString(), createdBy: `${ctx.actor.kind}:${ctx.actor.id}` };
    repo.insertPlan(tx, row);
    let replanned = 0;
    if (previous) {
      for (const enrolment of repo.enrolmentsToReplan(tx, body.code, row.version)) {
        replan(tx, ctx, enrolment, row);
        replanned++;
      }
    }
    audit(tx, ctx, { action: previous ? 'followup.plan.version' : 'followup.plan.create', entityType: 'followup_plan', entityId: row.id, detail: { code: row.code, version: row.version, replanned } });
    return { ...toPlan(row), replanned };
  });
}

function assertPlanScope(tx: Tx, actor: StaffActor, definition: PlanDefinition): void {
  if (actor.role === 'admin') return;
  const own = actor.departmentId ? departmentCodeOf(tx, actor.departmentId) : undefined;
  const departments = definition.conditions.departments ?? [];
  if (!own || departments.length === 0 || departments.some((d) => d !== own)) throw planScope();
}

/** Departments and questionnaires a plan names must exist now, not when a step falls due months later. */
function checkReferences(tx: Tx, ctx: ServiceContext, definition: PlanDefinition): void {
  const errors: FieldError[] = [];
  (definition.conditions.departments ?? []).forEach((code, i) => {
    if (!departmentIdByCode(tx, code)) errors.push({ field: `definition.conditions.departments.${i}`, code: 'unknown', message: `names no department (${code})` });
  });
  definition.steps.forEach((step, i) => {
    if ('questionnaire' in step && step.questionnaire && !ctx.questionnaires.find(step.questionnaire.url, step.questionnaire.version)) {
      errors.push({ field: `definition.steps.${i}.questionnaire`, code: 'unknown', message: 'is not a loaded questionnaire' });
    }
    if (step.kind === 'call' && step.assignee.department !== 'encounter' && !departmentIdByCode(tx, step.assignee.department)) {
      errors.push({ field: `definition.steps.${i}.assignee.department`, code: 'unknown', message: `names no department (${step.assignee.department})` });
    }
  });
  if (errors.length > 0) throw invalidPlan(errors);
}

/** Retires the current version: new visits no longer enrol; patients already on it keep their steps. */
export async function retirePlan(ctx: ServiceContext, code: string): Promise<FollowupPlan> {
  const actor = authorize(ctx, 'followup.plans.manage');
  return inTransaction(ctx, (tx) => {
    const current = repo.currentPlan(tx, code);
    if (!current) throw planNotFound(code);
    assertPlanScope(tx, actor, current.definition);
    repo.setPlanStatus(tx, current.id, 'retired');
    audit(tx, ctx, { action: 'followup.plan.retire', entityType: 'followup_plan', entityId: current.id, detail: { code, version: current.version } });
    return toPlan({ ...current, status: 'retired' });
  });
}

/** Puts a patient on a plan by hand (from the patient page): any plan, counted from a visit's day or today. */
export async function enrolByHand(ctx: ServiceContext, patientId: string, body: EnrolBody): Promise<{ enrolmentId: string; scheduledSteps: number }> {
  const actor = authorize(ctx, 'followup.enrol');
  return inTransaction(ctx, (tx) => {
    if (!outreachPatient(tx, patientId)?.active || !canSeeClinical(tx, actor, patientId)) throw patientNotFound(patientId);
    const plan = repo.currentPlan(tx, body.planCode);
    if (!plan || plan.status !== 'active') throw planNotFound(body.planCode);
    let departmentId = actor.departmentId;
    if (body.encounterId) {
      const encounter = encounterRef(tx, patientId, body.encounterId);
      if (!encounter) throw encounterMismatch();
      departmentId = encounter.departmentId ?? departmentId;
    }
    const anchorDate = body.fromDate ?? localDate(ctx.now, ctx.timeZone);
    const who = actor.username;
    const enrolment = enrol(tx, ctx, plan, { patientId, encounterId: body.encounterId ?? null, departmentId, trigger: 'manual', anchorDate, reason: `enrolled by hand by ${who} from ${anchorDate}${body.note ? ` · ${body.note}` : ''}`, automatic: false });
    if (!enrolment) throw alreadyEnrolled(body.planCode);
    return { enrolmentId: enrolment.id, scheduledSteps: repo.stepsOfEnrolments(tx, [enrolment.id]).length };
  });
}

/** Staff keep a patient on the plan version they are on (or let them follow new versions again). */
export async function keepPlanVersion(ctx: ServiceContext, enrolmentId: string, body: KeepVersionBody): Promise<{ id: string; planVersion: number; keepVersion: boolean }> {
  const actor = authorize(ctx, 'followup.enrol');
  return inTransaction(ctx, (tx) => {
    const enrolment = repo.findEnrolment(tx, enrolmentId);
    if (!enrolment || !canSeeClinical(tx, actor, enrolment.patientId)) throw enrolmentNotFound(enrolmentId);
    repo.updateEnrolment(tx, enrolmentId, { keepVersion: body.keep });
    let planVersion = enrolment.planVersion;
    const current = repo.currentPlan(tx, enrolment.planCode)!;
    // Letting go of a kept version catches up with the plan at once.
    if (!body.keep && enrolment.status === 'active' && current.version > enrolment.planVersion) {
      replan(tx, ctx, enrolment, current);
      planVersion = current.version;
    }
    audit(tx, ctx, { action: 'followup.enrolment.keep_version', entityType: 'followup_enrolment', entityId: enrolmentId, patientId: enrolment.patientId, detail: { keep: body.keep, planVersion } });
    return { id: enrolmentId, planVersion, keepVersion: body.keep };
  });
}

/** What is scheduled for a patient, by which plan and why; their tasks and follow-up visits. */
export async function patientFollowup(ctx: ServiceContext, patientId: string): Promise<PatientFollowup> {
  const actor = authorize(ctx, 'followup.tasks.read');
  return inTransaction(ctx, (tx) => {
    if (!outreachPatient(tx, patientId) || !canSeeClinical(tx, actor, patientId)) throw patientNotFound(patientId);
    const enrolments = repo.enrolmentsOfPatient(tx, patientId);
    const steps = repo.stepsOfEnrolments(tx, enrolments.map((e) => e.id));
    const plans = new Map<string, repo.PlanRow | undefined>();
    const planOf = (code: string, version: number) => {
      const key = `${code}|${version}`;
      if (!plans.has(key)) plans.set(key, repo.planVersion(tx, code, version));
      return plans.get(key);
    };
    audit(tx, ctx, { action: 'followup.patient.read', entityType: 'patient', entityId: patientId, patientId });
    return {
      enrolments: enrolments.map((e) => {
        const plan = planOf(e.planCode, e.planVersion);
        const latest = repo.currentPlan(tx, e.planCode);
        return {
          id: e.id,
          plan: { code: e.planCode, version: e.planVersion, latestVersion: latest?.version ?? e.planVersion, name: plan?.definition.name ?? { 'zh-CN': e.planCode, en: e.planCode } },
          trigger: e.trigger,
          encounterId: e.encounterId,
          departmentId: e.departmentId,
          anchorDate: e.anchorDate,
          reason: e.reason,
          keepVersion: e.keepVersion,
          status: e.status,
          stopReason: e.stopReason,
          steps: steps
            .filter((s) => s.enrolmentId === e.id)
            .map((s) => ({ id: s.id, key: s.stepKey, kind: s.kind, day: s.day, planVersion: s.planVersion, dueAt: s.dueAt, status: s.status, result: s.result, doneAt: s.doneAt })),
        };
      }),
      tasks: worklistRepo.tasksOfPatient(tx, patientId).map((t) => toTask(t, ctx.now)),
      visits: worklistRepo.visitsOfPatient(tx, patientId).map((v) => ({ id: v.id, patientId: v.patientId, departmentId: v.departmentId, dueDate: v.dueDate, taskId: v.taskId, enrolmentId: v.enrolmentId, status: v.status, appointmentId: v.appointmentId, attendedEncounterId: v.attendedEncounterId, createdAt: v.createdAt })),
    };
  });
}
