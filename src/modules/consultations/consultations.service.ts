import type { Tx } from '../../../db/client.js';
import { addDays, startOfLocalDay } from '../../lib/clock.js';
import type { ServiceContext } from '../../lib/context.js';
import { Invalid } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { limitPublicForm } from '../../lib/public-form-limit.js';
import { decodeCursor, pageOf } from '../../lib/pagination.js';
import { inReadSnapshot, inTransaction } from '../../lib/transaction.js';
import { auditRead } from '../audit/audit.reads.js';
import { audit } from '../audit/audit.service.js';
import { inboundQuestionsSince } from '../messaging/messaging.inbound.js';
import { enqueueMessage } from '../messaging/messaging.service.js';
import { patientNotFound } from '../patients/patients.errors.js';
import { patientIdsWithPhone, patientRef } from '../patients/patients.service.js';
import { phoneOrInvalid } from '../patients/phone.js';
import { authorize } from '../staff/permissions.js';
import { automaticAnswer } from './automatic-answers.js';
import { alreadyAnswered, articleNotFound, consultationNotFound, noCallback, stale, unknownCategory } from './consultations.errors.js';
import * as repo from './consultations.repository.js';
import type {
  AnswerConsultationBody,
  CallbackOutcomeBody,
  Consultation,
  ConsultationListQuery,
  CreateConsultationBody,
  PublicQuestionForm,
} from './consultations.schemas.js';

export function toConsultation(row: repo.ConsultationRow): Consultation {
  const { updatedAt: _u, email: _e, conversionCheckedAt: _c, replyAttempts: _a, replyDueAt: _d, replyError: _r, replyProviderId: _p, replySentAt: _s, ...rest } = row;
  return rest;
}

export function categories(ctx: Pick<ServiceContext, 'callcentre'>): string[] {
  return ctx.callcentre.settings.consultationCategories;
}

export function checkCategory(ctx: Pick<ServiceContext, 'callcentre'>, category: string): void {
  const known = categories(ctx);
  if (!known.includes(category)) throw unknownCategory(category, known);
}

function e164(field: string, input: string | undefined): string | null {
  if (input === undefined || input.trim() === '') return null;
  return phoneOrInvalid(input, field, 'consultations.bad_phone').e164;
}

/** An agent (or the front desk) logs a question and, usually, the answer given on the spot. */
export async function createConsultation(ctx: ServiceContext, body: CreateConsultationBody): Promise<Consultation> {
  const actor = authorize(ctx, 'consultations.write');
  checkCategory(ctx, body.category);
  const phone = e164('phone', body.phone);
  const callbackDue = body.callbackDueAt
    ? new Date(body.callbackDueAt).toISOString()
    : body.callback
      ? new Date(ctx.now.getTime() + ctx.callcentre.settings.callbackAfterHours * 3_600_000).toISOString()
      : null;
  return inTransaction(ctx, (tx) => {
    if (body.patientId && !patientRef(tx, body.patientId)) throw patientNotFound(body.patientId);
    const article = body.articleVersionId ? repo.articleVersion(tx, body.articleVersionId) : undefined;
    if (body.articleVersionId && !article) throw articleNotFound(body.articleVersionId);
    // Choosing a standard answer without typing one gives the caller that answer.
    const answer = body.answer ?? article?.body ?? null;
    const id = newId();
    const now = ctx.now.toISOString();
    repo.insertConsultation(tx, {
      id,
      channel: body.channel,
      category: body.category,
      question: body.question,
      answer,
      articleVersionId: body.articleVersionId ?? null,
      automatic: false,
      status: answer ? 'answered' : 'open',
      agentId: actor.id,
      durationSeconds: body.durationSeconds ?? null,
      patientId: body.patientId ?? null,
      phone,
      callbackDueAt: callbackDue,
      callbackReason: callbackDue ? 'requested' : null,
      conversion: 'pending',
      createdAt: now,
      updatedAt: now,
    });
    audit(tx, ctx, { action: 'consultation.create', entityType: 'consultation', entityId: id, patientId: body.patientId ?? null, detail: { channel: body.channel, category: body.category } });
    return toConsultation(repo.findConsultation(tx, id)!);
  });
}

