import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { addDays, localDate, startOfLocalDay } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';
import { ReviewBody } from '../../modules/contacts/contacts.schemas.js';
import { contactStaffChoices, reviewContact, searchContacts } from '../../modules/contacts/contacts.service.js';
import { FEEDBACK_CATEGORIES, KINDS, RoutingRuleBody, SEVERITIES, UpdateRoutingRuleBody } from '../../modules/feedback/feedback.schemas.js';
import { createRoutingRule, listRoutingRules, updateRoutingRule } from '../../modules/feedback/feedback.rules.js';
import { listDepartments, listStaff } from '../../modules/staff/staff.service.js';
import type { Assets } from '../assets.js';
import { FormBody, formValue, zodFieldErrors } from '../forms.js';
import { pageContext, seeOther, sendPage } from '../page-context.js';
import { contactsReviewPage, routingRulesPage, type ContactsView } from '../pages/callcentre-review.js';

const blank = (v: string) => (v.trim() === '' ? null : v.trim());
const LocalDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const ContactsQuery = z.object({
  staffId: z.string().max(64).optional(),
  from: LocalDay.optional().catch(undefined),
  to: LocalDay.optional().catch(undefined),
  cursor: z.string().max(512).optional(),
  done: z.literal('review').optional().catch(undefined),
  problem: z.string().max(64).optional(),
  lang: z.string().optional(),
});
const problemText = (error: unknown) => {
  if (error instanceof AppError) return error.detail;
  if (error instanceof z.ZodError) return error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw error;
};

/** A rule as the form sends it: empty selects are "any", the checkbox is on or absent. */
const ruleFromForm = (form: FormBody) => ({
  name: formValue(form, 'name'),
  kind: blank(formValue(form, 'kind')),
  category: blank(formValue(form, 'category')),
  departmentId: blank(formValue(form, 'departmentId')),
  severity: blank(formValue(form, 'severity')),
  assigneeId: blank(formValue(form, 'assigneeId')),
  assigneeGroup: blank(formValue(form, 'assigneeGroup')),
  deadlineHours: Number(formValue(form, 'deadlineHours')),
  priority: Number(formValue(form, 'priority') || '0'),
  active: formValue(form, 'active') === 'on',
});

/**
 * Paths under /app: the admins' routing rules, and the contact log by staff member and period where managers score
 * contacts and play recordings. The services check every right.
 */
