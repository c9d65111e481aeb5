import { z } from 'zod';
import { PageQuery } from '../../lib/pagination.js';

export const MESSAGE_STATUSES = ['queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'cancelled', 'held'] as const;

export const MessageListQuery = PageQuery.extend({
  status: z.enum(MESSAGE_STATUSES).optional(),
  channel: z.enum(['sms', 'email']).optional(),
  purpose: z.string().max(64).optional(),
  patientId: z.string().max(64).optional(),
}).strict();
export type MessageListQuery = z.infer<typeof MessageListQuery>;

export const Message = z
  .object({
    id: z.string(),
    patientId: z.string(),
    purpose: z.string(),
    category: z.enum(['care', 'marketing']),
    channel: z.enum(['sms', 'email']),
    template: z.string(),
    locale: z.enum(['zh-CN', 'en']),
    recipient: z.string().nullable().describe('Masked unless your role may see contact details'),
    subjectLine: z.string().nullable(),
    body: z.string(),
    segments: z.number().int().describe('SMS segments (GSM-7 160/153, UCS-2 70/67); 1 for e-mail'),
    urgent: z.boolean(),
    status: z.enum(MESSAGE_STATUSES).describe('held: kept by the sandbox channel, never sent'),
    scheduledAt: z.string(),
    dueAt: z.string(),
    attempts: z.number().int(),
    provider: z.string().nullable(),
    providerId: z.string().nullable(),
    errorCode: z.string().nullable(),
    error: z.string().nullable().describe('Why it failed or was cancelled'),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
  })
  .meta({ id: 'Message' });
export type Message = z.infer<typeof Message>;

export const MessagePage = z.object({
  items: z.array(Message),
  nextCursor: z.string().nullable(),
  counts: z.record(z.string(), z.number().int()).describe('Messages per status, whole outbox'),
});

export const MessageIdParams = z.object({ id: z.string().min(1).max(64) });
export const CancelMessageBody = z.object({ reason: z.string().trim().min(1).max(200) }).strict();

export const InboundListQuery = PageQuery.extend({ status: z.enum(['handled', 'needs_review', 'reviewed']).default('needs_review') }).strict();
export type InboundListQuery = z.infer<typeof InboundListQuery>;

export const InboundMessage = z.object({
  id: z.string(),
  from: z.string().describe('Masked unless your role may see contact details'),
  body: z.string(),
  patientId: z.string().nullable(),
  kind: z.enum(['opt_out', 'opt_in', 'help', 'review', 'other']),
  status: z.enum(['handled', 'needs_review', 'reviewed']),
  receivedAt: z.string(),
  reviewedBy: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  resolution: z.string().nullable(),
});
export type InboundMessage = z.infer<typeof InboundMessage>;
export const InboundPage = z.object({ items: z.array(InboundMessage), nextCursor: z.string().nullable() });

export const ResolveInboundBody = z
  .object({ resolution: z.enum(['opt_out', 'no_action']).describe('opt_out records an SMS opt-out for the sender and cancels their queued SMS') })
  .strict();
export type ResolveInboundBody = z.infer<typeof ResolveInboundBody>;
