import type { ServiceContext } from '../../lib/context.js';
import { newId } from '../../lib/ids.js';
import { decodeCursor, encodeCursor } from '../../lib/pagination.js';
import { inTransaction } from '../../lib/transaction.js';
import { audit } from '../audit/audit.service.js';
import { maskPhone, parsePhone } from '../patients/phone.js';
import { contactProfile, patientIdsWithPhone, recordPatientConsent } from '../patients/patients.service.js';
import { authorize, can } from '../staff/permissions.js';
import { classifyInbound, type InboundKind } from './keywords.js';
import { inboundNotFound } from './messaging.errors.js';
import * as repo from './messaging.repository.js';
import type { InboundListQuery, InboundMessage, ResolveInboundBody } from './messaging.schemas.js';
import type { Tx } from '../../../db/client.js';

export interface StatusCallback {
  /** Our outbox id from the callback address; absent on callbacks for messages sent some other way. */
  messageId: string | undefined;
  messageSid: string;
  status: string;
  errorCode: string | undefined;
  /** I-Twilio-Idempotency-Token: the same on every retry of one callback. */
  idempotencyToken: string | undefined;
}

const STATUS_MAP: Record<string, 'sent' | 'delivered' | 'undelivered' | 'failed' | undefined> = {
  sent: 'sent',
  delivered: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
};

/** `unknown`: neither our id nor the SID names a message of ours; Twilio gets a clear 404. */
export function recordDeliveryStatus(ctx: ServiceContext, callback: StatusCallback): 'applied' | 'unchanged' | 'repeat' | 'unknown' {
  return inTransaction(ctx, (tx) => {
    const row = (callback.messageId ? repo.findMessage(tx, callback.messageId) : undefined) ?? repo.findByProviderId(tx, callback.messageSid);
    if (!row || (row.providerId && row.providerId !== callback.messageSid)) return 'unknown';
    if (callback.idempotencyToken && !repo.rememberWebhookToken(tx, callback.idempotencyToken, ctx.now.toISOString())) return 'repeat';
    const status = STATUS_MAP[callback.status];
    // queued/accepted/sending from Twilio say nothing our own `sending`/`sent` does not.
    if (!status) return 'unchanged';
    const applied = repo.applyDeliveryStatus(tx, row.id, { status, providerId: callback.messageSid, code: callback.errorCode ?? null, nowIso: ctx.now.toISOString() });
    return applied ? 'applied' : 'unchanged';
  });
}

export interface InboundSms {
  messageSid: string;
  from: string;
  body: string;
  idempotencyToken: string | undefined;
}

/**
 * An SMS from a patient. Keywords act at once for every patient file holding that number (families share phones):
 * STOP words withdraw SMS consent (care and marketing) and cancel queued SMS; START words grant it again; HELP
 * answers with the hospital's contact. Near-misses wait for staff review. Returns the reply text, if any.
 */
export function receiveInboundSms(ctx: ServiceContext, sms: InboundSms): { kind: InboundKind; reply: string | null } {
  return inTransaction(ctx, (tx) => {
    const seen = repo.findInboundByProviderId(tx, sms.messageSid);
    if (seen || (sms.idempotencyToken && !repo.rememberWebhookToken(tx, sms.idempotencyToken, ctx.now.toISOString()))) {
      return { kind: seen?.kind ?? 'other', reply: null };
    }
    const parsed = parsePhone(sms.from);
    const phone = parsed.ok ? parsed.e164 : sms.from;
    const patients = parsed.ok ? patientIdsWithPhone(tx, phone) : [];
    const kind = classifyInbound(sms.body);
    repo.insertInbound(tx, {
      id: newId(),
      providerId: sms.messageSid,
      fromPhone: phone,
      body: sms.body.slice(0, 1600),
      patientId: patients[0] ?? null,
      kind,
      status: kind === 'review' ? 'needs_review' : 'handled',
      receivedAt: ctx.now.toISOString(),
    });
    if (kind === 'opt_out' || kind === 'opt_in') setSmsConsent(tx, ctx, patients, kind === 'opt_in', `SMS "${sms.body.trim().slice(0, 20)}" from ${maskPhone(phone)}`);
    const locale = (patients[0] ? contactProfile(tx, patients[0])?.preferredLanguage : undefined) ?? 'zh-CN';
    const reply =
      kind === 'help'
        ? renderReply(ctx, 'messaging.help', locale, { contact: ctx.messaging.settings.hospitalContact || '如需帮助请致电医院总机' })
        : kind === 'opt_out'
          ? renderReply(ctx, 'messaging.opted-out', locale, {})
          : kind === 'opt_in'
            ? renderReply(ctx, 'messaging.opted-in', locale, {})
            : null;
    return { kind, reply };
  });
}

