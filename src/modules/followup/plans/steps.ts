import { statement, type Tx } from '../../../../db/client.js';
import { addDays, localDate } from '../../../lib/clock.js';
import type { ServiceContext } from '../../../lib/context.js';
import { AppError } from '../../../lib/errors.js';
import { inTransaction } from '../../../lib/transaction.js';
import { enqueueMessage } from '../../messaging/messaging.service.js';
import { outreachPatient } from '../../patients/patients.service.js';
import { departmentIdByCode } from '../../staff/staff.service.js';
import { createInvitation } from '../followup.service.js';
import { queueInvitation, withinHours } from '../invitations/invitation-messages.js';
import { openCallTask } from '../worklist/tasks.js';
import { planVisit } from '../worklist/visits.js';
import type { PlanStep } from './plan-definition.js';
import * as repo from './plans.repository.js';

export interface StepRunReport {
  tasks: number;
  invitations: number;
  reminders: number;
  cancelled: number;
}

/**
 * The job's verb: every scheduled step that is due is carried out in the version its enrolment follows now — a
 * call task on the worklist, a questionnaire link through the outbox, or a care reminder (a re-check reminder
 * records the expected follow-up visit). Each step is all or nothing under a savepoint; one that cannot be carried
 * out (patient gone, no department, no address) is cancelled with the reason, and the rest go on.
 */
export async function carryOutDueSteps(ctx: ServiceContext, options: { batch?: number } = {}): Promise<StepRunReport> {
  const report: StepRunReport = { tasks: 0, invitations: 0, reminders: 0, cancelled: 0 };
  const batch = options.batch ?? 500;
  for (;;) {
    const n = inTransaction(ctx, (tx) => {
      const due = repo.dueSteps(tx, ctx.now.toISOString(), batch);
      const plans = new Map<string, repo.PlanRow | undefined>();
      for (const step of due) {
        const enrolment = repo.findEnrolment(tx, step.enrolmentId)!;
        const key = `${enrolment.planCode}|${step.planVersion}`;
        if (!plans.has(key)) plans.set(key, repo.planVersion(tx, enrolment.planCode, step.planVersion));
        const outcome = guarded(tx, () => carryOut(tx, ctx, step, enrolment, plans.get(key)));
        const status = outcome.startsWith('cancelled:') ? 'cancelled' : 'done';
        repo.closeStep(tx, step.id, status, outcome, ctx.now.toISOString());
        if (status === 'cancelled') report.cancelled++;
        else if (step.kind === 'call') report.tasks++;
        else if (step.kind === 'questionnaire') report.invitations++;
        else report.reminders++;
      }
      return due.length;
    });
    if (n < batch) return report;
  }
}

function guarded(tx: Tx, work: () => string): string {
  statement(tx, 'SAVEPOINT followup_step').run();
  try {
    const result = work();
    statement(tx, 'RELEASE followup_step').run();
    return result;
  } catch (error) {
    statement(tx, 'ROLLBACK TO followup_step').run();
    statement(tx, 'RELEASE followup_step').run();
    if (!(error instanceof AppError)) throw error;
    return `cancelled: ${error.code}`;
  }
}

function carryOut(tx: Tx, ctx: ServiceContext, step: repo.StepRow, enrolment: repo.EnrolmentRow, plan: repo.PlanRow | undefined): string {
  if (enrolment.status !== 'active') return `cancelled: enrolment ${enrolment.status}`;
  const definition = plan?.definition.steps.find((s) => s.key === step.stepKey);
  if (!plan || !definition) return 'cancelled: step not in the plan version';
  const patient = outreachPatient(tx, enrolment.patientId);
  if (!patient?.active) return 'cancelled: patient inactive';
  const hours = plan.definition.hours;
  switch (definition.kind) {
    case 'call': {
      const departmentId = definition.assignee.department === 'encounter' ? enrolment.departmentId : (departmentIdByCode(tx, definition.assignee.department) ?? null);
      if (!departmentId) return 'cancelled: no department to work the call';
      const task = openCallTask(tx, ctx, {
        patientId: enrolment.patientId,
        departmentId,
        encounterId: enrolment.encounterId,
        stepId: step.id,
        title: definition.title,
        questionnaire: definition.questionnaire,
        assigneeRole: definition.assignee.role,
        dueAt: new Date(step.dueAt),
        hours,
        maxAttempts: plan.definition.maxAttempts,
      });
      return `task:${task.id}`;
    }
    case 'questionnaire': {
      const invitation = createInvitation(tx, ctx, {
        patientId: enrolment.patientId,
        questionnaire: definition.questionnaire,
        encounterId: enrolment.encounterId,
        departmentId: enrolment.departmentId,
        purpose: definition.purpose,
      });
      queueInvitation(tx, ctx, { invitationId: invitation.id, patientId: enrolment.patientId, questionnaireId: invitation.questionnaireId, link: invitation.link, expiresAt: invitation.expiresAt, channel: channelOf(definition), stepId: step.id, hours });
      return `invitation:${invitation.id}`;
    }
    case 'care-reminder': {
      if (definition.reminder === 'recheck') {
        if (!enrolment.departmentId) return 'cancelled: no department for the follow-up visit';
        const visit = planVisit(tx, ctx, { patientId: enrolment.patientId, departmentId: enrolment.departmentId, dueDate: addDays(localDate(ctx.now, ctx.timeZone), Math.max(1, definition.visitAfterDays)), enrolmentId: enrolment.id, channel: channelOf(definition) });
        return `visit:${visit.id}`;
      }
      const message = enqueueMessage(tx, ctx, {
        purpose: 'followup-care',
        category: 'care',
        patientId: enrolment.patientId,
        template: 'followup.care-text',
        variables: { patientName: patient.name, text: definition.text ?? '' },
        scheduledAt: withinHours(ctx, ctx.now, hours),
        dedupeKey: `followup-step:${step.id}`,
        ...(channelOf(definition) ? { channel: channelOf(definition)! } : {}),
      });
      return `message:${message.id}`;
    }
  }
}

function channelOf(step: PlanStep): 'sms' | 'email' | undefined {
  return 'channel' in step && (step.channel === 'sms' || step.channel === 'email') ? step.channel : undefined;
}
