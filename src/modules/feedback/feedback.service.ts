import type { Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import { newId } from '../../lib/ids.js';
import { decodeCursor, pageOf } from '../../lib/pagination.js';
import { inReadSnapshot, inTransaction } from '../../lib/transaction.js';
import { auditRead } from '../audit/audit.reads.js';
import { audit } from '../audit/audit.service.js';
import { enqueueMessage } from '../messaging/messaging.service.js';
import { patientNotFound } from '../patients/patients.errors.js';
import { patientRef } from '../patients/patients.service.js';
import { authorize, type StaffActor } from '../staff/permissions.js';
import { activeStaffRef, departmentExists } from '../staff/staff.service.js';
import { badTransition, feedbackNotFound, notResponsible, staleFeedback, unknownDepartment, unknownStaff } from './feedback.errors.js';
import * as repo from './feedback.repository.js';
import { escalationTargets, routeCase, type Route } from './feedback.routing.js';
import type { CreateFeedbackBody, Feedback, InboxQuery, StaffNotice } from './feedback.schemas.js';

export function toFeedback(row: repo.FeedbackRow): Feedback {
  const { contactEmail: _e, ruleId: _r, followupEventId: _f, satisfaction: _s, escalatedAt: _a, ...rest } = row;
  return rest;
}

export interface NewCase {
  kind: repo.FeedbackRow['kind'];
  source: repo.FeedbackRow['source'];
  category: string;
  severity: repo.FeedbackRow['severity'];
  text: string;
  patientId?: string | null;
  departmentId?: string | null;
  doctorName?: string | null;
  anonymous?: boolean;
  contactName?: string | null;
  contactPhone?: string | null;
  contactEmail?: string | null;
  /** The staff member taking it (首诉): responsible until an explicit handover. */
  takenBy?: string | null;
  followupEventId?: string | null;
  satisfaction?: number | null;
}

const actorLabel = (ctx: ServiceContext) => `${ctx.actor.kind}:${ctx.actor.id}`;
/** Only a staff member can be responsible for a case; a job or import acting is not. */
const takerOf = (ctx: ServiceContext) => (ctx.actor.kind === 'staff' ? ctx.actor.id : null);

/** Opens a case inside the caller's transaction: routed by rule, deadline in working time, assignees told. */
export function openCase(tx: Tx, ctx: ServiceContext, input: NewCase): string {
  if (input.patientId && !patientRef(tx, input.patientId)) throw patientNotFound(input.patientId);
  if (input.departmentId && !departmentExists(tx, input.departmentId)) throw unknownDepartment('departmentId');
  const id = newId();
  const now = ctx.now.toISOString();
  const route = routeCase(tx, ctx, { kind: input.kind, category: input.category, departmentId: input.departmentId ?? null, severity: input.severity });
  repo.insertFeedback(tx, {
    id,
    kind: input.kind,
    source: input.source,
    patientId: input.patientId ?? null,
    anonymous: input.anonymous ?? false,
    contactName: input.contactName ?? null,
    contactPhone: input.contactPhone ?? null,
    contactEmail: input.contactEmail ?? null,
    category: input.category,
    departmentId: input.departmentId ?? null,
    doctorName: input.doctorName ?? null,
    severity: input.severity,
    text: input.text,
    status: route.assigneeIds.length > 0 ? 'assigned' : 'open',
    responsibleId: input.takenBy ?? null,
    assigneeId: route.assigneeIds.length === 1 ? route.assigneeIds[0]! : null,
    assigneeGroup: route.group,
    ruleId: route.ruleId,
    deadlineAt: route.deadlineAt,
    followupEventId: input.followupEventId ?? null,
    satisfaction: input.satisfaction ?? null,
    createdAt: now,
    updatedAt: now,
  });
  log(tx, ctx, id, 'created', { note: `${input.source}${route.ruleId ? ` · rule ${route.ruleId}` : ''}` });
  notify(tx, ctx, id, route.assigneeIds, 'assigned', input);
  audit(tx, ctx, { action: 'feedback.create', entityType: 'feedback', entityId: id, patientId: input.patientId ?? null, detail: { kind: input.kind, source: input.source, severity: input.severity } });
  return id;
}

function log(tx: Tx, ctx: ServiceContext, feedbackId: string, action: string, extra: { level?: number; toStaffId?: string; note?: string } = {}): void {
  repo.insertLog(tx, { id: newId(), feedbackId, at: ctx.now.toISOString(), actor: actorLabel(ctx), action, level: extra.level ?? null, toStaffId: extra.toStaffId ?? null, note: extra.note ?? null });
}

/**
 * A notice per recipient, queued for the staff-notices job (staff-notices.ts) to e-mail, and logged. Subject and
 * body carry the case's number, kind, severity and a link, never the patient's name, number or words.
 */
function notify(tx: Tx, ctx: ServiceContext, feedbackId: string, staffIds: string[], why: 'assigned' | 'escalated' | 'handover', c: { kind: string; severity: string; category: string }, level?: number): void {
  for (const staffId of staffIds) {
    const subject = `${why === 'escalated' ? `【升级 L${level}】` : why === 'handover' ? '【转交】' : '【新反馈】'}HCRM 反馈 ${feedbackId}`;
    const body = [subject, `${c.kind} · ${c.severity} · ${c.category}`, `${ctx.messaging.settings.publicUrl}/app/feedback#f-${feedbackId}`].join('\n');
    repo.insertNotice(tx, { id: newId(), staffId, feedbackId, channel: 'email', subject, body, status: 'queued', dueAt: ctx.now.toISOString(), createdAt: ctx.now.toISOString() });
    log(tx, ctx, feedbackId, 'notified', { toStaffId: staffId, ...(level !== undefined ? { level } : {}), note: why });
  }
}

export async function createFeedback(ctx: ServiceContext, body: CreateFeedbackBody): Promise<Feedback> {
  authorize(ctx, 'feedback.create');
  return inTransaction(ctx, (tx) => {
    const id = openCase(tx, ctx, { ...body, takenBy: takerOf(ctx) });
    return toFeedback(repo.findFeedback(tx, id)!);
  });
}

/** Managers see their department's cases and those assigned to them; agents and admins see every case. */
function mayRead(actor: StaffActor, row: repo.FeedbackRow): boolean {
  if (actor.role !== 'manager') return true;
  return (actor.departmentId !== null && row.departmentId === actor.departmentId) || row.assigneeId === actor.id || row.responsibleId === actor.id;
}

function visible(tx: Tx, actor: StaffActor, id: string): repo.FeedbackRow {
  const row = repo.findFeedback(tx, id);
  if (!row || !mayRead(actor, row)) throw feedbackNotFound(id);
  return row;
}

export async function getFeedback(ctx: ServiceContext, id: string): Promise<Feedback & { log: repo.LogRow[] }> {
  const actor = authorize(ctx, 'feedback.read');
  const found = inReadSnapshot(ctx, (tx) => {
    const row = visible(tx, actor, id);
    return { ...toFeedback(row), log: repo.logOf(tx, id) };
  });
  await auditRead(ctx, { action: 'feedback.read', entityType: 'feedback', entityId: id, patientId: found.patientId });
  return found;
}

export async function feedbackInbox(ctx: ServiceContext, query: InboxQuery): Promise<{ items: Feedback[]; nextCursor: string | null }> {
  const actor = authorize(ctx, 'feedback.read');
  const statuses = query.status === 'active' ? repo.ACTIVE : [query.status];
  // A manager's inbox is their department, whatever they ask for.
  const departmentId = actor.role === 'manager' ? (actor.departmentId ?? '-') : query.departmentId;
  const after = decodeCursor(query.cursor, 2) as [string, string] | undefined;
  const rows = inReadSnapshot(ctx, (tx) => repo.inbox(tx, { departmentId, statuses, kind: query.kind }, after, query.limit + 1));
  await auditRead(ctx, { action: 'feedback.inbox', entityType: 'feedback', detail: { departmentId: departmentId ?? null, returned: Math.min(rows.length, query.limit) } });
  return pageOf(rows.map(toFeedback), query.limit, (f) => [f.deadlineAt ?? '9999', f.id]);
}

type Change = (row: repo.FeedbackRow, actor: StaffActor, tx: Tx) => { changes: Partial<repo.FeedbackRow>; action: string; note?: string; after?: (tx: Tx, row: repo.FeedbackRow) => void };

/** Every workflow verb: visible, current version, allowed transition, logged and audited in one transaction. */
function change(ctx: ServiceContext, id: string, version: number, apply: Change): Feedback {
  const actor = authorize(ctx, 'feedback.work');
  return inTransaction(ctx, (tx) => {
    const row = visible(tx, actor, id);
    if (row.version !== version) throw staleFeedback(version, row.version);
    const { changes, action, note, after } = apply(row, actor, tx);
    repo.updateFeedbackAtVersion(tx, id, row.version, { ...changes, updatedAt: ctx.now.toISOString() });
    log(tx, ctx, id, action, note ? { note } : {});
    audit(tx, ctx, { action: `feedback.${action}`, entityType: 'feedback', entityId: id, patientId: row.patientId, detail: { from: row.status, to: changes.status ?? row.status } });
    const updated = repo.findFeedback(tx, id)!;
    after?.(tx, updated);
    return toFeedback(updated);
  });
}

const ACTIVE = new Set<string>(repo.ACTIVE);

/** Taking a case makes the taker responsible (首诉负责制) if nobody is yet; it starts the work. */
export async function startFeedback(ctx: ServiceContext, id: string, version: number): Promise<Feedback> {
  return change(ctx, id, version, (row) => {
    if (!ACTIVE.has(row.status)) throw badTransition(row.status, 'started');
    return { changes: { status: 'in_progress', responsibleId: row.responsibleId ?? takerOf(ctx) }, action: 'started' };
  });
}

export async function handOverFeedback(ctx: ServiceContext, id: string, body: { version: number; toStaffId: string; note?: string | undefined }): Promise<Feedback> {
  return change(ctx, id, body.version, (row, actor, tx) => {
    if (row.status === 'closed') throw badTransition(row.status, 'handed over');
    if (row.responsibleId && row.responsibleId !== actor.id && actor.role === 'agent') throw notResponsible();
    if (!activeStaffRef(tx, body.toStaffId)) throw unknownStaff('toStaffId');
    return {
      changes: { responsibleId: body.toStaffId },
      action: 'handover',
      note: body.note ?? `to ${body.toStaffId}`,
      after: (tx2, updated) => notify(tx2, ctx, updated.id, [body.toStaffId], 'handover', updated),
    };
  });
}

export async function resolveFeedback(ctx: ServiceContext, id: string, body: { version: number; resolution: string; notifyPatient: boolean }): Promise<Feedback> {
  return change(ctx, id, body.version, (row) => {
    if (!ACTIVE.has(row.status)) throw badTransition(row.status, 'resolved');
    return {
      changes: { status: 'resolved', resolution: body.resolution, resolvedAt: ctx.now.toISOString(), responsibleId: row.responsibleId ?? takerOf(ctx) },
      action: 'resolved',
      after: (tx, updated) => {
        if (!body.notifyPatient || !updated.patientId) return;
        const sent = enqueueMessage(tx, ctx, {
          purpose: 'feedback-resolution',
          category: 'care',
          patientId: updated.patientId,
          template: 'feedback.resolution',
          variables: { resolution: body.resolution },
          scheduledAt: ctx.now,
          dedupeKey: `feedback-resolution:${updated.id}:${updated.reopenCount}`,
          subject: { type: 'feedback', id: updated.id },
        });
        log(tx, ctx, updated.id, 'patient_told', { note: `${sent.status} ${sent.id}` });
      },
    };
  });
}

export async function closeFeedback(ctx: ServiceContext, id: string, body: { version: number; confirmedByPatient: boolean }): Promise<Feedback> {
  return change(ctx, id, body.version, (row) => {
    if (row.status !== 'resolved') throw badTransition(row.status, 'closed');
    return { changes: { status: 'closed', closedAt: ctx.now.toISOString(), closedBy: body.confirmedByPatient ? 'patient' : 'staff' }, action: 'closed' };
  });
}

/** A resolved or closed case reopens when the patient is not satisfied; routing starts again with a new deadline. */
export async function reopenFeedback(ctx: ServiceContext, id: string, body: { version: number; reason: string }): Promise<Feedback> {
  return change(ctx, id, body.version, (row, _actor, tx) => {
    if (row.status !== 'resolved' && row.status !== 'closed') throw badTransition(row.status, 'reopened');
    const deadlineAt = routeCase(tx, ctx, row).deadlineAt;
    return { changes: { status: row.responsibleId ? 'in_progress' : 'assigned', resolvedAt: null, closedAt: null, closedBy: null, reopenCount: row.reopenCount + 1, escalationLevel: 0, deadlineAt }, action: 'reopened', note: body.reason };
  });
}

/** By hand (an admin) or by the job: one level up, the new level's people told, a new deadline. */
export async function escalateFeedback(ctx: ServiceContext, id: string, body: { version: number; reason: string }): Promise<Feedback> {
  const actor = authorize(ctx, 'feedback.escalations.read');
  return inTransaction(ctx, (tx) => {
    const row = visible(tx, actor, id);
    if (row.version !== body.version) throw staleFeedback(body.version, row.version);
    if (!ACTIVE.has(row.status)) throw badTransition(row.status, 'escalated');
    if (row.escalationLevel >= 3) throw badTransition('at the top level', 'escalated further');
    escalateOne(tx, ctx, row, body.reason);
    return toFeedback(repo.findFeedback(tx, id)!);
  });
}

function escalateOne(tx: Tx, ctx: ServiceContext, row: repo.FeedbackRow, reason: string): void {
  const level = row.escalationLevel + 1;
  const route: Route = routeCase(tx, ctx, row);
  const targets = escalationTargets(tx, ctx, row.departmentId, level);
  repo.updateFeedbackAtVersion(tx, row.id, row.version, { escalationLevel: level, escalatedAt: ctx.now.toISOString(), deadlineAt: route.deadlineAt, updatedAt: ctx.now.toISOString() });
  log(tx, ctx, row.id, 'escalated', { level, note: `${reason} · ${targets.group}: ${targets.staffIds.length}` });
  notify(tx, ctx, row.id, targets.staffIds, 'escalated', row, level);
  audit(tx, ctx, { action: 'feedback.escalate', entityType: 'feedback', entityId: row.id, patientId: row.patientId, detail: { level, notified: targets.staffIds.length } });
}

/** The escalation job: every overdue active case goes one level up per run (department head → quality office → leadership). */
export function escalateOverdue(ctx: ServiceContext, batch = 200): { escalated: number } {
  let escalated = 0;
  for (;;) {
    const n = inTransaction(ctx, (tx) => {
      const rows = repo.overdue(tx, ctx.now.toISOString(), batch);
      for (const row of rows) escalateOne(tx, ctx, row, 'overdue');
      return rows.length;
    });
    escalated += n;
    if (n < batch) return { escalated };
  }
}

/** Resolved cases the patient did not answer close after the configured days. */
export function closeUnanswered(ctx: ServiceContext): { closed: number } {
  const before = new Date(ctx.now.getTime() - ctx.callcentre.settings.feedbackCloseAfterDays * 86_400_000).toISOString();
  return inTransaction(ctx, (tx) => {
    const rows = repo.resolvedBefore(tx, before, 1000);
    for (const row of rows) {
      repo.updateFeedbackAtVersion(tx, row.id, row.version, { status: 'closed', closedAt: ctx.now.toISOString(), closedBy: 'auto', updatedAt: ctx.now.toISOString() });
      log(tx, ctx, row.id, 'closed', { note: 'auto' });
    }
    if (rows.length > 0) audit(tx, ctx, { action: 'feedback.autoclose', entityType: 'feedback', detail: { closed: rows.length } });
    return { closed: rows.length };
  });
}

/** The caller's own notices with what became of each (sent, held by the sandbox, failed and why). */
export async function staffNotices(ctx: ServiceContext, limit = 20): Promise<StaffNotice[]> {
  const actor = authorize(ctx, 'feedback.read');
  return inReadSnapshot(ctx, (tx) =>
    repo.noticesOf(tx, actor.id, limit).map((n) => ({ id: n.id, subject: n.subject, feedbackId: n.feedbackId, status: n.status, attempts: n.attempts, lastError: n.lastError, sentAt: n.sentAt, createdAt: n.createdAt })),
  );
}
