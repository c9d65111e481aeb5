import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Problem } from '../../lib/problem.js';
import { LocalDate } from '../care/care.schemas.js';
import { searchAppointments, searchSchedules, searchSlots } from './appointments.fhir.js';

const ref = z.string().min(1).max(100);
const count = z.coerce.number().int().min(1).max(500).default(100);
const FhirBundle = z
  .object({
    resourceType: z.literal('Bundle'),
    type: z.literal('searchset'),
    total: z.number().int(),
    entry: z.array(z.object({ fullUrl: z.string(), resource: z.record(z.string(), z.unknown()) })),
  })
  .meta({ id: 'FhirBundle' });
const errors = { 400: Problem, 401: Problem, 403: Problem };
const tags = ['fhir'];

/** FHIR R4 searches of Schedule, Slot and Appointment for other systems (Bearer token of a staff account). */
export const appointmentFhirRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/fhir/Schedule',
    {
      schema: {
        tags,
        summary: 'FHIR Schedule search: clinic sessions by actor (Practitioner/<doctor id>) and/or date, or department and date',
        'x-permission': 'appointments.read',
        querystring: z.strictObject({ actor: ref.optional(), date: LocalDate.optional(), department: ref.optional(), _count: count }),
        response: { 200: FhirBundle, ...errors },
      },
    },
    async (request, reply) => reply.type('application/fhir+json').send(await searchSchedules(request.ctx(), request.query)),
  );
  app.get(
    '/fhir/Slot',
    {
      schema: {
        tags,
        summary: 'FHIR Slot search: the slots of a Schedule (schedule=Schedule/<id>), optionally free or busy',
        'x-permission': 'appointments.read',
        querystring: z.strictObject({ schedule: ref, status: z.enum(['free', 'busy']).optional(), _count: count }),
        response: { 200: FhirBundle, ...errors },
      },
    },
    async (request, reply) => reply.type('application/fhir+json').send(await searchSlots(request.ctx(), request.query)),
  );
  app.get(
    '/fhir/Appointment',
    {
      schema: {
        tags,
        summary: 'FHIR Appointment search by patient (Patient/<id>) or date',
        'x-permission': 'appointments.read',
        querystring: z.strictObject({ patient: ref.optional(), date: LocalDate.optional(), _count: count }),
        response: { 200: FhirBundle, ...errors },
      },
    },
    async (request, reply) => reply.type('application/fhir+json').send(await searchAppointments(request.ctx(), request.query)),
  );
};