export async function answerConsultation(ctx: ServiceContext, id: string, body: AnswerConsultationBody): Promise<Consultation> {
  const actor = authorize(ctx, 'consultations.write');
  return inTransaction(ctx, (tx) => {
    const row = repo.findConsultation(tx, id);
    if (!row) throw consultationNotFound(id);
    if (row.version !== body.version) throw stale('consultations', body.version, row.version);
    if (row.status === 'answered') throw alreadyAnswered(id);
    if (body.articleVersionId && !repo.articleVersion(tx, body.articleVersionId)) throw articleNotFound(body.articleVersionId);
    const replyMessageId = row.patientId && row.replyChannel ? replyToPatient(tx, ctx, row, body.answer) : null;
    repo.updateConsultationAtVersion(tx, id, row.version, {
      answer: body.answer,
      articleVersionId: body.articleVersionId ?? null,
      status: 'answered',
      agentId: actor.id,
      replyMessageId,
      updatedAt: ctx.now.toISOString(),
    });
    audit(tx, ctx, { action: 'consultation.answer', entityType: 'consultation', entityId: id, patientId: row.patientId, detail: { replied: replyMessageId !== null } });
    return toConsultation(repo.findConsultation(tx, id)!);
  });
}

export async function getConsultation(ctx: ServiceContext, id: string): Promise<Consultation> {
  authorize(ctx, 'consultations.read');
  const row = inReadSnapshot(ctx, (tx) => repo.findConsultation(tx, id));
  if (!row) throw consultationNotFound(id);
  await auditRead(ctx, { action: 'consultation.read', entityType: 'consultation', entityId: id, patientId: row.patientId });
  return toConsultation(row);
}

export async function listConsultations(ctx: ServiceContext, query: ConsultationListQuery): Promise<{ items: Consultation[]; nextCursor: string | null }> {
  authorize(ctx, 'consultations.read');
  const beforeId = decodeCursor(query.cursor, 1)?.[0] as string | undefined;
  const rows = inReadSnapshot(ctx, (tx) => repo.listConsultations(tx, { patientId: query.patientId, status: query.status, beforeId }, query.limit + 1));
  await auditRead(ctx, { action: 'consultation.list', entityType: 'consultation', patientId: query.patientId ?? null, detail: { returned: Math.min(rows.length, query.limit) } });
  return pageOf(rows.map(toConsultation), query.limit, (c) => [c.id]);
}

/** 咨询后未来院 and requested call-backs, due first. */
export async function callbackList(ctx: ServiceContext, query: { limit: number; cursor?: string | undefined }): Promise<{ items: Consultation[]; nextCursor: string | null }> {
  authorize(ctx, 'consultations.read');
  const after = decodeCursor(query.cursor, 2) as [string, string] | undefined;
  const rows = inReadSnapshot(ctx, (tx) => repo.openCallbacks(tx, after, query.limit + 1));
  await auditRead(ctx, { action: 'consultation.callbacks.read', entityType: 'consultation', detail: { returned: Math.min(rows.length, query.limit) } });
  return pageOf(rows.map(toConsultation), query.limit, (c) => [c.callbackDueAt ?? '', c.id]);
}

export async function recordCallbackOutcome(ctx: ServiceContext, id: string, body: CallbackOutcomeBody): Promise<Consultation> {
  authorize(ctx, 'consultations.write');
  return inTransaction(ctx, (tx) => {
    const row = repo.findConsultation(tx, id);
    if (!row) throw consultationNotFound(id);
    if (row.version !== body.version) throw stale('consultations', body.version, row.version);
    if (!row.callbackDueAt || row.callbackDoneAt) throw noCallback(id);
    const now = ctx.now.toISOString();
    repo.updateConsultationAtVersion(tx, id, row.version, { callbackDoneAt: now, callbackOutcome: body.outcome, callbackNote: body.note ?? null, updatedAt: now });
    audit(tx, ctx, { action: 'consultation.callback', entityType: 'consultation', entityId: id, patientId: row.patientId, detail: { outcome: body.outcome } });
    return toConsultation(repo.findConsultation(tx, id)!);
  });
}

/**
 * The conversion job: a consultation older than the configured days is converted if its patient visited or booked
 * since (every registered visit source is asked); otherwise it goes on the call-back list. Decided once.
 */
