import type { Tx } from '../../../../db/client.js';
import { addDays, localDate, startOfLocalDay } from '../../../lib/clock.js';
import type { ServiceContext } from '../../../lib/context.js';
import { Invalid } from '../../../lib/errors.js';
import { newId } from '../../../lib/ids.js';
import { decodeCursor, pageOf } from '../../../lib/pagination.js';
import { inTransaction } from '../../../lib/transaction.js';
import { audit } from '../../audit/audit.service.js';
import { cancelMessages } from '../../messaging/messaging.service.js';
import { authorize, type StaffActor } from '../../staff/permissions.js';
import { staffRef } from '../../staff/staff.service.js';
import { invalidAssignee, taskChanged, taskClosed, taskNotFound, taskTaken } from '../followup.errors.js';
import { recordResponse } from '../followup.service.js';
import { withinHours } from '../invitations/invitation-messages.js';
import { stopEnrolment } from '../plans/enrolment.js';
import * as plansRepo from '../plans/plans.repository.js';
import * as repo from './worklist.repository.js';
import type { AssignTaskBody, CallOutcomeBody, ClaimTaskBody, FollowupTask, FollowupTaskDetail, WorklistQuery } from './worklist.schemas.js';

/** A call not reached is tried again this many hours later (within the plan's hours), until the attempts run out. */
export const RETRY_AFTER_HOURS = 4;

export function toTask(row: repo.TaskRow, now: Date): FollowupTask {
  return {
    id: row.id,
    patientId: row.patientId,
    encounterId: row.encounterId,
    departmentId: row.departmentId,
    kind: row.kind,
    title: row.title,
    questionnaire: row.questionnaire,
    assigneeRole: row.assigneeRole,
    assigneeId: row.assigneeId,
    status: row.status,
    dueAt: row.dueAt,
    hours: { from: row.hoursFrom, to: row.hoursTo },
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    overdue: row.status === 'open' && (row.overdueSince !== null || row.dueAt < now.toISOString()),
    outcome: row.outcome,
    responseId: row.responseId,
    version: row.version,
    createdAt: row.createdAt,
    closedAt: row.closedAt,
  };
}

/**
 * Worklists: `mine` (assigned to me), `department` (everything of a department: managers watch the overdue ones
 * here). Staff other than admins see only their own department's tasks; `due` picks today, overdue (open and due
 * before today) or upcoming (from tomorrow).
 */
export async function listWorklist(ctx: ServiceContext, query: WorklistQuery): Promise<{ items: FollowupTask[]; nextCursor: string | null; overdue: number }> {
  const actor = authorize(ctx, 'followup.tasks.read');
  const after = decodeCursor(query.cursor, 2) as [string, string] | undefined;
  const today = localDate(ctx.now, ctx.timeZone);
  const startToday = startOfLocalDay(today, ctx.timeZone).toISOString();
  const startTomorrow = startOfLocalDay(addDays(today, 1), ctx.timeZone).toISOString();
  const departmentId = actor.role === 'admin' ? query.departmentId : (actor.departmentId ?? '\u0000none');
  const range = query.due === 'today' ? { dueFrom: startToday, dueBefore: startTomorrow } : query.due === 'overdue' ? { dueBefore: startToday } : query.due === 'upcoming' ? { dueFrom: startTomorrow } : {};
  const status: repo.TaskRow['status'][] = query.status ? [query.status] : query.due === 'all' ? ['open', 'done', 'failed', 'cancelled'] : ['open'];
  return inTransaction(ctx, (tx) => {
    const rows = repo.worklist(tx, { departmentId, assigneeId: query.scope === 'mine' ? actor.id : undefined, status, ...range }, after, query.limit + 1);
    const page = pageOf(rows, query.limit, (r) => [r.dueAt, r.id]);
    audit(tx, ctx, { action: 'followup.worklist.read', entityType: 'followup_task', detail: { scope: query.scope, due: query.due, departmentId: departmentId ?? null, returned: page.items.length } });
    return { items: page.items.map((r) => toTask(r, ctx.now)), nextCursor: page.nextCursor, overdue: repo.countOverdue(tx, departmentId) };
  });
}

