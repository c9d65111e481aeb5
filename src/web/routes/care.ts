import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Conflict, Invalid, type FieldError } from '../../lib/errors.js';
import type { CareDeps } from '../../modules/care/care.deps.js';
import { CareReminderIdParams, CreateCareReminderBody } from '../../modules/care/care.schemas.js';
import { closeCareReminder, createCareReminder } from '../../modules/care/care.service.js';
import { PatientIdParams } from '../../modules/patients/patients.schemas.js';
import type { Assets } from '../assets.js';
import { FormBody, formValue, zodFieldErrors, type FormValues } from '../forms.js';
import { seeOther, sendPage } from '../page-context.js';
import { renderPatientPage } from './patients.js';

const FIELDS = ['kind', 'drug', 'dose', 'timesOfDay', 'startDate', 'endDate', 'recheckDate', 'departmentId', 'bring', 'remindAt', 'text'] as const;

/** Paths are under /app: the care reminder form of the patient page, and its end and cancel buttons. */
export const carePages: FastifyPluginAsyncZod<{ assets: Assets; care: CareDeps }> = async (app, { assets, care }) => {
  app.post('/patients/:id/care-reminders', { schema: { hide: true, params: PatientIdParams, body: FormBody } }, async (request, reply) => {
    const { id } = request.params;
    const values: FormValues = Object.fromEntries(FIELDS.map((name) => [name, formValue(request.body, name).trim()]));
    const again = async (status: number, errors: FieldError[]) => sendPage(reply, await renderPatientPage(request, assets, id, { care: { values, errors } }), status);
    const body = CreateCareReminderBody.safeParse(bodyOf(id, values));
    if (!body.success) return again(400, zodFieldErrors(body.error).map((e) => ({ ...e, field: e.field.replace(/\.\d+$/, '') })));
    try {
      await createCareReminder(request.ctx(), body.data);
    } catch (error) {
      if (error instanceof Invalid) return again(400, error.errors);
      throw error;
    }
    return seeOther(reply, `/app/patients/${encodeURIComponent(id)}?care=created#care`);
  });

  app.post('/care-reminders/:id', { schema: { hide: true, params: CareReminderIdParams, body: FormBody } }, async (request, reply) => {
    const action = formValue(request.body, 'action');
    if (action !== 'end' && action !== 'cancel') throw new Invalid('web.unknown_action', `No care reminder action "${action}".`);
    try {
      const reminder = await closeCareReminder(request.ctx(), care.outbox, request.params.id, action === 'end' ? 'ended' : 'cancelled', {});
      return seeOther(reply, `/app/patients/${encodeURIComponent(reminder.patientId)}?care=closed#care`);
    } catch (error) {
      // Already stopped (another tab, another nurse): the list shows it as it is now.
      if (error instanceof Conflict) return seeOther(reply, '/app/');
      throw error;
    }
  });
};

/** The one form holds every kind's fields; only the chosen kind's go into the body. */
function bodyOf(patientId: string, v: FormValues): unknown {
  const times = (v['timesOfDay'] ?? '').split(/[\s,，、]+/).filter(Boolean);
  const optional = (name: string) => (v[name] ? { [name]: v[name] } : {});
  if (v['kind'] === 'medication') return { kind: 'medication', patientId, drug: v['drug'], dose: v['dose'], timesOfDay: times, startDate: v['startDate'], endDate: v['endDate'] };
  if (v['kind'] === 'recheck') return { kind: 'recheck', patientId, recheckDate: v['recheckDate'], departmentId: v['departmentId'], ...optional('bring'), ...optional('remindAt') };
  return { kind: v['kind'], patientId, text: v['text'], timesOfDay: times, startDate: v['startDate'], ...optional('endDate') };
}
