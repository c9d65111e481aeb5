import { z } from 'zod';
import { PageQuery } from '../../lib/pagination.js';

const id = z.string().min(1).max(64);
const version = z.number().int().min(1).describe('The version you read (stale → 409)');
export const KINDS = ['complaint', 'suggestion', 'praise', 'inquiry'] as const;
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const STATUSES = ['open', 'assigned', 'in_progress', 'resolved', 'closed'] as const;
/** Feedback categories: what the patient is unhappy (or happy) about. */
export const FEEDBACK_CATEGORIES = ['service_attitude', 'medical_quality', 'waiting_time', 'billing', 'environment', 'appointments', 'other'] as const;

export const CreateFeedbackBody = z
  .object({
    kind: z.enum(KINDS),
    category: z.enum(FEEDBACK_CATEGORIES),
    severity: z.enum(SEVERITIES).default('medium'),
    text: z.string().trim().min(1).max(8000).describe('Stored verbatim; pages escape it'),
    patientId: id.optional(),
    departmentId: id.optional(),
    doctorName: z.string().trim().max(50).optional(),
    source: z.enum(['agent', 'sms']).default('agent'),
  })
  .strict();
export type CreateFeedbackBody = z.infer<typeof CreateFeedbackBody>;

export const PublicFeedbackForm = z
  .object({
    kind: z.enum(KINDS),
    category: z.enum(FEEDBACK_CATEGORIES),
    text: z.string().trim().min(1).max(4000),
    departmentCode: z.string().trim().max(32).optional(),
    anonymous: z.enum(['on', 'true']).optional(),
    name: z.string().trim().max(50).optional(),
    phone: z.string().trim().max(40).optional(),
    email: z.string().trim().max(200).optional(),
  })
  .strict();
export type PublicFeedbackForm = z.infer<typeof PublicFeedbackForm>;

export const Feedback = z
  .object({
    id: z.string(),
    kind: z.enum(KINDS),
    source: z.enum(['web', 'agent', 'sms', 'followup']),
    patientId: z.string().nullable(),
    anonymous: z.boolean(),
    contactName: z.string().nullable(),
    contactPhone: z.string().nullable(),
    category: z.string(),
    departmentId: z.string().nullable(),
    doctorName: z.string().nullable(),
    severity: z.enum(SEVERITIES),
    text: z.string(),
    status: z.enum(STATUSES),
    responsibleId: z.string().nullable().describe('首诉负责制: who answers the patient until an explicit handover'),
    assigneeId: z.string().nullable(),
    assigneeGroup: z.string().nullable(),
    deadlineAt: z.string().nullable(),
    escalationLevel: z.number().int(),
    resolution: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    closedBy: z.enum(['patient', 'auto', 'staff']).nullable(),
    reopenCount: z.number().int(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Feedback' });
export type Feedback = z.infer<typeof Feedback>;

export const FeedbackLogEntry = z.object({ id: z.string(), at: z.string(), actor: z.string(), action: z.string(), level: z.number().nullable(), toStaffId: z.string().nullable(), note: z.string().nullable() });
export const FeedbackDetail = Feedback.extend({ log: z.array(FeedbackLogEntry) });

export const FeedbackIdParams = z.object({ id });
export const VersionBody = z.object({ version }).strict();
export const HandoverBody = z.object({ version, toStaffId: id, note: z.string().max(1000).optional() }).strict();
export const ResolveBody = z.object({ version, resolution: z.string().trim().min(1).max(4000), notifyPatient: z.boolean().default(true) }).strict();
export const CloseBody = z.object({ version, confirmedByPatient: z.boolean().default(false) }).strict();
export const ReopenBody = z.object({ version, reason: z.string().trim().min(1).max(1000) }).strict();
export const EscalateBody = z.object({ version, reason: z.string().trim().min(1).max(1000) }).strict();

export const InboxQuery = PageQuery.extend({
  status: z.enum([...STATUSES, 'active']).default('active').describe('active: open, assigned or in progress'),
  kind: z.enum(KINDS).optional(),
  departmentId: id.optional(),
}).strict();
export type InboxQuery = z.infer<typeof InboxQuery>;
export const FeedbackPage = z.object({ items: z.array(Feedback), nextCursor: z.string().nullable() });

export const RoutingRuleBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    kind: z.enum(KINDS).nullable().default(null),
    category: z.enum(FEEDBACK_CATEGORIES).nullable().default(null),
    departmentId: id.nullable().default(null),
    severity: z.enum(SEVERITIES).nullable().default(null),
    assigneeId: id.nullable().default(null),
    assigneeGroup: z.string().trim().max(64).nullable().default(null).describe('A department code whose managers take the case (QUALITY)'),
    deadlineHours: z.number().int().min(1).max(2000).describe('Working hours on the hospital calendar'),
    priority: z.number().int().min(0).max(1000).default(0),
    active: z.boolean().default(true),
  })
  .strict();
export type RoutingRuleBody = z.infer<typeof RoutingRuleBody>;
export const UpdateRoutingRuleBody = RoutingRuleBody.extend({ version }).strict();
export type UpdateRoutingRuleBody = z.infer<typeof UpdateRoutingRuleBody>;
export const RoutingRule = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(KINDS).nullable(),
    category: z.string().nullable(),
    departmentId: z.string().nullable(),
    severity: z.enum(SEVERITIES).nullable(),
    assigneeId: z.string().nullable(),
    assigneeGroup: z.string().nullable(),
    deadlineHours: z.number().int(),
    priority: z.number().int(),
    active: z.boolean(),
    version: z.number().int(),
  })
  .meta({ id: 'RoutingRule' });
export type RoutingRule = z.infer<typeof RoutingRule>;
export const RuleIdParams = z.object({ id });
export const RoutingRuleList = z.object({ items: z.array(RoutingRule) });

export const EscalationEntry = z.object({ feedbackId: z.string(), at: z.string(), level: z.number().nullable(), toStaffId: z.string().nullable(), note: z.string().nullable(), kind: z.enum(KINDS), status: z.enum(STATUSES), departmentId: z.string().nullable(), deadlineAt: z.string().nullable() });
export const EscalationList = z.object({ items: z.array(EscalationEntry) });
/**
 * Why a patient is at risk of leaving (issue 8's rule), one vocabulary for the patient file's banner, the caller's
 * card and the statistics' at-risk list: an open complaint, two complaints in 180 days, a low latest satisfaction.
 */
export const AT_RISK_REASONS = ['open_complaint', 'repeat_complaints', 'low_satisfaction'] as const;
export const AtRiskReason = z.enum(AT_RISK_REASONS);
export type AtRiskReason = z.infer<typeof AtRiskReason>;
export const AtRisk = z.object({ patientId: z.string(), atRisk: z.boolean(), reasons: z.array(AtRiskReason), openComplaints: z.number().int() });

export const StaffNotice = z
  .object({
    id: z.string(),
    subject: z.string(),
    feedbackId: z.string().nullable(),
    status: z.enum(['queued', 'sending', 'sent', 'held', 'failed']).describe('held: kept by the sandbox channel, nothing left this machine'),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    sentAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'StaffNotice' });
export type StaffNotice = z.infer<typeof StaffNotice>;
export const StaffNoticeList = z.object({ items: z.array(StaffNotice) });
