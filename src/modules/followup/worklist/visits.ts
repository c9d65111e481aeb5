import type { Tx } from '../../../../db/client.js';
import { addDays, instantAtLocalTime, localDate } from '../../../lib/clock.js';
import type { ServiceContext } from '../../../lib/context.js';
import { Invalid } from '../../../lib/errors.js';
import { newId } from '../../../lib/ids.js';
import { inTransaction } from '../../../lib/transaction.js';
import { audit } from '../../audit/audit.service.js';
import { enqueueMessage, type MessageChannel } from '../../messaging/messaging.service.js';
import type { EncounterFacts } from '../../patients/encounter-events.js';
import { canSeeClinical } from '../../patients/patients.access.js';
import { outreachPatient } from '../../patients/patients.service.js';
import { authorize } from '../../staff/permissions.js';
import { departmentExists, departmentNames } from '../../staff/staff.service.js';
import { invalidVisitDate, patientNotFound, taskNotFound } from '../followup.errors.js';
import { withinHours } from '../invitations/invitation-messages.js';
import * as repo from './worklist.repository.js';

/**
 * How a follow-up visit is booked: the appointments module implements it (appointments.followup.ts) and createDeps
 * passes it as `followup.booking`. When no schedule is open for the day, the visit is left as a re-check reminder
 * that the patient books themselves.
 */
export interface FollowupVisitBooking {
  /** Books inside the caller's transaction; null when no slot is open (then a reminder goes out instead). */
  bookFollowupVisit(tx: Tx, ctx: ServiceContext, request: { visitId: string; patientId: string; departmentId: string; date: string }): { appointmentId: string } | null;
}

/** A visit counts as attended when the patient is seen in its department from this many days before its date. */
export const EARLY_ATTENDANCE_DAYS = 3;

export interface VisitRequest {
  patientId: string;
  departmentId: string;
  dueDate: string;
  taskId?: string | null;
  enrolmentId?: string | null;
  channel?: MessageChannel | undefined;
}

/** Records a follow-up visit and books it, or queues its re-check reminder for the day before (inside the caller's transaction). */
export function planVisit(tx: Tx, ctx: ServiceContext, request: VisitRequest): repo.VisitRow {
  const id = newId();
  const booked = ctx.followup.booking?.bookFollowupVisit(tx, ctx, { visitId: id, patientId: request.patientId, departmentId: request.departmentId, date: request.dueDate }) ?? null;
  const row: repo.VisitRow = {
    id,
    patientId: request.patientId,
    departmentId: request.departmentId,
    dueDate: request.dueDate,
    taskId: request.taskId ?? null,
    enrolmentId: request.enrolmentId ?? null,
    status: booked ? 'booked' : 'planned',
    appointmentId: booked?.appointmentId ?? null,
    attendedEncounterId: null,
    createdAt: ctx.now.toISOString(),
    createdBy: `${ctx.actor.kind}:${ctx.actor.id}`,
  };
  repo.insertVisit(tx, row);
  if (!booked) {
    const patient = outreachPatient(tx, request.patientId);
    const names = departmentNames(tx, request.departmentId);
    const remindAt = instantAtLocalTime(addDays(request.dueDate, -1), '09:00', ctx.timeZone);
    enqueueMessage(tx, ctx, {
      purpose: 'followup-recheck',
      category: 'care',
      patientId: request.patientId,
      template: 'followup.recheck',
      variables: { patientName: patient?.name ?? '', date: request.dueDate, department: (patient?.preferredLanguage === 'en' ? names?.nameEn : names?.nameZh) ?? '' },
      scheduledAt: remindAt > ctx.now ? remindAt : withinHours(ctx, ctx.now, { from: '09:00', to: '20:00' }),
      dedupeKey: `followup-visit:${id}`,
      ...(request.channel ? { channel: request.channel } : {}),
      subject: { type: 'followup-visit', id },
    });
  }
  audit(tx, ctx, { action: 'followup.visit.plan', entityType: 'followup_visit', entityId: id, patientId: request.patientId, detail: { departmentId: request.departmentId, dueDate: request.dueDate, booked: booked !== null } });
  return row;
}

/** A visit in the department on or after (date − EARLY_ATTENDANCE_DAYS) marks the follow-up visit attended. */
export function noteAttendance(tx: Tx, ctx: ServiceContext, facts: EncounterFacts): void {
  if (facts.status === 'planned' || facts.status === 'cancelled') return;
  const day = localDate(new Date(facts.startAt), ctx.timeZone);
  for (const visit of repo.openVisitsOf(tx, facts.patientId, facts.departmentId!)) {
    if (day < addDays(visit.dueDate, -EARLY_ATTENDANCE_DAYS)) continue;
    repo.updateVisit(tx, visit.id, { status: 'attended', attendedEncounterId: facts.encounterId });
    audit(tx, ctx, { action: 'followup.visit.attended', entityType: 'followup_visit', entityId: visit.id, patientId: facts.patientId, detail: { encounterId: facts.encounterId } });
  }
}

export interface ScheduleVisitBody {
  departmentId?: string | undefined;
  date?: string | undefined;
  inDays?: number | undefined;
  taskId?: string | undefined;
}

/** A doctor asks for a follow-up visit (复诊) from the patient page or from a task: on a date or after an interval. */
export async function scheduleFollowupVisit(ctx: ServiceContext, patientId: string, body: ScheduleVisitBody): Promise<repo.VisitRow> {
  const actor = authorize(ctx, 'followup.visits.schedule');
  const today = localDate(ctx.now, ctx.timeZone);
  const dueDate = body.date ?? addDays(today, body.inDays ?? 0);
  if ((body.date === undefined) === (body.inDays === undefined)) throw invalidVisitDate('needs exactly one of date and inDays');
  if (dueDate <= today) throw invalidVisitDate('must be after today');
  if (dueDate > addDays(today, 366)) throw invalidVisitDate('must be within a year');
  return inTransaction(ctx, (tx) => {
    const patient = outreachPatient(tx, patientId);
    if (!patient?.active || !canSeeClinical(tx, actor, patientId)) throw patientNotFound(patientId);
    if (body.taskId) {
      const task = repo.findTask(tx, body.taskId);
      if (!task || task.patientId !== patientId) throw taskNotFound(body.taskId);
    }
    const departmentId = body.departmentId ?? actor.departmentId;
    if (!departmentId || !departmentExists(tx, departmentId)) throw new Invalid('followup.invalid_department', 'The follow-up visit needs a department of this hospital.', [{ field: 'departmentId', code: 'unknown', message: 'is missing or not a department' }]);
    return planVisit(tx, ctx, { patientId, departmentId, dueDate, taskId: body.taskId ?? null });
  });
}
