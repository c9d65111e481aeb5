import { invalidNumbers } from '../../modules/contacts/contacts.service.js';
import { patientRisk } from '../../modules/feedback/feedback.intake.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { localDate } from '../../lib/clock.js';
import { Conflict, Invalid } from '../../lib/errors.js';
import { getPatientFile, patientTimeline, searchPatients, updatePatient } from '../../modules/patients/patients.service.js';
import { PatientIdParams, PatientSearchQuery, UpdatePatientBody } from '../../modules/patients/patients.schemas.js';
import { listCareReminders } from '../../modules/care/care.service.js';
import { noShowCount } from '../../modules/appointments/appointments.service.js';
import { listPlans, patientFollowup } from '../../modules/followup/plans/plans.service.js';
import { authorize, can } from '../../modules/staff/permissions.js';
import { listDepartments } from '../../modules/staff/staff.service.js';
import type { Assets } from '../assets.js';
import type { FastifyRequest } from 'fastify';
import type { FieldError } from '../../lib/errors.js';
import { FormBody, zodFieldErrors, type FormValues } from '../forms.js';
import { pageContext, seeOther, sendPage } from '../page-context.js';
import { editPage } from '../pages/patient-edit.js';
import { patientPage } from '../pages/patient.js';
import { searchPage } from '../pages/search.js';
import { errorsForForm, updateFromForm, valuesOfFile, valuesOfForm } from '../patient-form.js';

const SearchPageQuery = z.object({ q: z.string().max(200).optional(), cursor: z.string().max(512).optional() });
const PatientPageQuery = z.object({
  cursor: z.string().max(512).optional(),
  notice: z.enum(['saved', 'unchanged']).optional().catch(undefined),
  care: z.enum(['created', 'closed']).optional().catch(undefined),
});
const TIMELINE_PAGE = 20;
const SEARCH_PAGE = 20;

/** Paths are under /app. Every handler asks the patients service, with the signed-in staff member's context. */
export const patientPages: FastifyPluginAsyncZod<{ assets: Assets }> = async (app, { assets }) => {
  app.get('/', { schema: { hide: true, querystring: SearchPageQuery } }, async (request, reply) => {
    const ctx = request.ctx();
    const q = (request.query.q ?? '').trim();
    const query = PatientSearchQuery.safeParse({ q, limit: SEARCH_PAGE, ...(request.query.cursor ? { cursor: request.query.cursor } : {}) });
    const result = q && query.success ? await searchPatients(ctx, query.data) : null;
    return sendPage(reply, searchPage(pageContext(request, assets), { q, result, failed: Boolean(q) && !query.success, timeZone: ctx.timeZone }));
  });

  app.get('/patients/:id', { schema: { hide: true, params: PatientIdParams, querystring: PatientPageQuery } }, async (request, reply) => {
    const { cursor, notice, care } = request.query;
    return sendPage(reply, await renderPatientPage(request, assets, request.params.id, { cursor, notice: notice ?? null, care: { notice: care ?? null } }));
  });

  app.get('/patients/:id/edit', { schema: { hide: true, params: PatientIdParams } }, async (request, reply) => {
    const ctx = request.ctx();
    authorize(ctx, 'patients.update');
    const file = await getPatientFile(ctx, request.params.id, 'edit form');
    return sendPage(reply, editPage(pageContext(request, assets), { file, values: valuesOfFile(file), errors: [], conflict: false }));
  });

  app.post('/patients/:id/edit', { schema: { hide: true, params: PatientIdParams, body: FormBody } }, async (request, reply) => {
    const ctx = request.ctx();
    authorize(ctx, 'patients.update');
    const { id } = request.params;
    const file = await getPatientFile(ctx, id, 'edit form');
    const values = valuesOfForm(request.body);
    const again = (status: number, errors: Invalid['errors'], conflict = false) =>
      sendPage(reply, editPage(pageContext(request, assets), { file, values, errors: errorsForForm(errors), conflict }), status);

    const update = UpdatePatientBody.safeParse(updateFromForm(values, file));
    if (!update.success) return again(400, zodFieldErrors(update.error));
    if (Object.keys(update.data).length === 1) return seeOther(reply, `/app/patients/${encodeURIComponent(id)}?notice=unchanged`);
    try {
      await updatePatient(ctx, id, update.data);
    } catch (error) {
      if (error instanceof Invalid) return again(400, error.errors);
      if (error instanceof Conflict && error.code === 'patients.version_conflict') return again(409, [], true);
      if (error instanceof Conflict) return again(409, error.errors);
      throw error;
    }
    return seeOther(reply, `/app/patients/${encodeURIComponent(id)}?notice=saved`);
  });
};

/**
 * The patient page, also drawn by the care pages when a reminder form comes back with errors. Care reminders show
 * to clinical staff of a department that has seen the patient; the care service decides, this only asks.
 */
export async function renderPatientPage(
  request: FastifyRequest,
  assets: Assets,
  id: string,
  options: { cursor?: string | undefined; notice?: 'saved' | 'unchanged' | null; care?: { values?: FormValues; errors?: FieldError[]; notice?: 'created' | 'closed' | null } },
) {
  const ctx = request.ctx();
  const file = await getPatientFile(ctx, id);
  const timeline = await patientTimeline(ctx, id, { limit: TIMELINE_PAGE, cursor: options.cursor });
  const departments = await listDepartments(ctx);
  const role = ctx.actor.kind === 'staff' ? ctx.actor.role : null;
  const canEdit = role !== null && can(role, 'patients.update');
  const showCare = role !== null && can(role, 'care.reminders.read') && file.access.clinical;
  const care = showCare
    ? {
        patientId: id,
        reminders: (await listCareReminders(ctx, { patientId: id, limit: 50 })).items,
        canWrite: can(role, 'care.reminders.write'),
        departments,
        values: options.care?.values ?? { kind: 'medication', startDate: localDate(ctx.now, ctx.timeZone), remindAt: '09:00' },
        errors: options.care?.errors ?? [],
        notice: options.care?.notice ?? null,
        timeZone: ctx.timeZone,
      }
    : null;
  const followup =
    role !== null && can(role, 'followup.tasks.read') && file.access.clinical
      ? {
          schedule: await patientFollowup(ctx, id),
          timeZone: ctx.timeZone,
          canScheduleVisit: can(role, 'followup.visits.schedule'),
          patientId: id,
          plans: can(role, 'followup.enrol') ? (await listPlans(ctx)).items.filter((p) => p.status === 'active').map((p) => ({ code: p.code, name: p.definition.name })) : [],
        }
      : null;
  const risk = { ...(await patientRisk(ctx, id)), invalidNumbers: await invalidNumbers(ctx, id) };
  const noShows = role !== null && can(role, 'appointments.read') ? await noShowCount(ctx, id) : null;
  return patientPage(pageContext(request, assets), {
    followup,
    risk,
    noShows,
    file,
    timeline,
    olderPage: options.cursor !== undefined,
    departments,
    timeZone: ctx.timeZone,
    canEdit,
    notice: options.notice ?? null,
    care,
  });
}
