import { z } from 'zod';
import { PageQuery } from '../../lib/pagination.js';
import { AtRiskReason } from '../feedback/feedback.schemas.js';

const text = (max: number) => z.string().trim().min(1).max(max);
const id = z.string().min(1).max(64);

export const LookupQuery = z.object({ phone: z.string().min(1).max(40).describe('The caller\'s number in any common form: 13812345678, +86 138-1234-5678, 010-8888 6666') }).strict();
export type LookupQuery = z.infer<typeof LookupQuery>;

export const CardItem = z.object({ id: z.string(), at: z.string().nullable(), text: z.string(), flagged: z.boolean(), href: z.string().optional() });
export const CardSection = z.object({ key: z.string(), title: z.string(), items: z.array(CardItem) });

export const CallerCard = z
  .object({
    patientId: z.string(),
    name: z.string(),
    gender: z.string(),
    age: z.number().int().nullable(),
    residentId: z.string().nullable().describe('Masked: 110105********1234'),
    phone: z.string().nullable(),
    consent: z.array(z.object({ channel: z.string(), purpose: z.string(), granted: z.boolean() })),
    atRisk: z.object({ atRisk: z.boolean(), reasons: z.array(AtRiskReason) }),
    invalidNumbers: z.array(z.string()),
    sections: z.array(CardSection),
    actions: z.array(z.object({ key: z.string(), title: z.string(), href: z.string() })),
  })
  .meta({ id: 'CallerCard' });
export type CallerCard = z.infer<typeof CallerCard>;

export const LookupResult = z.object({
  phone: z.string().describe('The number read as E.164'),
  kind: z.enum(['mobile', 'landline', 'other']),
  matches: z.array(CallerCard),
});
export type LookupResult = z.infer<typeof LookupResult>;

export const CHANNELS = ['phone', 'sms', 'web', 'messaging_app', 'walk_in'] as const;

export const CreateConsultationBody = z
  .object({
    channel: z.enum(CHANNELS),
    category: text(64).describe('One of the configured categories (GET /api/consultations/categories)'),
    question: text(4000),
    answer: text(8000).optional(),
    articleVersionId: id.optional().describe('The knowledge-base version the answer was taken from'),
    patientId: id.optional(),
    phone: z.string().max(40).optional().describe('For a caller without a patient file'),
    durationSeconds: z.number().int().min(0).max(86_400).optional(),
    callbackDueAt: z.iso.datetime({ offset: true }).optional().describe('Set to put the caller on the call-back list'),
    callback: z.boolean().optional().describe('Put the caller on the call-back list, due in the configured hours (24) unless callbackDueAt says when'),
  })
  .strict();
export type CreateConsultationBody = z.infer<typeof CreateConsultationBody>;

export const AnswerConsultationBody = z.object({ version: z.number().int().min(1), answer: text(8000), articleVersionId: id.optional() }).strict();
export type AnswerConsultationBody = z.infer<typeof AnswerConsultationBody>;

export const CALLBACK_OUTCOMES = ['booked', 'will_visit', 'not_interested', 'unreachable', 'other'] as const;
export const CallbackOutcomeBody = z.object({ version: z.number().int().min(1), outcome: z.enum(CALLBACK_OUTCOMES), note: z.string().max(2000).optional() }).strict();
export type CallbackOutcomeBody = z.infer<typeof CallbackOutcomeBody>;

export const Consultation = z
  .object({
    id: z.string(),
    channel: z.enum(CHANNELS),
    category: z.string(),
    question: z.string(),
    answer: z.string().nullable(),
    automatic: z.boolean(),
    articleVersionId: z.string().nullable(),
    status: z.enum(['open', 'answered']),
    agentId: z.string().nullable(),
    durationSeconds: z.number().nullable(),
    patientId: z.string().nullable(),
    phone: z.string().nullable(),
    replyChannel: z.enum(['sms', 'email']).nullable(),
    replyStatus: z.enum(['queued', 'sending', 'sent', 'held', 'failed']).nullable().describe('An automatic answer sent directly (no patient file): held means the sandbox kept it'),
    replyMessageId: z.string().nullable(),
    callbackDueAt: z.string().nullable(),
    callbackReason: z.enum(['requested', 'not_converted']).nullable(),
    callbackDoneAt: z.string().nullable(),
    callbackOutcome: z.enum(CALLBACK_OUTCOMES).nullable(),
    callbackNote: z.string().nullable(),
    conversion: z.enum(['pending', 'converted', 'not_converted']),
    version: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: 'Consultation' });
export type Consultation = z.infer<typeof Consultation>;

export const ConsultationIdParams = z.object({ id });
export const ConsultationListQuery = PageQuery.extend({
  patientId: id.optional(),
  status: z.enum(['open', 'answered']).optional(),
}).strict();
export type ConsultationListQuery = z.infer<typeof ConsultationListQuery>;
export const ConsultationPage = z.object({ items: z.array(Consultation), nextCursor: z.string().nullable() });
export const CallbackListQuery = PageQuery.strict();
export const ConversionQuery = z.object({ from: z.iso.date(), to: z.iso.date() }).strict();
export const ConversionStats = z.object({ from: z.string(), to: z.string(), total: z.number(), converted: z.number(), notConverted: z.number(), pending: z.number(), rate: z.number().nullable() });
export const Categories = z.object({ items: z.array(z.string()) });

export const KnowledgeArticle = z
  .object({ id: z.string(), articleId: z.string(), version: z.number().int(), category: z.string(), title: z.string(), body: z.string(), keywords: z.string(), current: z.boolean(), createdAt: z.string(), createdBy: z.string() })
  .meta({ id: 'KnowledgeArticle' });
export type KnowledgeArticle = z.infer<typeof KnowledgeArticle>;
export const CreateArticleBody = z.object({ category: text(64), title: text(200), body: text(8000), keywords: z.string().max(500).default('') }).strict();
export type CreateArticleBody = z.infer<typeof CreateArticleBody>;
export const ReviseArticleBody = CreateArticleBody.extend({ version: z.number().int().min(1).describe('The version you revised (stale → 409)') }).strict();
export type ReviseArticleBody = z.infer<typeof ReviseArticleBody>;
export const ArticleIdParams = z.object({ articleId: id });
export const KnowledgeQuery = z.object({ q: z.string().max(100).optional(), category: z.string().max(64).optional() }).strict();
export const KnowledgeList = z.object({ items: z.array(KnowledgeArticle) });

/** The patients' question form (public). */
export const PublicQuestionForm = z
  .object({
    category: text(64),
    question: text(2000),
    name: z.string().trim().max(50).optional(),
    phone: z.string().max(40).optional(),
    email: z.string().max(200).optional(),
    replyChannel: z.enum(['sms', 'email']),
  })
  .strict();
export type PublicQuestionForm = z.infer<typeof PublicQuestionForm>;
