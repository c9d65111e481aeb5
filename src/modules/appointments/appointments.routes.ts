import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Problem } from '../../lib/problem.js';
import {
  Appointment,
  AppointmentIdParams,
  AppointmentPage,
  AppointmentQuery,
  BookBody,
  BookingModeBody,
  ClinicSession,
  CreateDoctorBody,
  CreateSessionBody,
  CreateTemplateBody,
  DepartmentIdParams,
  Doctor,
  DoctorList,
  DoctorQuery,
  NoShowCount,
  OptionalReasonBody,
  ReasonBody,
  RescheduleBody,
  ScheduleQuery,
  ScheduleWeek,
  SessionIdParams,
  SessionQuery,
  StopSessionBody,
  WaitlistBody,
  WaitlistEntry,
} from './appointments.schemas.js';
import { createDoctor, createSession, createTemplate, getSession, listDoctors, setBookingMode, slotSession, stopSession, weekSchedule } from './appointments.schedules.js';
import type { ServiceContext } from '../../lib/context.js';
import {
  bookAppointment,
  cancelAppointment,
  checkIn,
  completeAppointment,
  decideRequest,
  getAppointment,
  listAppointments,
  noShowCount,
  reverseNoShow,
  rescheduleAppointment,
} from './appointments.service.js';
import { joinWaitlist, refillRate } from './appointments.waitlist.js';

const errors = { 400: Problem, 401: Problem, 403: Problem };
const read = 'appointments.read';

