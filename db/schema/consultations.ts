import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { patients } from './patients.js';

/**
 * Standard answers per consultation category. Every edit adds a version row and moves `current` to it, so an
 * answer given last month still points at the words the agent inserted then.
 */
export const knowledgeArticles = sqliteTable(
  'knowledge_articles',
  {
    id: text('id').primaryKey(),
    /** Stable across versions. */
    articleId: text('article_id').notNull(),
    version: integer('version').notNull(),
    category: text('category').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    /** Space-separated words callers use (地址 怎么走 停车), searched with the title and body. */
    keywords: text('keywords').notNull(),
    current: integer('current', { mode: 'boolean' }).notNull(),
    createdAt: text('created_at').notNull(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [uniqueIndex('knowledge_articles_version_unique').on(t.articleId, t.version), index('knowledge_articles_current_idx').on(t.current, t.category)],
);

/** 咨询: one question and its answer, from a call, SMS, the web form, a messaging app or the front desk. */
export const consultations = sqliteTable(
  'consultations',
  {
    id: text('id').primaryKey(),
    channel: text('channel', { enum: ['phone', 'sms', 'web', 'messaging_app', 'walk_in'] }).notNull(),
    category: text('category').notNull(),
    question: text('question').notNull(),
    answer: text('answer'),
    /** Answered at once from the knowledge base, without an agent. */
    automatic: integer('automatic', { mode: 'boolean' }).notNull().default(false),
    articleVersionId: text('article_version_id').references(() => knowledgeArticles.id),
    status: text('status', { enum: ['open', 'answered'] }).notNull(),
    agentId: text('agent_id'),
    durationSeconds: integer('duration_seconds'),
    patientId: text('patient_id').references(() => patients.id),
    /** E.164, for anonymous callers and web questions. */
    phone: text('phone'),
    email: text('email'),
    /** How the answer goes back (web form): sms or email. */
    replyChannel: text('reply_channel', { enum: ['sms', 'email'] }),
    replyMessageId: text('reply_message_id'),
    /**
     * An automatic answer to a number or address with no patient file cannot be an outbox row (those belong to a
     * patient): it is sent from here by the direct-replies job, through the same channels and retry rules.
     */
    replyStatus: text('reply_status', { enum: ['queued', 'sending', 'sent', 'held', 'failed'] }),
    replyAttempts: integer('reply_attempts').notNull().default(0),
    replyDueAt: text('reply_due_at'),
    replyError: text('reply_error'),
    replyProviderId: text('reply_provider_id'),
    replySentAt: text('reply_sent_at'),
    /** The inbound SMS a question came in, so each is taken once. */
    sourceMessageId: text('source_message_id'),
    callbackDueAt: text('callback_due_at'),
    callbackReason: text('callback_reason', { enum: ['requested', 'not_converted'] }),
    callbackDoneAt: text('callback_done_at'),
    callbackOutcome: text('callback_outcome', { enum: ['booked', 'will_visit', 'not_interested', 'unreachable', 'other'] }),
    callbackNote: text('callback_note'),
    /** Consultation → visit conversion: pending until the job decides after the configured days. */
    conversion: text('conversion', { enum: ['pending', 'converted', 'not_converted'] }).notNull(),
    conversionCheckedAt: text('conversion_checked_at'),
    version: integer('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    index('consultations_patient_idx').on(t.patientId, t.createdAt),
    index('consultations_conversion_idx').on(t.conversion, t.createdAt),
    index('consultations_callback_idx').on(t.callbackDoneAt, t.callbackDueAt),
    index('consultations_status_idx').on(t.status, t.createdAt),
    index('consultations_reply_idx').on(t.replyStatus, t.replyDueAt),
    // Statistics: a period's consultations by category and conversion, from the index alone.
    index('consultations_stats_idx').on(t.createdAt, t.category, t.conversion),
    uniqueIndex('consultations_source_message_unique').on(t.sourceMessageId),
  ],
);
