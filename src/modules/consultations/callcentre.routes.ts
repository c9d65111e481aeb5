import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { contactRoutes } from '../contacts/contacts.routes.js';
import { feedbackRoutes } from '../feedback/feedback.routes.js';
import { consultationRoutes } from './consultations.routes.js';

/** The call centre's APIs: consultations and caller lookup, feedback, the contact log. */
export const callCentreRoutes: FastifyPluginAsyncZod<{ recordingMaxBytes: number }> = async (app, { recordingMaxBytes }) => {
  await app.register(consultationRoutes);
  await app.register(feedbackRoutes);
  await app.register(async (scope) => scope.register(contactRoutes, { recordingMaxBytes }));
};
