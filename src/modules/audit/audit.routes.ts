import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Problem } from '../../lib/problem.js';
import { listAuditEvents } from './audit.service.js';
import { AuditPage, AuditQuery } from './audit.schemas.js';

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Who read or changed what, newest first; filter by patient, actor and period',
        'x-permission': 'audit.read',
        querystring: AuditQuery,
        response: { 200: AuditPage, 400: Problem, 401: Problem, 403: Problem },
      },
    },
    async (request) => listAuditEvents(request.ctx(), request.query),
  );
};
