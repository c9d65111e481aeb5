import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../../lib/context.js';
import { Problem } from '../../lib/problem.js';
import type { Feedback as FeedbackType } from './feedback.schemas.js';
import { patientRisk, recentEscalations } from './feedback.intake.js';
import { createRoutingRule, listRoutingRules, updateRoutingRule } from './feedback.rules.js';
import { closeFeedback, createFeedback, escalateFeedback, feedbackInbox, getFeedback, handOverFeedback, reopenFeedback, resolveFeedback, startFeedback, staffNotices } from './feedback.service.js';
import {
  AtRisk,
  CloseBody,
  CreateFeedbackBody,
  EscalateBody,
  EscalationList,
  Feedback,
  FeedbackDetail,
  FeedbackIdParams,
  FeedbackPage,
  HandoverBody,
  InboxQuery,
  ReopenBody,
  ResolveBody,
  RoutingRule,
  RoutingRuleBody,
  RoutingRuleList,
  RuleIdParams,
  StaffNoticeList,
  UpdateRoutingRuleBody,
  VersionBody,
} from './feedback.schemas.js';

const errors = { 400: Problem, 401: Problem, 403: Problem };
const changeErrors = { ...errors, 404: Problem, 409: Problem };
const tags = ['feedback'];

export const feedbackRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/feedback',
    { schema: { tags, summary: 'The feedback inbox by deadline (managers: their department)', 'x-permission': 'feedback.read', querystring: InboxQuery, response: { 200: FeedbackPage, ...errors } } },
    async (request) => feedbackInbox(request.ctx(), request.query),
  );
  app.post(
    '/api/feedback',
    { config: { idempotent: true }, schema: { tags, summary: 'Take feedback (the taker is responsible: 首诉负责制); routed by rule', 'x-permission': 'feedback.create', body: CreateFeedbackBody, response: { 201: Feedback, ...errors, 404: Problem } } },
    async (request, reply) => reply.code(201).send(await createFeedback(request.ctx(), request.body)),
  );
  app.get(
    '/api/feedback/escalations',
    { schema: { tags, summary: 'Escalations of the last 30 days (admins)', 'x-permission': 'feedback.escalations.read', response: { 200: EscalationList, ...errors } } },
    async (request) => recentEscalations(request.ctx()),
  );
  app.get(
    '/api/feedback/notices',
    { schema: { tags, summary: 'My notices (case assigned, escalated, handed over) and whether each was e-mailed', 'x-permission': 'feedback.read', response: { 200: StaffNoticeList, ...errors } } },
    async (request) => ({ items: await staffNotices(request.ctx(), 50) }),
  );
  app.get(
    '/api/feedback/rules',
    { schema: { tags, summary: 'Routing rules', 'x-permission': 'feedback.rules.manage', response: { 200: RoutingRuleList, ...errors } } },
    async (request) => listRoutingRules(request.ctx()),
  );
  app.post(
    '/api/feedback/rules',
    { schema: { tags, summary: 'Add a routing rule (category, department, severity → manager or group, deadline in working hours)', 'x-permission': 'feedback.rules.manage', body: RoutingRuleBody, response: { 201: RoutingRule, ...errors } } },
    async (request, reply) => reply.code(201).send(await createRoutingRule(request.ctx(), request.body)),
  );
  app.put(
    '/api/feedback/rules/:id',
    { schema: { tags, summary: 'Change a routing rule (stale version → 409)', 'x-permission': 'feedback.rules.manage', params: RuleIdParams, body: UpdateRoutingRuleBody, response: { 200: RoutingRule, ...changeErrors } } },
    async (request) => updateRoutingRule(request.ctx(), request.params.id, request.body),
  );
  app.get(
    '/api/feedback/patients/:patientId/risk',
    { schema: { tags, summary: 'Whether a patient is at risk (open complaint, two complaints in 180 days, low last satisfaction)', 'x-permission': 'patients.read', params: z.object({ patientId: z.string().min(1).max(64) }), response: { 200: AtRisk, ...errors, 404: Problem } } },
    async (request) => patientRisk(request.ctx(), request.params.patientId),
  );
  app.get(
    '/api/feedback/:id',
    { schema: { tags, summary: 'One case with its log', 'x-permission': 'feedback.read', params: FeedbackIdParams, response: { 200: FeedbackDetail, ...errors, 404: Problem } } },
    async (request) => getFeedback(request.ctx(), request.params.id),
  );
  const verb = <B extends z.ZodType>(path: string, summary: string, body: B, run: (ctx: ServiceContext, id: string, body: z.infer<B>) => Promise<FeedbackType>, permission = 'feedback.work') =>
    app.post(path, { schema: { tags, summary, 'x-permission': permission, params: FeedbackIdParams, body, response: { 200: Feedback, ...changeErrors } } }, async (request) => run(request.ctx(), request.params.id, request.body as z.infer<B>));
  verb('/api/feedback/:id/start', 'Start work on a case (takes responsibility if nobody has it)', VersionBody, (ctx, id, b) => startFeedback(ctx, id, b.version));
  verb('/api/feedback/:id/handover', 'Hand the case over to another staff member explicitly', HandoverBody, (ctx, id, b) => handOverFeedback(ctx, id, b));
  verb('/api/feedback/:id/resolve', 'Resolve; the resolution goes to the patient through the outbox', ResolveBody, (ctx, id, b) => resolveFeedback(ctx, id, b));
  verb('/api/feedback/:id/close', 'Close a resolved case (patient confirmed, or staff)', CloseBody, (ctx, id, b) => closeFeedback(ctx, id, b));
  verb('/api/feedback/:id/reopen', 'Reopen a resolved or closed case', ReopenBody, (ctx, id, b) => reopenFeedback(ctx, id, b));
  verb('/api/feedback/:id/escalate', 'Escalate a case one level by hand (admins)', EscalateBody, (ctx, id, b) => escalateFeedback(ctx, id, b), 'feedback.escalations.read');
};
