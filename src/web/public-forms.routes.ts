import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { AppError } from '../lib/errors.js';
import { PublicQuestionForm } from '../modules/consultations/consultations.schemas.js';
import { askFromWeb, categories } from '../modules/consultations/consultations.service.js';
import { submitPublicFeedback } from '../modules/feedback/feedback.intake.js';
import { FEEDBACK_CATEGORIES, KINDS, PublicFeedbackForm } from '../modules/feedback/feedback.schemas.js';
import { FormBody, formValue } from './forms.js';
import { html, type SafeHtml } from './html.js';
import { langOf, rememberLang, translator, type Translate } from './i18n/index.js';
import { sendPage } from './page-context.js';
import { installOriginCheck, installSecurityHeaders } from './security.js';

/** Fields a patient's form may post; anything beyond is refused cheaply. */
const MAX_FIELDS = 20;

/**
 * The patients' public forms: a question for the hospital (/ask), answered at once from the knowledge base when it
 * is about the hospital itself, else by an agent; and feedback (/feedback), anonymous if the patient wishes. Both
 * are limited per address in the database, so several instances share the limit.
 */
export const publicFormPages: FastifyPluginAsync = async (app) => {
  await app.register(async (pages) => {
    installSecurityHeaders(pages);
    installOriginCheck(pages);
    pages.addHook('onRequest', async (request, reply) => rememberLang(request, reply));
    const config = { public: true };
    const schema = { hide: true };

    pages.get('/ask', { config, schema }, async (request, reply) => sendPage(reply, askPage(request, null)));
    pages.post('/ask', { config, schema: { ...schema, body: FormBody } }, async (request, reply) => {
      const body = request.body as FormBody;
      if (Object.keys(body).length > MAX_FIELDS) return sendPage(reply, askPage(request, { error: 'too many fields' }), 400);
      const parsed = PublicQuestionForm.safeParse(pick(body, ['category', 'question', 'name', 'phone', 'email', 'replyChannel']));
      if (!parsed.success) return sendPage(reply, askPage(request, { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') }), 400);
      try {
        const done = await askFromWeb(request.ctx(), parsed.data, request.ip);
        return sendPage(reply, askPage(request, { answer: done.answer }));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        return sendPage(reply, askPage(request, { error: error.detail }), error.status);
      }
    });

    pages.get('/feedback', { config, schema }, async (request, reply) => sendPage(reply, feedbackPage(request, null)));
    pages.post('/feedback', { config, schema: { ...schema, body: FormBody } }, async (request, reply) => {
      const body = request.body as FormBody;
      if (Object.keys(body).length > MAX_FIELDS) return sendPage(reply, feedbackPage(request, { error: 'too many fields' }), 400);
      const parsed = PublicFeedbackForm.safeParse(pick(body, ['kind', 'category', 'text', 'departmentCode', 'anonymous', 'name', 'phone', 'email']));
      if (!parsed.success) return sendPage(reply, feedbackPage(request, { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') }), 400);
      try {
        await submitPublicFeedback(request.ctx(), parsed.data, request.ip);
        return sendPage(reply, feedbackPage(request, { thanks: true }));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        return sendPage(reply, feedbackPage(request, { error: error.detail }), error.status);
      }
    });
  });
};

/** Empty fields are absent, so optional ones stay optional. */
function pick(body: FormBody, names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, formValue(body, n)]).filter(([, v]) => v !== ''));
}

function shell(request: FastifyRequest, t: Translate, title: string, body: SafeHtml): SafeHtml {
  const lang = langOf(request);
  return html`<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;
}

const options = (values: readonly string[], label: (v: string) => string) => values.map((v) => html`<option value="${v}">${label(v)}</option>`);

function askPage(request: FastifyRequest, result: { answer?: string | null; error?: string } | null): SafeHtml {
  const t = translator(langOf(request));
  const ctx = request.ctx();
  const outcome = result?.error
    ? html`<p role="alert" class="error">${result.error}</p>`
    : result
      ? html`<p role="status">${result.answer ? html`${t('ask.automatic')} <strong>${result.answer}</strong>` : t('ask.queued')}</p>`
      : '';
  return shell(
    request,
    t,
    t('ask.title'),
    html`${outcome}<form method="post" action="/ask">
<p><label>${t('cc.category')} <select name="category">${options(categories(ctx), (c) => t.maybe(`cc.category.${c}`) ?? c)}</select></label></p>
<p><label>${t('cc.question')} <textarea name="question" rows="4" maxlength="2000" required></textarea></label></p>
<p><label>${t('ask.phone')} <input name="phone" type="tel"></label></p>
<p><label>${t('ask.email')} <input name="email" type="email"></label></p>
<p><label>${t('ask.reply')} <select name="replyChannel"><option value="sms">SMS</option><option value="email">E-mail</option></select></label></p>
<p><button type="submit">${t('ask.send')}</button></p></form>`,
  );
}

function feedbackPage(request: FastifyRequest, result: { thanks?: boolean; error?: string } | null): SafeHtml {
  const t = translator(langOf(request));
  const outcome = result?.error ? html`<p role="alert" class="error">${result.error}</p>` : result?.thanks ? html`<p role="status">${t('pfb.thanks')}</p>` : '';
  return shell(
    request,
    t,
    t('pfb.title'),
    html`${outcome}<form method="post" action="/feedback">
<p><label>${t('cc.kindOfFeedback')} <select name="kind">${options(KINDS, (k) => t.maybe(`cc.feedback.${k}`) ?? k)}</select></label></p>
<p><label>${t('cc.category')} <select name="category">${options(FEEDBACK_CATEGORIES, (c) => t.maybe(`cc.fcategory.${c}`) ?? c)}</select></label></p>
<p><label>${t('cc.complaintText')} <textarea name="text" rows="5" maxlength="4000" required></textarea></label></p>
<p><label><input type="checkbox" name="anonymous" value="on"> ${t('pfb.anonymous')}</label></p>
<p><label>${t('ask.phone')} <input name="phone" type="tel"></label></p>
<p><button type="submit">${t('ask.send')}</button></p></form>`,
  );
}