export function decideConversions(ctx: ServiceContext, batch = 500): { converted: number; notConverted: number } {
  const cutoff = new Date(ctx.now.getTime() - ctx.callcentre.settings.conversionDays * 86_400_000).toISOString();
  let converted = 0;
  let notConverted = 0;
  for (;;) {
    const done = inTransaction(ctx, (tx) => {
      const rows = repo.pendingConversions(tx, cutoff, batch);
      const now = ctx.now.toISOString();
      for (const row of rows) {
        const visited = row.patientId !== null && ctx.callcentre.visitSources.some((s) => s.visitedOrBookedSince(tx, row.patientId!, row.createdAt));
        const changes = visited
          ? { conversion: 'converted' as const }
          : { conversion: 'not_converted' as const, ...(row.callbackDueAt || (!row.patientId && !row.phone) ? {} : { callbackDueAt: now, callbackReason: 'not_converted' as const }) };
        repo.updateConsultationAtVersion(tx, row.id, row.version, { ...changes, conversionCheckedAt: now, updatedAt: now });
        if (visited) converted++;
        else notConverted++;
      }
      if (rows.length > 0) audit(tx, ctx, { action: 'consultation.conversion', entityType: 'consultation', detail: { decided: rows.length } });
      return rows.length < batch;
    });
    if (done) return { converted, notConverted };
  }
}

export async function conversionStats(ctx: ServiceContext, query: { from: string; to: string }): Promise<{ from: string; to: string; total: number; converted: number; notConverted: number; pending: number; rate: number | null }> {
  authorize(ctx, 'consultations.read');
  if (query.to < query.from) throw new Invalid('consultations.bad_period', 'to is before from', [{ field: 'to', code: 'before_from', message: 'must not be before from' }]);
  const from = startOfLocalDay(query.from, ctx.timeZone).toISOString();
  const to = startOfLocalDay(addDays(query.to, 1), ctx.timeZone).toISOString();
  const counts = inReadSnapshot(ctx, (tx) => repo.conversionCounts(tx, from, to));
  const n = (k: string) => counts.find((c) => c.conversion === k)?.n ?? 0;
  const converted = n('converted');
  const notConverted = n('not_converted');
  return { from: query.from, to: query.to, total: converted + notConverted + n('pending'), converted, notConverted, pending: n('pending'), rate: converted + notConverted > 0 ? converted / (converted + notConverted) : null };
}

function replyToPatient(tx: Tx, ctx: ServiceContext, row: repo.ConsultationRow, answer: string): string | null {
  const sent = enqueueMessage(tx, ctx, {
    purpose: 'consultation-answer',
    category: 'care',
    patientId: row.patientId!,
    template: 'consultations.answer',
    variables: { question: row.question.slice(0, 60), answer },
    scheduledAt: ctx.now,
    dedupeKey: `consultation-answer:${row.id}`,
    ...(row.replyChannel ? { channel: row.replyChannel } : {}),
    subject: { type: 'consultation', id: row.id },
  });
  return sent.status === 'cancelled' ? null : sent.id;
}

const FORM = 'consultation-question';

/**
 * How an automatic answer reaches the person: through the outbox when the number or address is a patient's (an
 * outbox row that consent cancels leaves it to an agent's call-back); directly when there is no patient file
 * (sendDirectReplies); a number shared by several files goes to an agent's call-back. Changes to apply to the
 * new consultation row.
 */
function deliver(tx: Tx, ctx: ServiceContext, row: repo.ConsultationRow, answer: string): Partial<repo.ConsultationRow> {
  const now = ctx.now.toISOString();
  // A number on several files is no stranger's: which patient's consent applies is for an agent to find out.
  if (!row.patientId && row.phone && patientIdsWithPhone(tx, row.phone).length > 0) return { callbackDueAt: now, callbackReason: 'requested' };
  if (!row.patientId) return { replyStatus: 'queued', replyDueAt: now };
  const replyMessageId = replyToPatient(tx, ctx, row, answer);
  return replyMessageId ? { replyMessageId } : { callbackDueAt: now, callbackReason: 'requested' };
}

/**
 * A patient's question from the public web form. Hospital-information questions (address, departments, a doctor's
 * sessions and free places) are answered at once, from the live schedule or the knowledge base, and marked
 * automatic; anything else waits for an agent.
 */
