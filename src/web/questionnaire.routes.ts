import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, Invalid, TooManyRequests } from '../lib/errors.js';
import { assertNotGuessing, recordWrongToken } from '../modules/followup/invitations/link-throttle.js';
import { openInvitation, saveDraft, submitByToken } from '../modules/followup/followup.service.js';
import { loadAssets, type Assets } from './assets.js';
import { langOf, rememberLang, translator } from './i18n/index.js';
import { sendPage, seeOther } from './page-context.js';
import { notice, questionnaireForm } from './pages/questionnaire.js';
import { installOriginCheck, installSecurityHeaders } from './security.js';

/** Most fields a form may post: far above any shipped questionnaire, low enough to refuse junk cheaply. */
const MAX_FIELDS = 500;

/**
 * The patient's questionnaire at /q/:token: public (the token is the credential), phone-size, zh-CN or English.
 * GET shows the form with the saved draft; POST saves the draft or submits. A submission with problems comes
 * back as the same form with a message at each question, so the page works without its script too.
 */
export const questionnairePages: FastifyPluginAsync = async (app) => {
  const assets = await loadAssets();
  await app.register(async (pages) => {
    installSecurityHeaders(pages);
    installOriginCheck(pages);
    pages.addHook('onRequest', async (request, reply) => rememberLang(request, reply));
    pages.setErrorHandler(async (error, request, reply) => {
      // A wrong token counts towards the address's limit; expired and used links are real ones and do not.
      if (error instanceof AppError && error.code === 'questionnaires.invitation_not_found') await recordWrongToken(request.ctx());
      return refusal(request, reply, assets, error);
    });
    pages.addHook('preHandler', async (request) => {
      if (request.url.startsWith('/q/') && !request.url.startsWith('/q/thanks')) await assertNotGuessing(request.ctx());
    });
    const config = { public: true };
    const schema = { hide: true };

    pages.get('/q/thanks', { config, schema }, async (request, reply) => sendPage(reply, notice(viewOf(request, assets), 'thanks')));

    pages.get<{ Params: { token: string } }>('/q/:token', { config, schema }, async (request, reply) => {
      const open = await openInvitation(request.ctx(), request.params.token);
      const saved = new URLSearchParams(request.url.split('?')[1] ?? '').get('saved') === '1';
      return sendPage(reply, questionnaireForm({ ...viewOf(request, assets), definition: open.entry.definition, values: open.draft ?? {}, errors: [], expiresAt: open.expiresAt, timeZone: request.ctx().timeZone, saved }));
    });

    pages.post<{ Params: { token: string }; Body: unknown }>('/q/:token', { config, schema }, async (request, reply) => {
      const token = request.params.token;
      const { action, values } = formFields(request.body);
      const ctx = request.ctx();
      const lang = langOf(request);
      if (action === 'save') {
        await saveDraft(ctx, token, values);
        return seeOther(reply, `/q/${token}?saved=1&lang=${lang}`);
      }
      try {
        await submitByToken(ctx, token, values);
      } catch (error) {
        if (!(error instanceof Invalid) || error.code !== 'questionnaires.invalid_answers') throw error;
        const open = await openInvitation(ctx, token);
        const view = { ...viewOf(request, assets), definition: open.entry.definition, values, errors: error.errors, expiresAt: open.expiresAt, timeZone: ctx.timeZone };
        return sendPage(reply, questionnaireForm(view), 400);
      }
      return seeOther(reply, `/q/thanks?lang=${lang}`);
    });
  });
};

function viewOf(request: FastifyRequest, assets: Assets) {
  const lang = langOf(request);
  return { t: translator(lang), lang, assets, path: request.url };
}

/** Form fields → answers per linkId: `q:<linkId>` carries the choices and values, `o:<linkId>` an open choice's own text. */
function formFields(body: unknown): { action: 'save' | 'submit'; values: Record<string, string[]> } {
  if (typeof body !== 'object' || body === null) return { action: 'submit', values: {} };
  const entries = Object.entries(body as Record<string, unknown>);
  if (entries.length > MAX_FIELDS) throw new Invalid('questionnaires.too_many_fields', 'The form has too many fields.');
  const values: Record<string, string[]> = {};
  let action: 'save' | 'submit' = 'submit';
  for (const [name, raw] of entries) {
    const list = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string');
    if (name === 'action') action = list[0] === 'save' ? 'save' : 'submit';
    else if (name.startsWith('q:') || name.startsWith('o:')) {
      const linkId = name.slice(2);
      values[linkId] = [...(values[linkId] ?? []), ...list.map((v) => v.trim()).filter((v) => v !== '')];
    }
  }
  return { action, values };
}

const NOTICE_BY_CODE: Record<string, { kind: 'used' | 'expired' | 'invalid'; status: number }> = {
  'questionnaires.invitation_used': { kind: 'used', status: 409 },
  'questionnaires.invitation_expired': { kind: 'expired', status: 410 },
  'questionnaires.invitation_not_found': { kind: 'invalid', status: 404 },
};

function refusal(request: FastifyRequest, reply: FastifyReply, assets: Assets, error: unknown): FastifyReply {
  const known = error instanceof AppError ? NOTICE_BY_CODE[error.code] : undefined;
  if (known) return sendPage(reply, notice(viewOf(request, assets), known.kind), known.status);
  if (error instanceof TooManyRequests) void reply.header('retry-after', String(error.retryAfterSeconds));
  const status = error instanceof AppError ? error.status : 500;
  if (status >= 500) request.log.error({ err: error }, 'unhandled error on the questionnaire page');
  return sendPage(reply, notice(viewOf(request, assets), 'invalid'), status >= 500 ? 500 : status);
}