export const callCentreReviewPages: FastifyPluginAsyncZod<{ assets: Assets }> = async (app, { assets }) => {
  async function renderRules(request: FastifyRequest, reply: FastifyReply, notice: { kind: 'success' | 'error'; text: string } | null, status = 200) {
    const ctx = request.ctx();
    const page = pageContext(request, assets);
    const { items } = await listRoutingRules(ctx);
    const departments = (await listDepartments(ctx)).map((d) => ({ value: d.id, label: page.lang === 'en' ? d.nameEn : d.nameZh }));
    // Managers and admins are the usual assignees; whoever a rule names already (set through the API) stays a
    // choice, so saving that rule from the page does not silently clear its assignee.
    const named = new Set(items.map((r) => r.assigneeId));
    const staff = (await listStaff(ctx, { limit: 500 })).items.filter((s) => s.active && (s.role === 'manager' || s.role === 'admin' || named.has(s.id))).map((s) => ({ value: s.id, label: s.displayName }));
    return sendPage(reply, routingRulesPage(page, { rules: items, kinds: KINDS, categories: FEEDBACK_CATEGORIES, severities: SEVERITIES, departments, staff, notice }), status);
  }

  app.get('/feedback/rules', { schema: { hide: true, querystring: z.object({ saved: z.literal('1').optional().catch(undefined), lang: z.string().optional() }) } }, async (request, reply) =>
    renderRules(request, reply, request.query.saved ? { kind: 'success', text: pageContext(request, assets).t('cc.rules.saved') } : null),
  );

  const saveRule = async (request: FastifyRequest, reply: FastifyReply, run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (error) {
      const status = error instanceof AppError ? error.status : 400;
      return renderRules(request, reply, { kind: 'error', text: problemText(error) }, status);
    }
    return seeOther(reply, '/app/feedback/rules?saved=1');
  };
  app.post('/feedback/rules', { schema: { hide: true, body: FormBody } }, async (request, reply) =>
    saveRule(request, reply, async () => createRoutingRule(request.ctx(), RoutingRuleBody.parse(ruleFromForm(request.body)))),
  );
  app.post('/feedback/rules/:id', { schema: { hide: true, params: z.object({ id: z.string().min(1).max(64) }), body: FormBody } }, async (request, reply) =>
    saveRule(request, reply, async () => updateRoutingRule(request.ctx(), request.params.id, UpdateRoutingRuleBody.parse({ ...ruleFromForm(request.body), version: Number(formValue(request.body, 'version')) }))),
  );

  /** The contact log; a refused score is shown on its contact's form with what was typed, nothing saved. */
  async function renderContacts(request: FastifyRequest, reply: FastifyReply, query: z.infer<typeof ContactsQuery>, refused: ContactsView['refused'] = null, status = 200) {
    const ctx = request.ctx();
    const page = pageContext(request, assets);
    const choices = await contactStaffChoices(ctx);
    const staffId = query.staffId ?? choices[0]?.id ?? null;
    const to = query.to ?? localDate(ctx.now, ctx.timeZone);
    const from = query.from ?? addDays(to, -6);
    const found = await searchContacts(ctx, {
      limit: 50,
      ...(staffId ? { staffId } : {}),
      from: startOfLocalDay(from, ctx.timeZone).toISOString(),
      to: new Date(startOfLocalDay(addDays(to, 1), ctx.timeZone).getTime() - 1).toISOString(),
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    const { done, problem } = query;
    const notice = refused
      ? { kind: 'error' as const, text: refused.text }
      : done
        ? { kind: 'success' as const, text: page.t('cc.review.saved') }
        : problem
          ? { kind: 'error' as const, text: page.t.maybe(`error.code.${problem}`) ?? problem }
          : null;
    return sendPage(
      reply,
      contactsReviewPage(page, { contacts: found.items, staff: choices.map((c) => ({ value: c.id, label: c.name })), staffId, from, to, nextCursor: found.nextCursor, notice, timeZone: ctx.timeZone, refused }),
      status,
    );
  }

  app.get('/contacts', { schema: { hide: true, querystring: ContactsQuery } }, async (request, reply) => renderContacts(request, reply, request.query));

  app.post('/contacts/:id/review', { schema: { hide: true, params: z.object({ id: z.string().min(1).max(64) }), body: FormBody } }, async (request, reply) => {
    const back = new URLSearchParams(formValue(request.body, 'back'));
    back.delete('cursor');
    const note = formValue(request.body, 'note');
    try {
      await reviewContact(request.ctx(), request.params.id, ReviewBody.parse({ score: Number(formValue(request.body, 'score')), ...(blank(note) ? { note } : {}) }));
    } catch (error) {
      if (!(error instanceof AppError) && !(error instanceof z.ZodError)) throw error;
      // The list as it was, with the refusal on the contact's own form: 400 for what was typed, the service's status else.
      const errors = error instanceof z.ZodError ? zodFieldErrors(error) : error.errors;
      const query = ContactsQuery.safeParse(Object.fromEntries(back));
      const status = error instanceof AppError ? error.status : 400;
      const text = error instanceof AppError ? (pageContext(request, assets).t.maybe(`error.code.${error.code}`) ?? error.detail) : pageContext(request, assets).t('error.code.contacts.bad_score');
      return renderContacts(request, reply, query.success ? query.data : {}, { contactId: request.params.id, errors, values: { score: formValue(request.body, 'score'), note }, text }, status);
    }
    back.set('done', 'review');
    return seeOther(reply, `/app/contacts?${back.toString()}`);
  });
};
