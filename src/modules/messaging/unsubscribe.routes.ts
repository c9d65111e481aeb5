import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { html, type SafeHtml } from '../../web/html.js';
import { translator, type Lang } from '../../web/i18n/index.js';
import { CONTENT_SECURITY_POLICY } from '../../web/security.js';
import { messageOfToken, unsubscribeByToken } from './unsubscribe.js';

const TokenParams = z.object({ token: z.string().min(10).max(200) });
const UnsubscribeForm = z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional();

/**
 * The unsubscribe link of marketing e-mails. GET only shows a confirming button, because mail scanners open every
 * link; the POST (the button, or a mail provider's RFC 8058 one-click request) unsubscribes. Public and outside
 * /app: the patient has no session, and a one-click POST comes from the mail provider, not from our page.
 */
export const unsubscribeRoutes: FastifyPluginAsyncZod = async (app) => {
  const config = { public: true };

  app.get('/unsubscribe/:token', { config, schema: { hide: true, params: TokenParams } }, async (request, reply) => {
    const message = messageOfToken(request.ctx(), request.params.token);
    if (!message) return page(reply, 'zh-CN', 404, 'invalid');
    return page(reply, message.locale, 200, 'confirm', `/unsubscribe/${encodeURIComponent(request.params.token)}`);
  });

  app.post('/unsubscribe/:token', { config, schema: { hide: true, params: TokenParams, body: UnsubscribeForm } }, async (request, reply) => {
    const done = await unsubscribeByToken(request.ctx(), request.params.token);
    if (!done) return page(reply, 'zh-CN', 404, 'invalid');
    return page(reply, done.locale, 200, 'done');
  });
};

function page(reply: FastifyReply, lang: Lang, status: number, state: 'confirm' | 'done' | 'invalid', action?: string): FastifyReply {
  const t = translator(lang);
  const body: SafeHtml =
    state === 'confirm'
      ? html`<h1>${t('unsubscribe.title')}</h1><p>${t('unsubscribe.question')}</p>
<form method="post" action="${action ?? ''}"><button type="submit" class="button button-primary">${t('unsubscribe.confirm')}</button></form>`
      : html`<h1>${t('unsubscribe.title')}</h1><p>${t(state === 'done' ? 'unsubscribe.done' : 'unsubscribe.invalid')}</p>`;
  return reply
    .code(status)
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('cache-control', 'no-store')
    .header('x-frame-options', 'DENY')
    .type('text/html; charset=utf-8')
    .send(`<!doctype html>\n${html`<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${t('unsubscribe.title')}</title></head><body><main>${body}</main></body></html>`.value}`);
}
