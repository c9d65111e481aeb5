import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Problem } from '../../lib/problem.js';
import { articleHistory, createArticle, reviseArticle, searchKnowledge } from './knowledge.service.js';
import { lookupCaller } from './lookup.service.js';
import {
  answerConsultation,
  callbackList,
  categories,
  conversionStats,
  createConsultation,
  getConsultation,
  listConsultations,
  recordCallbackOutcome,
} from './consultations.service.js';
import {
  AnswerConsultationBody,
  ArticleIdParams,
  CallbackListQuery,
  CallbackOutcomeBody,
  Categories,
  Consultation,
  ConsultationIdParams,
  ConsultationListQuery,
  ConsultationPage,
  ConversionQuery,
  ConversionStats,
  CreateArticleBody,
  CreateConsultationBody,
  KnowledgeArticle,
  KnowledgeList,
  KnowledgeQuery,
  LookupQuery,
  LookupResult,
  ReviseArticleBody,
} from './consultations.schemas.js';

const errors = { 400: Problem, 401: Problem, 403: Problem };
const tags = ['consultations'];

export const consultationRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/consultations/lookup',
    { schema: { tags, summary: 'Caller lookup (screen-pop): the patients holding a number, each with the agent\'s card', 'x-permission': 'consultations.lookup', querystring: LookupQuery, response: { 200: LookupResult, ...errors } } },
    async (request) => lookupCaller(request.ctx(), request.query.phone),
  );
  app.get(
    '/api/consultations/categories',
    { schema: { tags, summary: 'The configured consultation categories', 'x-permission': 'knowledge.read', response: { 200: Categories, ...errors } } },
    async (request) => ({ items: categories(request.ctx()) }),
  );
  app.get(
    '/api/consultations',
    { schema: { tags, summary: 'Consultations, newest first', 'x-permission': 'consultations.read', querystring: ConsultationListQuery, response: { 200: ConsultationPage, ...errors } } },
    async (request) => listConsultations(request.ctx(), request.query),
  );
  app.post(
    '/api/consultations',
    { config: { idempotent: true }, schema: { tags, summary: 'Log a consultation (question, answer, call-back)', 'x-permission': 'consultations.write', body: CreateConsultationBody, response: { 201: Consultation, ...errors, 404: Problem } } },
    async (request, reply) => reply.code(201).send(await createConsultation(request.ctx(), request.body)),
  );
  app.get(
    '/api/consultations/callbacks',
    { schema: { tags, summary: 'The call-back list (requested, and consultations not followed by a visit), due first', 'x-permission': 'consultations.read', querystring: CallbackListQuery, response: { 200: ConsultationPage, ...errors } } },
    async (request) => callbackList(request.ctx(), request.query),
  );
  app.get(
    '/api/consultations/conversion',
    { schema: { tags, summary: 'Consultation-to-visit conversion over a period (hospital calendar days)', 'x-permission': 'consultations.read', querystring: ConversionQuery, response: { 200: ConversionStats, ...errors } } },
    async (request) => conversionStats(request.ctx(), request.query),
  );
  app.get(
    '/api/consultations/:id',
    { schema: { tags, summary: 'One consultation', 'x-permission': 'consultations.read', params: ConsultationIdParams, response: { 200: Consultation, ...errors, 404: Problem } } },
    async (request) => getConsultation(request.ctx(), request.params.id),
  );
  app.post(
    '/api/consultations/:id/answer',
    { schema: { tags, summary: 'Answer an open consultation; web questions are answered by SMS or e-mail through the outbox', 'x-permission': 'consultations.write', params: ConsultationIdParams, body: AnswerConsultationBody, response: { 200: Consultation, ...errors, 404: Problem, 409: Problem } } },
    async (request) => answerConsultation(request.ctx(), request.params.id, request.body),
  );
  app.post(
    '/api/consultations/:id/callback',
    { schema: { tags, summary: 'Record the outcome of a call-back', 'x-permission': 'consultations.write', params: ConsultationIdParams, body: CallbackOutcomeBody, response: { 200: Consultation, ...errors, 404: Problem, 409: Problem } } },
    async (request) => recordCallbackOutcome(request.ctx(), request.params.id, request.body),
  );
  app.get(
    '/api/knowledge',
    { schema: { tags, summary: 'Search the knowledge base (current versions)', 'x-permission': 'knowledge.read', querystring: KnowledgeQuery, response: { 200: KnowledgeList, ...errors } } },
    async (request) => searchKnowledge(request.ctx(), request.query),
  );
  app.post(
    '/api/knowledge',
    { schema: { tags, summary: 'Add a standard answer', 'x-permission': 'knowledge.manage', body: CreateArticleBody, response: { 201: KnowledgeArticle, ...errors } } },
    async (request, reply) => reply.code(201).send(await createArticle(request.ctx(), request.body)),
  );
  app.get(
    '/api/knowledge/:articleId/versions',
    { schema: { tags, summary: 'Every version of a standard answer, newest first', 'x-permission': 'knowledge.read', params: ArticleIdParams, response: { 200: KnowledgeList, ...errors, 404: Problem } } },
    async (request) => articleHistory(request.ctx(), request.params.articleId),
  );
  app.post(
    '/api/knowledge/:articleId/versions',
    { schema: { tags, summary: 'Revise a standard answer (a new version; stale → 409)', 'x-permission': 'knowledge.manage', params: ArticleIdParams, body: ReviseArticleBody, response: { 201: KnowledgeArticle, ...errors, 404: Problem, 409: Problem } } },
    async (request, reply) => reply.code(201).send(await reviseArticle(request.ctx(), request.params.articleId, request.body)),
  );
};
