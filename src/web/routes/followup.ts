import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, type FieldError } from '../../lib/errors.js';
import { EnrolBody, PlanBody } from '../../modules/followup/plans/plans.schemas.js';
import { enrolByHand, getPlan, listPlans, savePlan } from '../../modules/followup/plans/plans.service.js';
import { scheduleFollowupVisit } from '../../modules/followup/worklist/visits.js';
import { ScheduleVisitBody } from '../../modules/followup/worklist/worklist.schemas.js';
import { listWorklist } from '../../modules/followup/worklist/worklist.service.js';
import { PatientIdParams } from '../../modules/patients/patients.schemas.js';
import { can } from '../../modules/staff/permissions.js';
import type { Assets } from '../assets.js';
import { FormBody, formValue, zodFieldErrors, type FormValues } from '../forms.js';
import { pageContext, seeOther, sendPage } from '../page-context.js';
import { followupPage } from '../pages/followup-plans.js';

const FollowupPageQuery = z.object({ saved: z.string().max(64).optional().catch(undefined), edit: z.string().max(64).optional().catch(undefined) });

/** Paths are under /app: the follow-up page (worklists and plans) and the plan editor's form. */
export const followupPages: FastifyPluginAsyncZod<{ assets: Assets }> = async (app, { assets }) => {
  // The 复诊 form of the patient page's follow-up card; a refusal is answered as the API would (problem page).
  app.post('/patients/:id/followup-visits', { schema: { hide: true, params: PatientIdParams, body: FormBody } }, async (request, reply) => {
    const id = request.params.id;
    await scheduleFollowupVisit(request.ctx(), id, ScheduleVisitBody.parse({ date: formValue(request.body, 'date').trim() }));
    return seeOther(reply, `/app/patients/${encodeURIComponent(id)}?followup=visit#followup`);
  });

  // Putting the patient on a plan by hand, from the same card.
  app.post('/patients/:id/followup-enrolments', { schema: { hide: true, params: PatientIdParams, body: FormBody } }, async (request, reply) => {
    const id = request.params.id;
    await enrolByHand(request.ctx(), id, EnrolBody.parse({ planCode: formValue(request.body, 'planCode').trim() }));
    return seeOther(reply, `/app/patients/${encodeURIComponent(id)}?followup=enrolled#followup`);
  });

  const render = async (request: FastifyRequest, values: FormValues, errors: FieldError[], saved: string | undefined) => {
    const ctx = request.ctx();
    const role = ctx.actor.kind === 'staff' ? ctx.actor.role : null;
    const worklist =
      role && can(role, 'followup.tasks.read')
        ? { today: (await listWorklist(ctx, { scope: 'department', due: 'today', limit: 100 })).items, overdue: (await listWorklist(ctx, { scope: 'department', due: 'overdue', limit: 100 })).items }
        : null;
    const plans = (await listPlans(ctx)).items;
    const savedPlan = saved ? plans.find((p) => p.code === saved) : undefined;
    return followupPage(pageContext(request, assets), {
      worklist,
      plans,
      canManage: role !== null && can(role, 'followup.plans.manage'),
      values,
      errors,
      saved: savedPlan ? { code: savedPlan.code, version: savedPlan.version } : null,
      timeZone: ctx.timeZone,
    });
  };

  app.get('/followup', { schema: { hide: true, querystring: FollowupPageQuery } }, async (request, reply) => {
    const { edit, saved } = request.query;
    // ?edit=<code> fills the editor with the plan's newest version, to be saved as the next one.
    const current = edit ? (await getPlan(request.ctx(), edit)).current : undefined;
    const values: FormValues = current ? { code: current.code, definition: JSON.stringify(current.definition, null, 2) } : {};
    return sendPage(reply, await render(request, values, [], saved));
  });

  app.post('/followup/plans', { schema: { hide: true, body: FormBody } }, async (request, reply) => {
    const values = { code: formValue(request.body, 'code'), definition: formValue(request.body, 'definition') };
    let definition: unknown;
    try {
      definition = JSON.parse(values.definition);
    } catch {
      return sendPage(reply, await render(request, values, [{ field: 'definition', code: 'invalid_json', message: 'is not valid JSON' }], undefined), 400);
    }
    const parsed = PlanBody.safeParse({ code: values.code, definition });
    if (!parsed.success) return sendPage(reply, await render(request, values, zodFieldErrors(parsed.error), undefined), 400);
    try {
      const saved = await savePlan(request.ctx(), parsed.data);
      return seeOther(reply, `/app/followup?saved=${encodeURIComponent(saved.code)}`);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 400) throw error;
      return sendPage(reply, await render(request, values, error.errors.length > 0 ? error.errors : [{ field: 'definition', code: 'invalid', message: error.detail }], undefined), 400);
    }
  });
};
