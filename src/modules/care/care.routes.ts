import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Problem } from '../../lib/problem.js';
import { cancelCampaign, createCampaign, getCampaign, listCampaigns, previewCampaign, sendCampaign } from './care.campaigns.js';
import type { CareDeps } from './care.deps.js';
import {
  Campaign,
  CampaignIdParams,
  CampaignPage,
  CampaignPreview,
  CampaignPreviewBody,
  CampaignQuery,
  CareReminder,
  CareReminderIdParams,
  CareReminderPage,
  CareReminderQuery,
  CloseCareReminderBody,
  CreateCampaignBody,
  CreateCareReminderBody,
} from './care.schemas.js';
import { closeCareReminder, createCareReminder, getCareReminder, listCareReminders } from './care.service.js';

const errors = { 400: Problem, 401: Problem, 403: Problem };

export const careRoutes: FastifyPluginAsyncZod<{ care: CareDeps }> = async (app, { care }) => {
  const tags = ['care'];
  app.post(
    '/api/care-reminders',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Set a care reminder on a patient: medication, re-check or free text (send an Idempotency-Key to make retries safe)',
        'x-permission': 'care.reminders.write',
        body: CreateCareReminderBody,
        response: { 201: CareReminder, ...errors, 404: Problem, 409: Problem, 422: Problem },
      },
    },
    async (request, reply) => reply.code(201).send(await createCareReminder(request.ctx(), request.body)),
  );

  app.get(
    '/api/care-reminders',
    {
      schema: {
        tags,
        summary: "A patient's care reminders, or without patientId those your department set; newest first",
        'x-permission': 'care.reminders.read',
        querystring: CareReminderQuery,
        response: { 200: CareReminderPage, ...errors, 404: Problem },
      },
    },
    async (request) => listCareReminders(request.ctx(), request.query),
  );

  app.get(
    '/api/care-reminders/:id',
    { schema: { tags, summary: 'One care reminder', 'x-permission': 'care.reminders.read', params: CareReminderIdParams, response: { 200: CareReminder, ...errors, 404: Problem } } },
    async (request) => getCareReminder(request.ctx(), request.params.id),
  );

  for (const [action, status] of [
    ['end', 'ended'],
    ['cancel', 'cancelled'],
  ] as const) {
    app.post(
      `/api/care-reminders/:id/${action}`,
      {
        schema: {
          tags,
          summary: action === 'end' ? 'End a care reminder early (the course is over); queued messages are cancelled' : 'Cancel a care reminder set by mistake; queued messages are cancelled',
          'x-permission': 'care.reminders.write',
          params: CareReminderIdParams,
          body: CloseCareReminderBody,
          response: { 200: CareReminder, ...errors, 404: Problem, 409: Problem },
        },
      },
      async (request) => closeCareReminder(request.ctx(), care.outbox, request.params.id, status, request.body),
    );
  }

  const campaignTags = ['campaigns'];
  app.post(
    '/api/campaigns/preview',
    {
      schema: {
        tags: campaignTags,
        summary: 'Count the active patients a segment holds now',
        'x-permission': 'campaigns.manage',
        body: CampaignPreviewBody,
        response: { 200: CampaignPreview, ...errors },
      },
    },
    async (request) => previewCampaign(request.ctx(), request.body),
  );

  app.post(
    '/api/campaigns',
    {
      config: { idempotent: true },
      schema: {
        tags: campaignTags,
        summary: 'Create a health-education campaign (治未病) as a draft: segment, text and send time (honours Idempotency-Key)',
        'x-permission': 'campaigns.manage',
        body: CreateCampaignBody,
        response: { 201: Campaign, ...errors, 409: Problem, 422: Problem },
      },
    },
    async (request, reply) => reply.code(201).send(await createCampaign(request.ctx(), request.body)),
  );

  app.get(
    '/api/campaigns',
    { schema: { tags: campaignTags, summary: 'Campaigns, newest first', 'x-permission': 'campaigns.read', querystring: CampaignQuery, response: { 200: CampaignPage, ...errors } } },
    async (request) => listCampaigns(request.ctx(), request.query),
  );

  app.get(
    '/api/campaigns/:id',
    {
      schema: {
        tags: campaignTags,
        summary: 'A campaign with its report: queued, sent, delivered, failed, opted out',
        'x-permission': 'campaigns.read',
        params: CampaignIdParams,
        response: { 200: Campaign, ...errors, 404: Problem },
      },
    },
    async (request) => getCampaign(request.ctx(), care.outbox, request.params.id),
  );

  app.post(
    '/api/campaigns/:id/send',
    {
      schema: {
        tags: campaignTags,
        summary: 'Queue a draft campaign for every patient in its segment (consent, quiet hours and the cap apply)',
        'x-permission': 'campaigns.manage',
        params: CampaignIdParams,
        response: { 200: Campaign, ...errors, 404: Problem, 409: Problem },
      },
    },
    async (request) => sendCampaign(request.ctx(), care.outbox, request.params.id),
  );

  app.post(
    '/api/campaigns/:id/cancel',
    {
      schema: {
        tags: campaignTags,
        summary: 'Cancel a campaign; messages not yet sent are cancelled',
        'x-permission': 'campaigns.manage',
        params: CampaignIdParams,
        response: { 200: Campaign, ...errors, 404: Problem, 409: Problem },
      },
    },
    async (request) => cancelCampaign(request.ctx(), care.outbox, request.params.id),
  );
};
