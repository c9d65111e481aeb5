import type { Tx } from '../../../db/client.js';
import { addDays, localDate } from '../../lib/clock.js';
import type { ServiceContext } from '../../lib/context.js';
import { assertNoFieldErrors, type FieldError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { decodeCursor, pageOf } from '../../lib/pagination.js';
import { inTransaction } from '../../lib/transaction.js';
import { audit } from '../audit/audit.service.js';
import { outreachPatient, patientForCare } from '../patients/patients.service.js';
import { authorize, type StaffActor } from '../staff/permissions.js';
import { departmentExists, departmentNames } from '../staff/staff.service.js';
import type { CareOutbox } from './care.deps.js';
import { outsideDepartment, patientInactive, patientNotFound, reminderClosed, reminderNotFound } from './care.errors.js';
import * as repo from './care.repository.js';
import type { CareReminder, CareReminderQuery, CloseCareReminderBody, CreateCareReminderBody } from './care.schemas.js';
import { inBatches } from './batches.js';
import { occurrencesBetween } from './occurrences.js';

/** Longest period one reminder may cover; a longer course is a new reminder, reviewed by a clinician. */
const MAX_DAYS = 366;
const today = (ctx: ServiceContext) => localDate(ctx.now, ctx.timeZone);

export async function createCareReminder(ctx: ServiceContext, body: CreateCareReminderBody): Promise<CareReminder> {
  const actor = authorize(ctx, 'care.reminders.write');
  return inTransaction(ctx, (tx) => {
    const patient = patientForCare(tx, actor, body.patientId);
    if (!patient) throw patientNotFound(body.patientId);
    if (!patient.clinical) throw outsideDepartment();
    if (!patient.active) throw patientInactive(body.patientId);
    const plan = planOf(tx, body, today(ctx));
    const id = newId();
    repo.insertReminder(tx, {
      id,
      patientId: body.patientId,
      kind: body.kind,
      status: 'active',
      ...plan,
      departmentId: actor.departmentId,
      createdBy: actor.id,
      createdAt: ctx.now.toISOString(),
    });
    audit(tx, ctx, { action: 'care_reminder.create', entityType: 'care_reminder', entityId: id, patientId: body.patientId, detail: { kind: body.kind } });
    return view(repo.findReminder(tx, id)!, ctx);
  });
}

/** Turns each kind's input into the common plan: the local dates and times of day the reminder is sent. */
function planOf(tx: Tx, body: CreateCareReminderBody, today: string): Omit<repo.CareReminderRow, 'id' | 'patientId' | 'kind' | 'status' | 'departmentId' | 'createdBy' | 'createdAt' | 'closedAt' | 'closedBy' | 'closeReason'> {
  const errors: FieldError[] = [];
  const none = { drug: null, dose: null, recheckDate: null, recheckDepartmentId: null, bring: null, text: null };
  if (body.kind === 'recheck') {
    if (body.recheckDate < today) errors.push({ field: 'recheckDate', code: 'in_past', message: 'is before today' });
    if (!departmentExists(tx, body.departmentId)) errors.push({ field: 'departmentId', code: 'unknown', message: 'is not a department of this hospital' });
    assertNoFieldErrors('care.invalid', errors);
    // Reminded the given days before the visit; a visit sooner than that is reminded from today.
    const remindOn = addDays(body.recheckDate, -body.remindDaysBefore);
    const startDate = remindOn < today ? today : remindOn;
    return { ...none, startDate, endDate: startDate, timesOfDay: [body.remindAt], recheckDate: body.recheckDate, recheckDepartmentId: body.departmentId, bring: body.bring ?? null };
  }
  const endDate = body.endDate ?? body.startDate;
  if (endDate < body.startDate) errors.push({ field: 'endDate', code: 'before_start', message: 'is before startDate' });
  else if (endDate < today) errors.push({ field: 'endDate', code: 'in_past', message: 'is before today' });
  else if (addDays(body.startDate, MAX_DAYS) <= endDate) errors.push({ field: 'endDate', code: 'too_long_period', message: `is more than ${MAX_DAYS} days after startDate` });
  assertNoFieldErrors('care.invalid', errors);
  const timesOfDay = [...new Set(body.timesOfDay)].sort();
  if (body.kind === 'medication') return { ...none, startDate: body.startDate, endDate, timesOfDay, drug: body.drug, dose: body.dose };
  return { ...none, startDate: body.startDate, endDate, timesOfDay, text: body.text };
}

export async function listCareReminders(ctx: ServiceContext, query: CareReminderQuery): Promise<{ items: CareReminder[]; nextCursor: string | null }> {
  const actor = authorize(ctx, 'care.reminders.read');
  const before = decodeCursor(query.cursor, 2) as [string, string] | undefined;
  return inTransaction(ctx, (tx) => {
    let departmentId: string | undefined;
    if (query.patientId) {
      const patient = patientForCare(tx, actor, query.patientId);
      if (!patient) throw patientNotFound(query.patientId);
      if (!patient.clinical) throw outsideDepartment();
    } else if (actor.role !== 'admin') {
      // Without a patient: the reminders your department set. Staff without a department see none.
      if (!actor.departmentId) return { items: [], nextCursor: null };
      departmentId = actor.departmentId;
    }
    const rows = repo.listReminders(tx, { patientId: query.patientId, departmentId, status: query.status, before }, query.limit + 1);
    const page = pageOf(rows, query.limit, (r) => [r.createdAt, r.id]);
    audit(tx, ctx, { action: 'care_reminder.list', entityType: 'care_reminder', patientId: query.patientId ?? null, detail: { returned: page.items.length } });
    return { items: page.items.map((r) => view(r, ctx)), nextCursor: page.nextCursor };
  });
}

export async function getCareReminder(ctx: ServiceContext, id: string): Promise<CareReminder> {
  const actor = authorize(ctx, 'care.reminders.read');
  return inTransaction(ctx, (tx) => {
    const row = visibleReminder(tx, actor, id);
    audit(tx, ctx, { action: 'care_reminder.read', entityType: 'care_reminder', entityId: id, patientId: row.patientId });
    return view(row, ctx);
  });
}

/**
 * Ends (the course is over early) or cancels (it was a mistake) a reminder: no further occurrences are queued, and
 * those already queued are cancelled in the same transaction; messaging's send check catches any still in flight.
 */
export async function closeCareReminder(ctx: ServiceContext, outbox: CareOutbox, id: string, status: 'ended' | 'cancelled', body: CloseCareReminderBody): Promise<CareReminder> {
  const actor = authorize(ctx, 'care.reminders.write');
  return inTransaction(ctx, (tx) => {
    const row = visibleReminder(tx, actor, id);
    if (row.status !== 'active') throw reminderClosed(row.status);
    repo.closeReminder(tx, id, { status, closedAt: ctx.now.toISOString(), closedBy: actor.id, closeReason: body.reason ?? null });
    const cancelled = outbox.cancelMessages(tx, ctx, { subject: { type: 'care-reminder', id } }, `care reminder ${status}`);
    audit(tx, ctx, { action: `care_reminder.${status === 'ended' ? 'end' : 'cancel'}`, entityType: 'care_reminder', entityId: id, patientId: row.patientId, reason: body.reason ?? null, detail: { cancelledMessages: cancelled } });
    return view(repo.findReminder(tx, id)!, ctx);
  });
}

/** A reminder the actor's department may see (a patient it has seen); anything else is 404, existence included. */
function visibleReminder(tx: Tx, actor: StaffActor, id: string): repo.CareReminderRow {
  const row = repo.findReminder(tx, id);
  if (!row || !patientForCare(tx, actor, row.patientId)?.clinical) throw reminderNotFound(id);
  return row;
}

function view(row: repo.CareReminderRow, ctx: ServiceContext): CareReminder {
  const next = row.status === 'active' ? occurrencesBetween(row, ctx.now, new Date(`${addDays(row.endDate, 2)}T00:00:00Z`), ctx.timeZone)[0] : undefined;
  return {
    id: row.id,
    patientId: row.patientId,
    kind: row.kind,
    status: row.status,
    startDate: row.startDate,
    endDate: row.endDate,
    timesOfDay: row.timesOfDay,
    drug: row.drug,
    dose: row.dose,
    recheckDate: row.recheckDate,
    recheckDepartmentId: row.recheckDepartmentId,
    bring: row.bring,
    text: row.text,
    departmentId: row.departmentId,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    closedAt: row.closedAt,
    closeReason: row.closeReason,
    nextReminderAt: next?.at.toISOString() ?? null,
  };
}

/** How far ahead occurrences are queued, and how late a missed one is still worth sending. */
export const LOOKAHEAD_MS = 24 * 3600_000;
export const GRACE_MS = 30 * 60_000;
const BATCH = 200;

/**
 * The reminders task: queues every occurrence due from a little while ago to a day ahead, each under its dedupe key
 * `care-reminder:<id>:<local date>T<time>`, so running it again (or on two instances) queues nothing twice.
 */
export async function queueDueCareReminders(ctx: ServiceContext, outbox: CareOutbox): Promise<{ reminders: number; queued: number; existing: number }> {
  const from = new Date(ctx.now.getTime() - GRACE_MS);
  const to = new Date(ctx.now.getTime() + LOOKAHEAD_MS);
  const counts = { reminders: 0, queued: 0, existing: 0 };
  counts.reminders = await inBatches(
    ctx,
    BATCH,
    (tx, after) => repo.activeRemindersBetween(tx, localDate(from, ctx.timeZone), localDate(to, ctx.timeZone), after, BATCH),
    (tx, rows) => rows.forEach((row) => queueOccurrences(tx, ctx, outbox, row, from, to, counts)),
  );
  return counts;
}

function queueOccurrences(tx: Tx, ctx: ServiceContext, outbox: CareOutbox, row: repo.CareReminderRow, from: Date, to: Date, counts: { queued: number; existing: number }): void {
  const occurrences = occurrencesBetween(row, from, to, ctx.timeZone);
  if (occurrences.length === 0) return;
  const patient = outreachPatient(tx, row.patientId);
  if (!patient?.active) return;
  let created = 0;
  for (const occurrence of occurrences) {
    const result = outbox.enqueueMessage(tx, ctx, {
      purpose: 'care-reminder',
      category: 'care',
      patientId: row.patientId,
      template: templateOf(row.kind),
      variables: variablesOf(tx, row, patient, occurrence.local.slice(11)),
      scheduledAt: occurrence.at,
      dedupeKey: `care-reminder:${row.id}:${occurrence.local}`,
      subject: { type: 'care-reminder', id: row.id },
    });
    if (result.created) created++;
  }
  counts.queued += created;
  counts.existing += occurrences.length - created;
  if (created > 0) audit(tx, ctx, { action: 'care_reminder.queue', entityType: 'care_reminder', entityId: row.id, patientId: row.patientId, detail: { queued: created } });
}

function templateOf(kind: repo.CareReminderRow['kind']): string {
  return kind === 'medication' ? 'care.medication' : kind === 'recheck' ? 'care.recheck' : 'care.free-text';
}

function variablesOf(tx: Tx, row: repo.CareReminderRow, patient: { name: string; preferredLanguage: 'zh-CN' | 'en' }, time: string): Record<string, string> {
  if (row.kind === 'medication') return { patientName: patient.name, drug: row.drug ?? '', dose: row.dose ?? '', time };
  if (row.kind === 'recheck') {
    const names = row.recheckDepartmentId ? departmentNames(tx, row.recheckDepartmentId) : undefined;
    const department = names ? (patient.preferredLanguage === 'en' ? names.nameEn : names.nameZh) : '';
    const nothing = patient.preferredLanguage === 'en' ? 'your medical record book and ID card' : '病历本和身份证';
    return { patientName: patient.name, date: row.recheckDate ?? '', department, bring: row.bring ?? nothing };
  }
  return { patientName: patient.name, text: row.text ?? '' };
}

/** Timeline and pages: a patient's reminders, newest first (the caller checked the scope). */
export function careRemindersOf(tx: Tx, patientId: string): repo.CareReminderRow[] {
  return repo.remindersOfPatient(tx, patientId);
}
