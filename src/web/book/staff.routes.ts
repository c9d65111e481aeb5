import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, Invalid } from '../../lib/errors.js';
import { weekWithSlots } from '../../modules/appointments/appointments.schedules.js';
import { bookAppointment, decideRequest, listAppointments } from '../../modules/appointments/appointments.service.js';
import { getPatientFile } from '../../modules/patients/patients.service.js';
import { can } from '../../modules/staff/permissions.js';
import { listDepartments } from '../../modules/staff/staff.service.js';
import type { Assets } from '../assets.js';
import { FormBody, formValue } from '../forms.js';
import { pageContext, seeOther, sendPage } from '../page-context.js';
import { bookTranslator, hasKey } from './book.i18n.js';
import { staffBookingPage } from './staff.pages.js';

const Query = z.object({
  department: z.string().max(64).optional().catch(undefined),
  patientId: z.string().max(64).optional().catch(undefined),
  booked: z.string().max(64).optional().catch(undefined),
});

/** Paths are under /app: the staff booking page, booking a slot for a patient, deciding a request. */
export const staffBookingPages: FastifyPluginAsyncZod<{ assets: Assets }> = async (app, { assets }) => {
  const render = async (request: FastifyRequest, reply: FastifyReply, query: z.infer<typeof Query>, problem: string | null, status = 200) => {
    const ctx = request.ctx();
    const page = pageContext(request, assets);
    const b = bookTranslator(page.lang);
    const departments = (await listDepartments(ctx)).filter((d) => d.active).map((d) => ({ id: d.id, name: page.lang === 'en' ? d.nameEn : d.nameZh }));
    const departmentId = query.department ?? departments[0]?.id ?? null;
    const week = departmentId ? await weekWithSlots(ctx, { departmentId, days: 7 }) : [];
    const pending = (await listAppointments(ctx, { status: 'requested', limit: 50 })).items;
    const patient = query.patientId ? await getPatientFile(ctx, query.patientId, 'booking an appointment') : null;
    const canBook = ctx.actor.kind === 'staff' && can(ctx.actor.role, 'appointments.book');
    return sendPage(
      reply,
      staffBookingPage(page, { b, timeZone: ctx.timeZone, departments, departmentId, patient: patient ? { id: patient.id, name: patient.name } : null, week, pending, canBook, notice: query.booked ? b('staff.booked') : null, problem }),
      status,
    );
  };

  app.get('/appointments', { schema: { hide: true, querystring: Query } }, async (request, reply) => render(request, reply, request.query, null));

  app.post('/appointments/book', { schema: { hide: true, body: FormBody } }, async (request, r) => {
    const patientId = formValue(request.body, 'patientId');
    const slotId = formValue(request.body, 'slotId');
    const department = formValue(request.body, 'department');
    try {
      const booked = await bookAppointment(request.ctx(), { slotId, patientId, type: 'outpatient' });
      return seeOther(r, `/app/appointments?department=${encodeURIComponent(department)}&patientId=${encodeURIComponent(patientId)}&booked=${booked.id}`);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500 || error.status === 401 || error.status === 403) throw error;
      const b = bookTranslator(pageContext(request, assets).lang);
      const key = `err.${error.code}`;
      return render(request, r, { department, patientId }, hasKey(key) ? b(key) : error.message, error.status);
    }
  });

  app.post('/appointments/:id/decide', { schema: { hide: true, params: z.object({ id: z.string().max(64) }), body: FormBody } }, async (request, r) => {
    const action = formValue(request.body, 'action');
    if (action !== 'approve' && action !== 'reject') throw new Invalid('web.unknown_action', `No appointment action "${action}".`);
    await decideRequest(request.ctx(), request.params.id, action);
    return seeOther(r, '/app/appointments');
  });
};
