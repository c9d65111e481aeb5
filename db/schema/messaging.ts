import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { patients } from './patients.js';

/**
 * The outbox. A service writes a row inside its own transaction (rendered, addressed, with a unique dedupe key);
 * the dispatcher claims due rows under a lease, sends after commit and records the outcome. `sending` is written
 * durably before the provider is called, so a crash leaves a row that is retried with the same idempotency token.
 */
export const messages = sqliteTable(
  'messages',
  {
    id: text('id').primaryKey(),
    dedupeKey: text('dedupe_key').notNull(),
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    purpose: text('purpose').notNull(),
    category: text('category', { enum: ['care', 'marketing'] }).notNull(),
    channel: text('channel', { enum: ['sms', 'email'] }).notNull(),
    template: text('template').notNull(),
    locale: text('locale', { enum: ['zh-CN', 'en'] }).notNull(),
    /** E.164 phone or e-mail address, taken from the patient file when queued. */
    recipient: text('recipient'),
    subjectLine: text('subject_line'),
    body: text('body').notNull(),
    segments: integer('segments').notNull().default(1),
    aboutType: text('about_type'),
    aboutId: text('about_id'),
    urgent: integer('urgent', { mode: 'boolean' }).notNull().default(false),
    status: text('status', { enum: ['queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'cancelled', 'held'] }).notNull(),
    scheduledAt: text('scheduled_at').notNull(),
    /** When the dispatcher may next pick the row: scheduledAt, then the backoff after a transient error. */
    dueAt: text('due_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    leaseUntil: text('lease_until'),
    leaseOwner: text('lease_owner'),
    provider: text('provider'),
    providerId: text('provider_id'),
    errorCode: text('error_code'),
    error: text('error'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    sentAt: text('sent_at'),
    deliveredAt: text('delivered_at'),
  },
  (t) => [
    uniqueIndex('messages_dedupe_key').on(t.dedupeKey),
    index('messages_due_idx').on(t.status, t.dueAt),
    index('messages_patient_idx').on(t.patientId, t.createdAt),
    index('messages_provider_idx').on(t.providerId),
    index('messages_about_idx').on(t.aboutType, t.aboutId),
    // Statistics count a period's messages by channel, purpose and status from this index alone.
    index('messages_created_idx').on(t.createdAt, t.channel, t.purpose, t.status),
  ],
);

/** Inbound SMS: every one is kept; those that read like an opt-out but match no keyword wait for staff review. */
export const inboundMessages = sqliteTable(
  'inbound_messages',
  {
    id: text('id').primaryKey(),
    providerId: text('provider_id').notNull(),
    fromPhone: text('from_phone').notNull(),
    body: text('body').notNull(),
    patientId: text('patient_id').references(() => patients.id),
    kind: text('kind', { enum: ['opt_out', 'opt_in', 'help', 'review', 'other'] }).notNull(),
    status: text('status', { enum: ['handled', 'needs_review', 'reviewed'] }).notNull(),
    receivedAt: text('received_at').notNull(),
    reviewedBy: text('reviewed_by'),
    reviewedAt: text('reviewed_at'),
    resolution: text('resolution'),
  },
  (t) => [uniqueIndex('inbound_messages_provider_id').on(t.providerId), index('inbound_messages_status_idx').on(t.status, t.receivedAt)],
);

/** Twilio retries a webhook with the same I-Twilio-Idempotency-Token; the first one wins. */
export const webhookReceipts = sqliteTable('webhook_receipts', {
  token: text('token').primaryKey(),
  receivedAt: text('received_at').notNull(),
});

/** A token bucket per sender (a long code sends one segment a second), in the database so instances share it. */
export const messageSenders = sqliteTable('message_senders', {
  sender: text('sender').primaryKey(),
  tokens: real('tokens').notNull(),
  refilledAt: text('refilled_at').notNull(),
});