export async function askFromWeb(ctx: ServiceContext, form: PublicQuestionForm, ip: string): Promise<{ id: string; automatic: boolean; answer: string | null }> {
  checkCategory(ctx, form.category);
  const phone = e164('phone', form.phone);
  const email = form.email?.trim() ? form.email.trim() : null;
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new Invalid('consultations.bad_email', 'email is not an e-mail address', [{ field: 'email', code: 'invalid_email', message: 'is not an e-mail address' }]);
  if (form.replyChannel === 'sms' && !phone) throw new Invalid('consultations.reply_address', 'give a phone number for an answer by SMS', [{ field: 'phone', code: 'required', message: 'is needed for an answer by SMS' }]);
  if (form.replyChannel === 'email' && !email) throw new Invalid('consultations.reply_address', 'give an e-mail address for an answer by e-mail', [{ field: 'email', code: 'required', message: 'is needed for an answer by e-mail' }]);
  return inTransaction(ctx, (tx) => {
    limitPublicForm(tx, ctx, { form: FORM, ip, perHour: ctx.callcentre.settings.publicFormPerHour, code: 'consultations.rate_limited', detail: 'Too many questions from this address; please try again in an hour or call the hospital.' });
    const owners = phone ? patientIdsWithPhone(tx, phone) : [];
    const patientId = owners.length === 1 ? owners[0]! : null;
    const answer = automaticAnswer(tx, ctx, form.question, form.category);
    const id = newId();
    const now = ctx.now.toISOString();
    repo.insertConsultation(tx, {
      id,
      channel: 'web',
      category: form.category,
      question: form.question,
      answer: answer?.text ?? null,
      automatic: answer !== undefined,
      articleVersionId: answer?.articleVersionId ?? null,
      status: answer ? 'answered' : 'open',
      patientId,
      phone,
      email,
      replyChannel: form.replyChannel,
      conversion: 'pending',
      createdAt: now,
      updatedAt: now,
    });
    const row = repo.findConsultation(tx, id)!;
    if (answer) repo.updateConsultationAtVersion(tx, id, row.version, { ...deliver(tx, ctx, row, answer.text), updatedAt: now });
    audit(tx, ctx, { action: 'consultation.ask', entityType: 'consultation', entityId: id, patientId, detail: { automatic: answer !== undefined, category: form.category, live: answer !== undefined && answer.articleVersionId === null } });
    return { id, automatic: answer !== undefined, answer: answer?.text ?? null };
  });
}

/**
 * Questions texted to the hospital (inbound SMS that were no keyword) become consultations, each once. One about
 * hospital information is answered at once (live schedule or knowledge base), marked automatic, also for numbers
 * without a patient file; the rest wait for an agent.
 */
export function takeSmsQuestions(ctx: ServiceContext, lookbackHours = 24): { automatic: number; forAgents: number } {
  const since = new Date(ctx.now.getTime() - lookbackHours * 3_600_000).toISOString();
  return inTransaction(ctx, (tx) => {
    let automatic = 0;
    let forAgents = 0;
    for (const sms of inboundQuestionsSince(tx, since, 500)) {
      if (repo.takenSourceMessage(tx, sms.id)) continue;
      const answer = automaticAnswer(tx, ctx, sms.body);
      const id = newId();
      const now = ctx.now.toISOString();
      repo.insertConsultation(tx, {
        id,
        channel: 'sms',
        category: answer?.category ?? 'other',
        question: sms.body,
        answer: answer?.text ?? null,
        automatic: answer !== undefined,
        articleVersionId: answer?.articleVersionId ?? null,
        status: answer ? 'answered' : 'open',
        patientId: sms.patientId,
        phone: sms.fromPhone,
        replyChannel: 'sms',
        sourceMessageId: sms.id,
        conversion: 'pending',
        createdAt: sms.receivedAt,
        updatedAt: now,
      });
      if (answer) repo.updateConsultationAtVersion(tx, id, 1, { ...deliver(tx, ctx, repo.findConsultation(tx, id)!, answer.text), updatedAt: now });
      audit(tx, ctx, { action: 'consultation.sms', entityType: 'consultation', entityId: id, patientId: sms.patientId, detail: { automatic: answer !== undefined } });
      if (answer) automatic++;
      else forAgents++;
    }
    return { automatic, forAgents };
  });
}