function taskInScope(tx: Tx, actor: StaffActor, id: string): repo.TaskRow {
  const task = repo.findTask(tx, id);
  if (!task || (actor.role !== 'admin' && task.departmentId !== actor.departmentId)) throw taskNotFound(id);
  return task;
}

export async function getTask(ctx: ServiceContext, id: string): Promise<FollowupTaskDetail> {
  const actor = authorize(ctx, 'followup.tasks.read');
  return inTransaction(ctx, (tx) => {
    const task = taskInScope(tx, actor, id);
    audit(tx, ctx, { action: 'followup.task.read', entityType: 'followup_task', entityId: id, patientId: task.patientId });
    return { ...toTask(task, ctx.now), history: repo.attemptsOf(tx, [id]).map((a) => ({ at: a.at, staffId: a.staffId, outcome: a.outcome, notes: a.notes })) };
  });
}

/** Takes an open, unclaimed task of one's department onto one's own worklist. */
export async function claimTask(ctx: ServiceContext, id: string, body: ClaimTaskBody): Promise<FollowupTask> {
  const actor = authorize(ctx, 'followup.tasks.work');
  return inTransaction(ctx, (tx) => {
    const task = taskInScope(tx, actor, id);
    if (task.status !== 'open') throw taskClosed(task.status);
    if (task.assigneeId && task.assigneeId !== actor.id) throw taskTaken();
    if (task.version !== body.version || !repo.updateTaskAtVersion(tx, id, task.version, { assigneeId: actor.id, updatedAt: ctx.now.toISOString() })) throw taskChanged();
    audit(tx, ctx, { action: 'followup.task.claim', entityType: 'followup_task', entityId: id, patientId: task.patientId });
    return toTask(repo.findTask(tx, id)!, ctx.now);
  });
}

/** A manager (or admin) gives a task to a doctor or nurse of its department. */
export async function assignTask(ctx: ServiceContext, id: string, body: AssignTaskBody): Promise<FollowupTask> {
  const actor = authorize(ctx, 'followup.tasks.assign');
  return inTransaction(ctx, (tx) => {
    const task = taskInScope(tx, actor, id);
    if (task.status !== 'open') throw taskClosed(task.status);
    const assignee = staffRef(tx, body.staffId);
    if (!assignee?.active) throw invalidAssignee('no active staff member with this id');
    if (assignee.departmentId !== task.departmentId) throw invalidAssignee('works in another department');
    if (assignee.role !== 'doctor' && assignee.role !== 'nurse') throw invalidAssignee(`a ${assignee.role} does not make follow-up calls`);
    if (task.version !== body.version || !repo.updateTaskAtVersion(tx, id, task.version, { assigneeId: assignee.id, updatedAt: ctx.now.toISOString() })) throw taskChanged();
    audit(tx, ctx, { action: 'followup.task.assign', entityType: 'followup_task', entityId: id, patientId: task.patientId, detail: { to: assignee.id } });
    return toTask(repo.findTask(tx, id)!, ctx.now);
  });
}

/**
 * The outcome of one call. reached: done (with the questionnaire answered on the patient's behalf, if given);
 * not reached: tried again RETRY_AFTER_HOURS later within the plan's hours, failed after the last attempt; wrong
 * number: closed for the number to be corrected; refused: closed and the patient's plan stopped; deceased: closed,
 * and every plan, open task, planned visit and queued message of the patient stopped.
 */
