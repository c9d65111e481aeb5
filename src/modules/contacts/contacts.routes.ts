import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Problem } from '../../lib/problem.js';
import { logContact, playRecording, reviewContact, searchContacts, uploadRecording } from './contacts.service.js';
import { Contact, ContactIdParams, ContactPage, ContactSearchQuery, CreateContactBody, Recording, RecordingIdParams, ReviewBody } from './contacts.schemas.js';

const errors = { 400: Problem, 401: Problem, 403: Problem };
const tags = ['contacts'];
const AUDIO_TYPES = ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/mpeg', 'audio/mp3', 'audio/ogg', 'audio/mp4', 'audio/x-m4a', 'audio/m4a', 'audio/webm', 'audio/amr', 'application/octet-stream'];

export const contactRoutes: FastifyPluginAsyncZod<{ recordingMaxBytes: number }> = async (app, { recordingMaxBytes }) => {
  // Recordings arrive as the raw audio body; the limit here answers 413 before the body is read whole.
  app.addContentTypeParser(AUDIO_TYPES, { parseAs: 'buffer', bodyLimit: recordingMaxBytes }, (_request, body, done) => done(null, body));

  app.get(
    '/api/contacts',
    { schema: { tags, summary: 'The contact log by patient (with outbox messages), staff member or period, newest first', 'x-permission': 'contacts.read', querystring: ContactSearchQuery, response: { 200: ContactPage, ...errors, 404: Problem } } },
    async (request) => searchContacts(request.ctx(), request.query),
  );
  app.post(
    '/api/contacts',
    { config: { idempotent: true }, schema: { tags, summary: 'Log a contact (weekly cap on calls out; invalid numbers flagged)', 'x-permission': 'contacts.write', body: CreateContactBody, response: { 201: Contact, ...errors, 404: Problem, 409: Problem } } },
    async (request, reply) => reply.code(201).send(await logContact(request.ctx(), request.body)),
  );
  app.post(
    '/api/contacts/:id/review',
    { schema: { tags, summary: 'A manager\'s quality score for a contact of their staff', 'x-permission': 'contacts.review', params: ContactIdParams, body: ReviewBody, response: { 200: Contact, ...errors, 404: Problem } } },
    async (request) => reviewContact(request.ctx(), request.params.id, request.body),
  );
  app.post(
    '/api/contacts/:id/recordings',
    {
      schema: {
        tags,
        summary: 'Attach a call recording (raw audio body; type checked by content, size limited, stored with SHA-256)',
        'x-permission': 'recordings.upload',
        params: ContactIdParams,
        response: { 201: Recording, ...errors, 404: Problem, 409: Problem, 413: Problem, 415: Problem },
      },
    },
    async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      return reply.code(201).send(await uploadRecording(request.ctx(), request.params.id, body, request.headers['content-type'] ?? ''));
    },
  );
  app.get(
    '/api/recordings/:id',
    { schema: { tags, summary: 'Play a call recording (managers and admins)', 'x-permission': 'recordings.play', params: RecordingIdParams, response: { 200: z.string().describe('The audio bytes, with the content type found at upload'), ...errors, 404: Problem, 409: Problem } } },
    async (request, reply) => {
      const { mediaType, bytes } = await playRecording(request.ctx(), request.params.id);
      // A Buffer is sent as it is; the string schema only documents the body.
      return reply.type(mediaType).header('cache-control', 'no-store').send(bytes as unknown as string);
    },
  );
};
