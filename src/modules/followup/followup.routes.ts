import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Problem } from '../../lib/problem.js';
import { exportResponses, getQuestionnaire, listQuestionnaires, listResponses } from './followup.queries.js';
import {
  CreatedInvitation,
  ExportBody,
  ExportQuery,
  InvitationBody,
  QuestionnaireDetail,
  QuestionnaireIdParams,
  QuestionnaireList,
  RecordedResponse,
  RecordResponseBody,
  ResponseListQuery,
  ResponsePage,
} from './followup.schemas.js';
import { inviteToQuestionnaire, recordResponseForPatient } from './followup.service.js';

const errors = { 400: Problem, 401: Problem, 403: Problem };
const tags = ['questionnaires'];

export const followupRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/questionnaires',
    { schema: { tags, summary: 'Questionnaires loaded from questionnaires/, each with every version stored', 'x-permission': 'questionnaires.read', response: { 200: QuestionnaireList, ...errors } } },
    async (request) => listQuestionnaires(request.ctx()),
  );

  app.get(
    '/api/questionnaires/:id',
    {
      schema: { tags, summary: 'One questionnaire version as its FHIR R4 definition', 'x-permission': 'questionnaires.read', params: QuestionnaireIdParams, response: { 200: QuestionnaireDetail, ...errors, 404: Problem } },
    },
    async (request) => getQuestionnaire(request.ctx(), request.params.id),
  );

  app.post(
    '/api/questionnaire-invitations',
    {
      schema: {
        tags,
        summary: 'Invite a patient to answer a questionnaire: a single-use link, returned once',
        'x-permission': 'questionnaires.invite',
        body: InvitationBody,
        response: { 201: CreatedInvitation, ...errors, 404: Problem },
      },
    },
    async (request, reply) => reply.code(201).send(await inviteToQuestionnaire(request.ctx(), request.body)),
  );

  app.post(
    '/api/questionnaire-responses',
    {
      schema: {
        tags,
        summary: 'Enter the answers a patient gave (on a call); checked and scored on the server',
        'x-permission': 'questionnaires.responses.record',
        body: RecordResponseBody,
        response: { 201: RecordedResponse, ...errors, 404: Problem },
      },
    },
    async (request, reply) => reply.code(201).send(await recordResponseForPatient(request.ctx(), request.body)),
  );

  app.get(
    '/api/questionnaire-responses',
    {
      schema: {
        tags,
        summary: 'Responses, newest first, by patient, questionnaire and period (department-scoped)',
        'x-permission': 'questionnaires.responses.read',
        querystring: ResponseListQuery,
        response: { 200: ResponsePage, ...errors, 404: Problem },
      },
    },
    async (request) => listResponses(request.ctx(), request.query),
  );

  app.get(
    '/api/questionnaire-responses/export',
    {
      schema: {
        tags,
        summary: 'Export one questionnaire version’s responses as CSV (UTF-8 with BOM) or a FHIR Bundle',
        'x-permission': 'questionnaires.responses.export',
        querystring: ExportQuery,
        response: { 200: ExportBody, ...errors },
      },
    },
    async (request, reply) => {
      const file = await exportResponses(request.ctx(), request.query);
      return reply.type(file.contentType).header('content-disposition', `attachment; filename="${file.filename}"`).serializer((p: unknown) => p as string).send(file.body);
    },
  );
};
