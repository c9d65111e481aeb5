import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Conflict, Invalid, NotFound, type FieldError } from '../../lib/errors.js';
import { createStaff, listDepartments, listStaff, updateStaff } from '../../modules/staff/staff.service.js';
import { CreateStaffBody, StaffIdParams, UpdateStaffBody } from '../../modules/staff/staff.schemas.js';
import type { Assets } from '../assets.js';
import { FormBody, formValue, zodFieldErrors, type FormValues } from '../forms.js';
import { pageContext, seeOther, sendPage } from '../page-context.js';
import { staffPage } from '../pages/staff.js';

const StaffPageQuery = z.object({
  cursor: z.string().max(512).optional(),
  notice: z.enum(['created', 'updated']).optional().catch(undefined),
  problem: z.string().max(64).optional(),
});
const ACTIONS = { deactivate: { active: false }, reactivate: { active: true }, unlock: { unlock: true } } as const;
const PAGE_SIZE = 50;
const CREATE_FIELDS = ['username', 'displayName', 'email', 'role', 'departmentId'] as const;

/** Paths are under /app. The staff service refuses anyone but an admin (403 page); the page only draws. */
export const staffPages: FastifyPluginAsyncZod<{ assets: Assets }> = async (app, { assets }) => {
  async function render(
    request: FastifyRequest,
    options: { cursor?: string | undefined; values?: FormValues; errors?: FieldError[]; notice?: 'created' | 'updated' | null; problem?: string | null },
  ) {
    const ctx = request.ctx();
    const list = await listStaff(ctx, { limit: PAGE_SIZE, cursor: options.cursor });
    const departments = await listDepartments(ctx);
    return staffPage(pageContext(request, assets), {
      staff: list.items,
      nextCursor: list.nextCursor,
      firstPage: options.cursor === undefined,
      departments,
      values: options.values ?? { role: 'nurse' },
      errors: options.errors ?? [],
      notice: options.notice ?? null,
      problem: options.problem ?? null,
      timeZone: ctx.timeZone,
      now: ctx.now,
    });
  }

  app.get('/staff', { schema: { hide: true, querystring: StaffPageQuery } }, async (request, reply) => {
    const { cursor, notice, problem } = request.query;
    const t = pageContext(request, assets).t;
    const problemText = problem ? (t.maybe(`error.code.${problem}`) ?? t('error.summary')) : null;
    return sendPage(reply, await render(request, { cursor, notice: notice ?? null, problem: problemText }));
  });

  app.post('/staff', { schema: { hide: true, body: FormBody } }, async (request, reply) => {
    const values: FormValues = Object.fromEntries(CREATE_FIELDS.map((name) => [name, formValue(request.body, name).trim()]));
    const again = async (status: number, errors: FieldError[]) => sendPage(reply, await render(request, { values, errors }), status);
    const body = CreateStaffBody.safeParse({ ...values, email: values['email'] || null, departmentId: values['departmentId'] || null, password: formValue(request.body, 'password') });
    if (!body.success) return again(400, zodFieldErrors(body.error));
    try {
      await createStaff(request.ctx(), body.data);
    } catch (error) {
      if ((error instanceof Conflict || error instanceof Invalid) && error.errors.length > 0) return again(error.status, error.errors);
      throw error;
    }
    return seeOther(reply, '/app/staff?notice=created');
  });

  app.post('/staff/:id', { schema: { hide: true, params: StaffIdParams, body: FormBody } }, async (request, reply) => {
    const action = formValue(request.body, 'action');
    if (!Object.hasOwn(ACTIONS, action) && action !== 'email') throw new Invalid('web.unknown_action', `No staff action "${action}".`);
    const email = formValue(request.body, 'email').trim();
    const changes = action === 'email' ? { email: email || null } : ACTIONS[action as keyof typeof ACTIONS];
    const update = UpdateStaffBody.safeParse({ version: Number(formValue(request.body, 'version')), ...changes });
    // An address that is not one comes back as a message on the list, like the service's refusals.
    if (!update.success && action === 'email') return seeOther(reply, '/app/staff?problem=staff.bad_email');
    if (!update.success) throw new Invalid('web.bad_form', 'The staff form was not complete.');
    try {
      await updateStaff(request.ctx(), request.params.id, update.data);
    } catch (error) {
      // Refusals the admin can act on come back as a message on the list; a 403 stays a 403 page.
      if (error instanceof Conflict || error instanceof NotFound || error instanceof Invalid) {
        return seeOther(reply, `/app/staff?${new URLSearchParams({ problem: error.code }).toString()}`);
      }
      throw error;
    }
    return seeOther(reply, '/app/staff?notice=updated');
  });
};