export async function recordCallOutcome(ctx: ServiceContext, id: string, body: CallOutcomeBody): Promise<FollowupTask> {
  const actor = authorize(ctx, 'followup.tasks.work');
  return inTransaction(ctx, (tx) => {
    const task = taskInScope(tx, actor, id);
    if (task.status !== 'open') throw taskClosed(task.status);
    if (task.assigneeId && task.assigneeId !== actor.id && actor.role !== 'admin') throw taskTaken();
    if (task.version !== body.version) throw taskChanged();
    let responseId: string | null = null;
    if (body.answers) {
      const [url, version] = (task.questionnaire ?? '|').split('|') as [string, string];
      const entry = ctx.questionnaires.find(url, version || undefined);
      if (!entry) throw new Invalid('followup.no_questionnaire', 'This task has no questionnaire to answer; record the call without answers.', [{ field: 'answers', code: 'unexpected', message: 'this task has no questionnaire' }]);
      responseId = recordResponse(tx, ctx, { questionnaireId: entry.id, patientId: task.patientId, encounterId: task.encounterId, departmentId: task.departmentId, answers: body.answers, source: 'staff', disabledAnswers: 'refuse' }).id;
    }
    const attempts = task.attempts + 1;
    const now = ctx.now.toISOString();
    repo.insertAttempt(tx, { id: newId(), taskId: id, at: now, staffId: actor.id, outcome: body.outcome, notes: body.notes ?? null, responseId });
    const changes: Partial<repo.TaskRow> = { attempts, outcome: body.outcome, assigneeId: task.assigneeId ?? actor.id, updatedAt: now, responseId: responseId ?? task.responseId };
    if (body.outcome === 'not-reached') {
      if (attempts >= task.maxAttempts) Object.assign(changes, { status: 'failed', closedAt: now });
      else Object.assign(changes, { dueAt: withinHours(ctx, new Date(ctx.now.getTime() + RETRY_AFTER_HOURS * 3_600_000), { from: task.hoursFrom, to: task.hoursTo }).toISOString(), overdueSince: null });
    } else {
      Object.assign(changes, { status: 'done', closedAt: now });
    }
    if (!repo.updateTaskAtVersion(tx, id, task.version, changes)) throw taskChanged();
    if (body.outcome === 'refused') stopPlanOfTask(tx, ctx, task, 'patient refused follow-up');
    if (body.outcome === 'deceased') stopEverything(tx, ctx, task.patientId);
    audit(tx, ctx, { action: 'followup.task.outcome', entityType: 'followup_task', entityId: id, patientId: task.patientId, detail: { outcome: body.outcome, attempt: attempts, responseId } });
    return toTask(repo.findTask(tx, id)!, ctx.now);
  });
}

function stopPlanOfTask(tx: Tx, ctx: ServiceContext, task: repo.TaskRow, reason: string): void {
  if (!task.stepId) return;
  const step = plansRepo.findStep(tx, task.stepId);
  const enrolment = step ? plansRepo.findEnrolment(tx, step.enrolmentId) : undefined;
  if (enrolment) stopEnrolment(tx, ctx, enrolment, reason);
}

function stopEverything(tx: Tx, ctx: ServiceContext, patientId: string): void {
  for (const enrolment of plansRepo.activeEnrolmentsOfPatient(tx, patientId)) stopEnrolment(tx, ctx, enrolment, 'patient deceased');
  const now = ctx.now.toISOString();
  for (const open of repo.openTasksOfPatient(tx, patientId)) repo.updateTaskAtVersion(tx, open.id, open.version, { status: 'cancelled', closedAt: now, updatedAt: now });
  repo.cancelOpenVisits(tx, patientId);
  cancelMessages(tx, ctx, { patientId }, 'patient deceased');
}

/** The job's verb: flags open tasks due before today (for managers' lists) and visits the patient never came to. */
export async function markOverdue(ctx: ServiceContext): Promise<{ overdue: number; missedVisits: number }> {
  const today = localDate(ctx.now, ctx.timeZone);
  return inTransaction(ctx, (tx) => ({
    overdue: repo.flagOverdue(tx, startOfLocalDay(today, ctx.timeZone).toISOString(), ctx.now.toISOString()),
    // A week's grace after the date: a patient who comes a little late still counts as having come.
    missedVisits: repo.markMissedVisits(tx, addDays(today, -7)),
  }));
}