export const appointmentRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['appointments'];

  app.get('/api/doctors', { schema: { tags, summary: 'Doctors patients may choose, with title, specialty and fee class', 'x-permission': read, querystring: DoctorQuery, response: { 200: DoctorList, ...errors } } }, async (request) => {
    return { items: await listDoctors(request.ctx(), request.query.departmentId) };
  });

  app.post(
    '/api/doctors',
    { schema: { tags, summary: 'Add a doctor’s profile (title, specialty, fee class)', 'x-permission': 'schedules.manage', body: CreateDoctorBody, response: { 201: Doctor, ...errors } } },
    async (request, reply) => reply.code(201).send(await createDoctor(request.ctx(), request.body)),
  );

  app.put(
    '/api/departments/:id/booking-mode',
    {
      schema: {
        tags,
        summary: 'Whether patients book this department directly, request and wait for approval, or only see the schedule',
        'x-permission': 'schedules.manage',
        params: DepartmentIdParams,
        body: BookingModeBody,
        response: { 200: z.object({ departmentId: z.string(), mode: BookingModeBody.shape.mode }), ...errors },
      },
    },
    async (request) => setBookingMode(request.ctx(), request.params.id, request.body.mode),
  );

  app.post(
    '/api/schedule-templates',
    {
      schema: {
        tags,
        summary: 'A weekly clinic template; sessions of the coming days are generated at once and kept open by a job',
        'x-permission': 'schedules.manage',
        body: CreateTemplateBody,
        response: { 201: z.object({ id: z.string(), generated: z.number().int() }), ...errors, 404: Problem },
      },
    },
    async (request, reply) => reply.code(201).send(await createTemplate(request.ctx(), request.body)),
  );

  app.get(
    '/api/schedules',
    {
      schema: {
        tags,
        summary: "A department's clinic sessions over some days with the free places of a channel (the free-slot search)",
        'x-permission': read,
        querystring: ScheduleQuery,
        response: { 200: ScheduleWeek, ...errors },
      },
    },
    async (request) => weekSchedule(request.ctx(), request.query),
  );

  app.post(
    '/api/schedules',
    { schema: { tags, summary: 'Add a one-off clinic session with its slots', 'x-permission': 'schedules.manage', body: CreateSessionBody, response: { 201: ClinicSession, ...errors, 404: Problem } } },
    async (request, reply) => reply.code(201).send(await createSession(request.ctx(), request.body)),
  );

  app.get(
    '/api/schedules/:id',
    { schema: { tags, summary: 'One clinic session with its slots and their free places', 'x-permission': read, params: SessionIdParams, querystring: SessionQuery, response: { 200: ClinicSession, ...errors, 404: Problem } } },
    async (request) => getSession(request.ctx(), request.params.id, request.query.channel),
  );

  app.post(
    '/api/schedules/:id/stop',
    {
      schema: {
        tags,
        summary: 'Stop a session (停诊): its bookings are cancelled and each patient is told, with a link to rebook',
        'x-permission': 'schedules.manage',
        params: SessionIdParams,
        body: StopSessionBody,
        response: { 200: ClinicSession.extend({ cancelled: z.number().int() }), ...errors, 404: Problem },
      },
    },
    async (request) => stopSession(request.ctx(), request.params.id, request.body.reason),
  );

  app.get(
    '/api/slots/:id',
    { schema: { tags, summary: 'The session a slot belongs to, with its slots', 'x-permission': read, params: SessionIdParams, response: { 200: ClinicSession, ...errors, 404: Problem } } },
    async (request) => slotSession(request.ctx(), request.params.id),
  );

  app.post(
    '/api/appointments',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Book a slot for a patient or a new caller (agents: phone channel; desk staff: desk). Honours Idempotency-Key; a full slot answers 409',
        'x-permission': 'appointments.book',
        body: BookBody,
        response: { 201: Appointment, ...errors, 404: Problem, 409: Problem, 422: Problem },
      },
    },
    async (request, reply) => reply.code(201).send(await bookAppointment(request.ctx(), request.body)),
  );

  app.get(
    '/api/appointments',
    { schema: { tags, summary: 'Appointments by department, patient, status (requested: waiting for staff) or date', 'x-permission': read, querystring: AppointmentQuery, response: { 200: AppointmentPage, ...errors } } },
    async (request) => listAppointments(request.ctx(), request.query),
  );

  app.get(
    '/api/appointments/:id',
    { schema: { tags, summary: 'One appointment', 'x-permission': read, params: AppointmentIdParams, response: { 200: Appointment, ...errors, 404: Problem } } },
    async (request) => getAppointment(request.ctx(), request.params.id),
  );

  const change = (path: string, summary: string, permission: 'appointments.book' | 'appointments.desk', body: z.ZodType | undefined, run: (ctx: ServiceContext, id: string, body: never) => Promise<Appointment>) =>
    app.post(
      `/api/appointments/:id/${path}`,
      { schema: { tags, summary, 'x-permission': permission, params: AppointmentIdParams, ...(body ? { body } : {}), response: { 200: Appointment, ...errors, 404: Problem, 409: Problem } } },
      async (req) => run(req.ctx(), (req.params as { id: string }).id, req.body as never),
    );

  change('cancel', 'Cancel an appointment; the place is freed, reminders cancelled, the patient told', 'appointments.book', ReasonBody, (ctx, id, body: { reason: string }) => cancelAppointment(ctx, id, body.reason));
  change('reschedule', 'Move an appointment to another slot in one step', 'appointments.book', RescheduleBody, (ctx, id, body: { slotId: string; version?: number }) => rescheduleAppointment(ctx, id, body.slotId, body.version));
  change('approve', 'Confirm a patient’s request (departments in approval mode)', 'appointments.book', undefined, (ctx, id) => decideRequest(ctx, id, 'approve'));
  change('reject', 'Turn down a patient’s request; the place is freed and the patient told', 'appointments.book', OptionalReasonBody, (ctx, id, body: { reason?: string }) => decideRequest(ctx, id, 'reject', body.reason));
  change('check-in', 'Check the patient in at the desk (on the day)', 'appointments.desk', undefined, (ctx, id) => checkIn(ctx, id));
  change('complete', 'Record that the visit took place', 'appointments.desk', undefined, (ctx, id) => completeAppointment(ctx, id));
  change('reverse-no-show', 'Undo a no-show, with the reason (audited)', 'appointments.desk', ReasonBody, (ctx, id, body: { reason: string }) => reverseNoShow(ctx, id, body.reason));

  app.post(
    '/api/waitlist',
    {
      schema: {
        tags,
        summary: 'Put a patient on a doctor’s waiting list for a day: a freed place is offered to them by SMS and held for a while',
        'x-permission': 'appointments.book',
        body: WaitlistBody,
        response: { 201: WaitlistEntry, ...errors, 404: Problem },
      },
    },
    async (request, reply) => reply.code(201).send(await joinWaitlist(request.ctx(), request.body)),
  );

  app.get(
    '/api/waitlist/refill-rate',
    {
      schema: {
        tags,
        summary: 'Freed places offered from the waiting list and how many were booked',
        'x-permission': read,
        querystring: z.strictObject({ doctorId: z.string().max(64).optional() }),
        response: { 200: z.object({ offered: z.number().int(), refilled: z.number().int(), rate: z.number().nullable() }), ...errors },
      },
    },
    async (request) => refillRate(request.ctx(), request.query.doctorId),
  );

  app.get(
    '/api/patients/:id/no-shows',
    { schema: { tags, summary: 'A patient’s no-shows in the last 90 days and whether online booking is limited', 'x-permission': read, params: AppointmentIdParams, response: { 200: NoShowCount, ...errors, 404: Problem } } },
    async (request) => noShowCount(request.ctx(), request.params.id),
  );
};
