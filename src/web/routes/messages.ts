import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listInboundMessages, resolveInboundMessage } from '../../modules/messaging/messaging.inbound.js';
import { MessageIdParams, MessageListQuery, ResolveInboundBody } from '../../modules/messaging/messaging.schemas.js';
import { cancelMessage, listMessages } from '../../modules/messaging/messaging.service.js';
import { can } from '../../modules/staff/permissions.js';
import type { Assets } from '../assets.js';
import { FormBody, formValue } from '../forms.js';
import { Invalid } from '../../lib/errors.js';
import { pageContext, seeOther, sendPage } from '../page-context.js';
import { messagesPage } from '../pages/messages.js';

// Empty form fields mean "any": the filter form sends every field.
const blank = (value: unknown) => (value === '' ? undefined : value);
const PageQuery = MessageListQuery.omit({ limit: true })
  .extend({
    status: z.preprocess(blank, MessageListQuery.shape.status),
    channel: z.preprocess(blank, MessageListQuery.shape.channel),
    purpose: z.preprocess(blank, MessageListQuery.shape.purpose),
    patientId: z.preprocess(blank, MessageListQuery.shape.patientId),
    notice: z.enum(['cancelled', 'resolved']).optional().catch(undefined),
    lang: z.string().optional(),
  })
  .strict();
const PAGE_SIZE = 50;

/** Paths are under /app: the outbox with its filters, and the inbound replies waiting for a person. */
export const messagePages: FastifyPluginAsyncZod<{ assets: Assets }> = async (app, { assets }) => {
  app.get('/messages', { schema: { hide: true, querystring: PageQuery } }, async (request, reply) => {
    const ctx = request.ctx();
    const { notice, cursor, lang: _lang, ...filter } = request.query;
    const list = await listMessages(ctx, { ...filter, limit: PAGE_SIZE, cursor });
    const role = ctx.actor.kind === 'staff' ? ctx.actor.role : 'admin';
    const reviews = can(role, 'messages.review') ? (await listInboundMessages(ctx, { status: 'needs_review', limit: 100 })).items : null;
    const { sms, email } = ctx.messaging.channels;
    return sendPage(
      reply,
      messagesPage(pageContext(request, assets), {
        filter,
        messages: list.items,
        nextCursor: list.nextCursor,
        firstPage: cursor === undefined,
        reviews,
        sandbox: sms.provider === 'sandbox' || email.provider === 'sandbox',
        mayCancel: can(role, 'messages.cancel'),
        notice: notice ?? null,
        timeZone: ctx.timeZone,
      }),
    );
  });

  app.post('/messages/:id/cancel', { schema: { hide: true, params: MessageIdParams, body: FormBody } }, async (request, reply) => {
    const t = pageContext(request, assets).t;
    await cancelMessage(request.ctx(), request.params.id, t('messages.cancelReason'));
    return seeOther(reply, '/app/messages?notice=cancelled');
  });

  app.post('/messages/inbound/:id', { schema: { hide: true, params: MessageIdParams, body: FormBody } }, async (request, reply) => {
    const body = ResolveInboundBody.safeParse({ resolution: formValue(request.body, 'resolution') });
    if (!body.success) throw new Invalid('web.bad_form', 'Choose opt-out or no action.');
    await resolveInboundMessage(request.ctx(), request.params.id, body.data);
    return seeOther(reply, '/app/messages?notice=resolved#review');
  });
};
