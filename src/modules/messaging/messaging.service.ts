import { z } from 'zod';
import type { Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import { newId } from '../../lib/ids.js';
import { decodeCursor, encodeCursor } from '../../lib/pagination.js';
import { inTransaction } from '../../lib/transaction.js';
import { audit } from '../audit/audit.service.js';
import { maskEmail, maskPhone, parsePhone } from '../patients/phone.js';
import { contactProfile, type ContactProfile } from '../patients/patients.service.js';
import { patientNotFound } from '../patients/patients.errors.js';
import { authorize, can } from '../staff/permissions.js';
import { badVariables, EMAIL_MAX_BYTES, emailTooLarge, invalidRecipient, messageNotFound, notCancellable, tooLong, unknownTemplate } from './messaging.errors.js';
import * as repo from './messaging.repository.js';
import type { Message, MessageListQuery } from './messaging.schemas.js';
import { countSegments } from './segments.js';
import type { Rendered, TemplateLocale } from './templates.js';

export type { SendCheck } from './send-checks.js';
export { dispatchDueMessages, type DispatchOptions, type DispatchReport } from './dispatcher.js';

export type MessageChannel = 'sms' | 'email';
/** The consent purpose a message falls under. */
export type MessageCategory = 'care' | 'marketing';

export interface EnqueueMessage {
  /** Why it is sent: care-reminder, birthday, festival, campaign, appointment-reminder … */
  purpose: string;
  category: MessageCategory;
  patientId: string;
  /** Template name (care.birthday), rendered now in the patient's preferred language. */
  template: string;
  variables: Record<string, string>;
  scheduledAt: Date;
  /** Unique; a second enqueue with the same key returns the first message and changes nothing. */
  dedupeKey: string;
  /** Omitted: the patient's preference if consented, else SMS, else e-mail. */
  channel?: MessageChannel;
  /** Urgent messages go out in quiet hours too. */
  urgent?: boolean;
  /** What the message is about, for the send-time re-check (SendCheck registered on its type). */
  subject?: { type: string; id: string };
}

export interface MessageSubject {
  type: string;
  id: string;
}

export interface MessageCounts {
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  optedOut: number;
  cancelled: number;
}

/** Messages of one subject (a campaign) by outcome, for its report; held sandbox messages count as queued. */
export function messageCountsBySubject(tx: Tx, subject: MessageSubject): MessageCounts {
  const counts: MessageCounts = { queued: 0, sent: 0, delivered: 0, failed: 0, optedOut: 0, cancelled: 0 };
  const bucket: Record<string, keyof MessageCounts> = { queued: 'queued', sending: 'queued', held: 'queued', sent: 'sent', delivered: 'delivered', failed: 'failed', undelivered: 'failed', cancelled: 'cancelled' };
  for (const row of repo.countsAbout(tx, subject.type, subject.id)) {
    const key = row.optedOut ? 'optedOut' : bucket[row.status];
    if (key) counts[key] += row.n;
  }
  return counts;
}

const emailAddress = z.email();

/**
 * Queues a message inside the caller's transaction: it commits with the booking, reminder or campaign that caused
 * it, or not at all. Nothing is sent here (better-sqlite3 transactions are synchronous); the dispatcher sends.
 * A patient without a consented, valid channel gets a cancelled row saying why (a campaign report counts those);
 * an explicitly asked channel with an invalid address, unknown template, wrong variables or oversized text throw.
 */
export function enqueueMessage(tx: Tx, ctx: ServiceContext, message: EnqueueMessage): { id: string; status: string; created: boolean } {
  const existing = repo.findByDedupeKey(tx, message.dedupeKey);
  if (existing) return { ...existing, created: false };
  const profile = contactProfile(tx, message.patientId);
  if (!profile) throw patientNotFound(message.patientId);
  const locale: TemplateLocale = profile.preferredLanguage;
  const template = ctx.templates.find(message.template, locale);
  if (!template) throw unknownTemplate(message.template);

  const choice = chooseChannel(profile, message.category, message.channel ?? template.channel);
  const filled = ctx.templates.render(template, message.variables);
  if ('problems' in filled) throw badVariables(message.template, filled.problems);
  // Marketing SMS must say how to opt out (and the words are the keywords the inbound webhook honours).
  const rendered = choice.channel === 'sms' && message.category === 'marketing' ? withOptOutHint(filled, locale) : filled;
  if (choice.channel === 'sms' && rendered.sms.segments > ctx.messaging.settings.smsMaxSegments) {
    throw tooLong(message.template, rendered.sms.segments, ctx.messaging.settings.smsMaxSegments);
  }
  const bytes = Buffer.byteLength(rendered.body);
  if (choice.channel === 'email' && bytes > EMAIL_MAX_BYTES) throw emailTooLarge(message.template, bytes);

  const id = newId();
  const nowIso = ctx.now.toISOString();
  const scheduledAt = message.scheduledAt.toISOString();
  const status = choice.cancelled ? 'cancelled' : 'queued';
  repo.insertMessage(tx, {
    id,
    dedupeKey: message.dedupeKey,
    patientId: message.patientId,
    purpose: message.purpose,
    category: message.category,
    channel: choice.channel,
    template: message.template,
    locale,
    recipient: choice.recipient,
    subjectLine: choice.channel === 'email' ? (rendered.subjectLine ?? message.template) : null,
    body: rendered.body,
    segments: choice.channel === 'sms' ? rendered.sms.segments : 1,
    aboutType: message.subject?.type ?? null,
    aboutId: message.subject?.id ?? null,
    urgent: message.urgent ?? false,
    status,
    scheduledAt,
    dueAt: scheduledAt,
    attempts: 0,
    errorCode: choice.cancelled ? 'no_consent' : null,
    error: choice.cancelled,
    createdAt: nowIso,
    updatedAt: nowIso,
  });
  audit(tx, ctx, { action: 'message.enqueue', entityType: 'message', entityId: id, patientId: message.patientId, detail: { purpose: message.purpose, channel: choice.channel, status } });
  return { id, status, created: true };
}

const OPT_OUT_HINT: Record<TemplateLocale, string> = { 'zh-CN': ' 回复TD退订', en: ' Reply STOP to opt out' };

function withOptOutHint(rendered: Rendered, locale: TemplateLocale): Rendered {
  const body = rendered.body + OPT_OUT_HINT[locale];
  return { ...rendered, body, sms: countSegments(body) };
}

type ChannelChoice = { channel: MessageChannel; recipient: string | null; cancelled: string | null };

/** Preference first, then SMS, then e-mail; the first with consent for this purpose and a usable address wins. */
function chooseChannel(profile: ContactProfile, category: MessageCategory, asked: MessageChannel | undefined): ChannelChoice {
  if (asked) {
    const address = addressFor(profile, asked);
    if (!address.ok) throw invalidRecipient(asked, address.why);
    const consented = profile.consents.has(`${asked}:${category}`);
    return { channel: asked, recipient: address.value, cancelled: consented ? null : `no ${category} consent for ${asked}` };
  }
  const preferred = profile.preferredChannel === 'email' || profile.preferredChannel === 'sms' ? [profile.preferredChannel] : [];
  const order = [...new Set<MessageChannel>([...preferred, 'sms', 'email'])];
  for (const channel of order) {
    const address = addressFor(profile, channel);
    if (address.ok && profile.consents.has(`${channel}:${category}`)) return { channel, recipient: address.value, cancelled: null };
  }
  return { channel: order[0]!, recipient: null, cancelled: `no channel with ${category} consent and a valid address` };
}

function addressFor(profile: ContactProfile, channel: MessageChannel): { ok: true; value: string } | { ok: false; why: string } {
  if (channel === 'sms') {
    if (!profile.phone) return { ok: false, why: 'no phone number on file' };
    const parsed = parsePhone(profile.phone);
    if (!parsed.ok) return { ok: false, why: `the phone number ${parsed.message}` };
    if (parsed.kind === 'landline') return { ok: false, why: 'the phone number on file is a landline, which cannot receive SMS' };
    return { ok: true, value: parsed.e164 };
  }
  if (!profile.email) return { ok: false, why: 'no e-mail address on file' };
  if (!emailAddress.safeParse(profile.email).success) return { ok: false, why: 'the e-mail address on file is not valid' };
  return { ok: true, value: profile.email };
}

/** Cancels queued messages matching every given filter field (at least one); returns how many. */
export function cancelMessages(
  tx: Tx,
  ctx: ServiceContext,
  filter: { subject?: { type: string; id: string }; patientId?: string; channel?: MessageChannel },
  reason: string,
): number {
  if (!filter.subject && !filter.patientId) throw new Error('cancelMessages: give a subject or a patient');
  const n = repo.cancelQueued(tx, { aboutType: filter.subject?.type, aboutId: filter.subject?.id, patientId: filter.patientId, channel: filter.channel }, reason, ctx.now.toISOString());
  if (n > 0) audit(tx, ctx, { action: 'message.cancel', entityType: 'message', patientId: filter.patientId ?? null, reason, detail: { count: n, subject: filter.subject ?? null, channel: filter.channel ?? null } });
  return n;
}

export async function listMessages(ctx: ServiceContext, query: MessageListQuery): Promise<{ items: Message[]; nextCursor: string | null; counts: Record<string, number> }> {
  const actor = authorize(ctx, 'messages.read');
  const before = decodeCursor(query.cursor, 2) as [string, string] | undefined;
  const contact = can(actor.role, 'patients.contact');
  return inTransaction(ctx, (tx) => {
    const rows = repo.listMessages(tx, query, before, query.limit + 1);
    const items = rows.slice(0, query.limit).map((r) => toMessage(r, contact));
    audit(tx, ctx, { action: 'message.list', entityType: 'message', patientId: query.patientId ?? null, detail: { filter: { ...query, cursor: undefined }, returned: items.length } });
    const last = items.at(-1);
    return { items, nextCursor: rows.length > query.limit && last ? encodeCursor([last.createdAt, last.id]) : null, counts: repo.countByStatus(tx) };
  });
}

export async function cancelMessage(ctx: ServiceContext, id: string, reason: string): Promise<Message> {
  const actor = authorize(ctx, 'messages.cancel');
  return inTransaction(ctx, (tx) => {
    const row = repo.findMessage(tx, id);
    if (!row) throw messageNotFound(id);
    if (row.status !== 'queued' || !repo.cancelOne(tx, id, reason, ctx.now.toISOString())) throw notCancellable(id, row.status);
    audit(tx, ctx, { action: 'message.cancel', entityType: 'message', entityId: id, patientId: row.patientId, reason });
    return toMessage(repo.findMessage(tx, id)!, can(actor.role, 'patients.contact'));
  });
}

export function toMessage(row: repo.MessageRow, contact: boolean): Message {
  const recipient = row.recipient && !contact ? (row.channel === 'sms' ? maskPhone(row.recipient) : maskEmail(row.recipient)) : row.recipient;
  return {
    id: row.id,
    patientId: row.patientId,
    purpose: row.purpose,
    category: row.category,
    channel: row.channel,
    template: row.template,
    locale: row.locale,
    recipient,
    subjectLine: row.subjectLine,
    body: row.body,
    segments: row.segments,
    urgent: row.urgent,
    status: row.status,
    scheduledAt: row.scheduledAt,
    dueAt: row.dueAt,
    attempts: row.attempts,
    provider: row.provider,
    providerId: row.providerId,
    errorCode: row.errorCode,
    error: row.error,
    createdAt: row.createdAt,
    sentAt: row.sentAt,
    deliveredAt: row.deliveredAt,
  };
}
