import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Problem } from '../../lib/problem.js';
import { listInboundMessages, resolveInboundMessage } from './messaging.inbound.js';
import {
  CancelMessageBody,
  InboundListQuery,
  InboundMessage,
  InboundPage,
  Message,
  MessageIdParams,
  MessageListQuery,
  MessagePage,
  ResolveInboundBody,
} from './messaging.schemas.js';
import { cancelMessage, listMessages } from './messaging.service.js';

const errors = { 400: Problem, 401: Problem, 403: Problem };
const tags = ['messages'];

export const messagingRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/messages',
    {
      schema: {
        tags,
        summary: 'The outbox, newest first; filter by status, channel, purpose and patient',
        'x-permission': 'messages.read',
        querystring: MessageListQuery,
        response: { 200: MessagePage, ...errors },
      },
    },
    async (request) => listMessages(request.ctx(), request.query),
  );

  app.post(
    '/api/messages/:id/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel a queued message, with the reason',
        'x-permission': 'messages.cancel',
        params: MessageIdParams,
        body: CancelMessageBody,
        response: { 200: Message, ...errors, 404: Problem, 409: Problem },
      },
    },
    async (request) => cancelMessage(request.ctx(), request.params.id, request.body.reason),
  );

  app.get(
    '/api/messages/inbound',
    {
      schema: {
        tags,
        summary: 'Inbound SMS; by default the ones that read like an opt-out but matched no keyword, waiting for review',
        'x-permission': 'messages.review',
        querystring: InboundListQuery,
        response: { 200: InboundPage, ...errors },
      },
    },
    async (request) => listInboundMessages(request.ctx(), request.query),
  );

  app.post(
    '/api/messages/inbound/:id/resolve',
    {
      schema: {
        tags,
        summary: 'Decide on an inbound SMS under review: record an opt-out, or no action',
        'x-permission': 'messages.review',
        params: MessageIdParams,
        body: ResolveInboundBody,
        response: { 200: InboundMessage, ...errors, 404: Problem },
      },
    },
    async (request) => resolveInboundMessage(request.ctx(), request.params.id, request.body),
  );
};
