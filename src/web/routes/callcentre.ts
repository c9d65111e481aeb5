import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../lib/errors.js';
import { CreateConsultationBody } from '../../modules/consultations/consultations.schemas.js';
import { callbackList, categories, createConsultation } from '../../modules/consultations/consultations.service.js';
import { searchKnowledge } from '../../modules/consultations/knowledge.service.js';
import { lookupCaller } from '../../modules/consultations/lookup.service.js';
import type { LookupResult } from '../../modules/consultations/consultations.schemas.js';
import { CreateContactBody } from '../../modules/contacts/contacts.schemas.js';
import { logContact } from '../../modules/contacts/contacts.service.js';
import { recentEscalations } from '../../modules/feedback/feedback.intake.js';
import { CreateFeedbackBody, FEEDBACK_CATEGORIES } from '../../modules/feedback/feedback.schemas.js';
import { createFeedback, feedbackInbox } from '../../modules/feedback/feedback.service.js';
import { listDepartments } from '../../modules/staff/staff.service.js';
import type { Assets } from '../assets.js';
import { FormBody, formValue } from '../forms.js';
import { pageContext, seeOther, sendPage } from '../page-context.js';
import { agentConsolePage, escalationsPage, feedbackInboxPage } from '../pages/callcentre.js';

const ConsoleQuery = z.object({ phone: z.string().max(40).optional(), patient: z.string().max(64).optional(), done: z.enum(['consultation', 'contact', 'complaint']).optional().catch(undefined), lang: z.string().optional() }).strict();
const blank = (v: string) => (v.trim() === '' ? undefined : v);

/**
 * Paths under /app: the agent console (lookup, card, consultation, contact and complaint on one screen), the
 * managers' feedback inbox and the admins' escalation view. The services check every right.
 */
export const callCentrePages: FastifyPluginAsyncZod<{ assets: Assets }> = async (app, { assets }) => {
  async function renderConsole(request: FastifyRequest, reply: FastifyReply, phone: string, patient: string | undefined, notice: { kind: 'success' | 'error'; text: string } | null, status = 200) {
    const ctx = request.ctx();
    const page = pageContext(request, assets);
    let lookup: LookupResult | null = null;
    let problem = notice;
    if (phone) {
      try {
        lookup = await lookupCaller(ctx, phone);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        problem = { kind: 'error', text: error.detail };
      }
    }
    const selected = lookup ? (lookup.matches.find((m) => m.patientId === patient) ?? (lookup.matches.length === 1 ? lookup.matches[0]! : null)) : null;
    const departments = (await listDepartments(ctx)).map((d) => ({ id: d.id, name: page.lang === 'en' ? d.nameEn : d.nameZh }));
    return sendPage(
      reply,
      agentConsolePage(page, {
        phone,
        lookup,
        selected,
        categories: categories(ctx),
        feedbackCategories: FEEDBACK_CATEGORIES,
        departments,
        articles: (await searchKnowledge(ctx, {})).items,
        callbacks: (await callbackList(ctx, { limit: 10 })).items,
        notice: problem,
        timeZone: ctx.timeZone,
      }),
      status,
    );
  }

  app.get('/callcentre', { schema: { hide: true, querystring: ConsoleQuery } }, async (request, reply) => {
    const { phone = '', patient, done } = request.query;
    const t = pageContext(request, assets).t;
    return renderConsole(request, reply, phone, patient, done ? { kind: 'success', text: t(`cc.saved.${done}`) } : null);
  });

  /** Each form posts here, is read with the module's own schema and comes back to the caller's card. */
  const submit = (path: string, done: 'consultation' | 'contact' | 'complaint', run: (request: FastifyRequest, form: FormBody) => Promise<unknown>) =>
    app.post(path, { schema: { hide: true, body: FormBody } }, async (request, reply) => {
      const form = request.body;
      const phone = formValue(form, 'phone');
      const patient = blank(formValue(form, 'patientId'));
      try {
        await run(request, form);
      } catch (error) {
        if (!(error instanceof AppError) && !(error instanceof z.ZodError)) throw error;
        const text = error instanceof AppError ? error.detail : error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
        return renderConsole(request, reply, phone, patient, { kind: 'error', text }, 400);
      }
      return seeOther(reply, `/app/callcentre?phone=${encodeURIComponent(phone)}${patient ? `&patient=${encodeURIComponent(patient)}` : ''}&done=${done}`);
    });

  submit('/callcentre/consultations', 'consultation', async (request, form) => {
    const ctx = request.ctx();
    const body = CreateConsultationBody.parse({
      channel: 'phone',
      category: formValue(form, 'category'),
      question: formValue(form, 'question'),
      answer: blank(formValue(form, 'answer')),
      articleVersionId: blank(formValue(form, 'articleVersionId')),
      patientId: blank(formValue(form, 'patientId')),
      phone: blank(formValue(form, 'phone')),
      callback: formValue(form, 'callback') === 'on',
    });
    await createConsultation(ctx, body);
  });
  submit('/callcentre/contacts', 'contact', async (request, form) => {
    const body = CreateContactBody.parse({ patientId: formValue(form, 'patientId'), kind: formValue(form, 'kind'), outcome: formValue(form, 'outcome'), summary: blank(formValue(form, 'summary')), address: blank(formValue(form, 'phone')) });
    await logContact(request.ctx(), body);
  });
  submit('/callcentre/complaints', 'complaint', async (request, form) => {
    const body = CreateFeedbackBody.parse({ kind: 'complaint', category: formValue(form, 'category'), severity: formValue(form, 'severity'), text: formValue(form, 'text'), patientId: blank(formValue(form, 'patientId')), departmentId: blank(formValue(form, 'departmentId')) });
    await createFeedback(request.ctx(), body);
  });

  app.get('/feedback', { schema: { hide: true } }, async (request, reply) => {
    const ctx = request.ctx();
    const inbox = await feedbackInbox(ctx, { status: 'active', limit: 100 });
    return sendPage(reply, feedbackInboxPage(pageContext(request, assets), { items: inbox.items, now: ctx.now, timeZone: ctx.timeZone }));
  });

  app.get('/feedback/escalations', { schema: { hide: true } }, async (request, reply) => {
    const ctx = request.ctx();
    const list = await recentEscalations(ctx);
    return sendPage(reply, escalationsPage(pageContext(request, assets), { items: list.items, timeZone: ctx.timeZone }));
  });
};