function setSmsConsent(tx: Tx, ctx: ServiceContext, patientIds: string[], granted: boolean, detail: string): void {
  for (const patientId of patientIds) {
    recordPatientConsent(tx, ctx, patientId, [{ channel: 'sms', purpose: 'care', granted }, { channel: 'sms', purpose: 'marketing', granted }], { method: 'sms_reply', detail });
    if (!granted) repo.cancelQueued(tx, { patientId, channel: 'sms' }, 'the patient replied STOP', ctx.now.toISOString());
  }
}

function renderReply(ctx: ServiceContext, name: string, locale: 'zh-CN' | 'en', variables: Record<string, string>): string | null {
  const template = ctx.templates.find(name, locale);
  const rendered = template ? ctx.templates.render(template, variables) : null;
  return rendered && !('problems' in rendered) ? rendered.body : null;
}

export async function listInboundMessages(ctx: ServiceContext, query: InboundListQuery): Promise<{ items: InboundMessage[]; nextCursor: string | null }> {
  const actor = authorize(ctx, 'messages.review');
  const before = decodeCursor(query.cursor, 2) as [string, string] | undefined;
  return inTransaction(ctx, (tx) => {
    const rows = repo.listInbound(tx, query.status, before, query.limit + 1);
    const items = rows.slice(0, query.limit).map((r) => toInbound(r, can(actor.role, 'patients.contact')));
    audit(tx, ctx, { action: 'message.inbound.list', entityType: 'inbound_message', detail: { status: query.status, returned: items.length } });
    const last = items.at(-1);
    return { items, nextCursor: rows.length > query.limit && last ? encodeCursor([last.receivedAt, last.id]) : null };
  });
}

/** A person's decision on a near-miss: an opt-out is recorded exactly as a STOP keyword would have been. */
export async function resolveInboundMessage(ctx: ServiceContext, id: string, body: ResolveInboundBody): Promise<InboundMessage> {
  const actor = authorize(ctx, 'messages.review');
  return inTransaction(ctx, (tx) => {
    const row = repo.findInbound(tx, id);
    if (!row || !repo.resolveInbound(tx, id, { reviewedBy: actor.username, reviewedAt: ctx.now.toISOString(), resolution: body.resolution })) throw inboundNotFound(id);
    if (body.resolution === 'opt_out') setSmsConsent(tx, ctx, patientIdsWithPhone(tx, row.fromPhone), false, `staff review of an SMS from ${maskPhone(row.fromPhone)}`);
    audit(tx, ctx, { action: 'message.inbound.resolve', entityType: 'inbound_message', entityId: id, patientId: row.patientId, detail: { resolution: body.resolution } });
    return toInbound(repo.findInbound(tx, id)!, can(actor.role, 'patients.contact'));
  });
}

function toInbound(row: repo.InboundRow, contact: boolean): InboundMessage {
  return {
    id: row.id,
    from: contact ? row.fromPhone : maskPhone(row.fromPhone),
    body: row.body,
    patientId: row.patientId,
    kind: row.kind,
    status: row.status,
    receivedAt: row.receivedAt,
    reviewedBy: row.reviewedBy,
    reviewedAt: row.reviewedAt,
    resolution: row.resolution,
  };
}

/** Inbound SMS that matched no keyword since an instant: the questions patients text the hospital (consultations take them up). */
export function inboundQuestionsSince(tx: Tx, since: string, limit: number): { id: string; fromPhone: string; body: string; patientId: string | null; receivedAt: string }[] {
  return repo.inboundOtherSince(tx, since, limit).map((r) => ({ id: r.id, fromPhone: r.fromPhone, body: r.body, patientId: r.patientId, receivedAt: r.receivedAt }));
}
