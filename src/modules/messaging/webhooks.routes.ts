import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Forbidden, Invalid, NotFound } from '../../lib/errors.js';
import { escapeHtml } from '../../web/html.js';
import { receiveInboundSms, recordDeliveryStatus } from './messaging.inbound.js';
import { validTwilioSignature } from './twilio-signature.js';

const FormParams = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
type FormParams = z.infer<typeof FormParams>;

/**
 * Twilio's callbacks: public (Twilio has no session) but signed. The signature covers the URL Twilio called, which
 * is our public address (HCRM_PUBLIC_URL) plus the path and query, not whatever host a proxy forwarded to.
 * Hidden from the OpenAPI document: the inbound reply is TwiML (XML), not JSON, and only Twilio calls these.
 */
export const twilioWebhookRoutes: FastifyPluginAsyncZod = async (app) => {
  const config = { public: true };

  app.post('/webhooks/twilio/status', { config, schema: { hide: true, body: FormParams } }, async (request, reply) => {
    const ctx = request.ctx();
    const params = verified(request, request.body);
    const messageSid = one(params, 'MessageSid') ?? one(params, 'SmsSid');
    const status = one(params, 'MessageStatus') ?? one(params, 'SmsStatus');
    if (!messageSid || !status) throw new Invalid('messaging.bad_callback', 'A status callback needs MessageSid and MessageStatus.');
    const messageId = new URL(request.url, 'http://x').searchParams.get('m') ?? undefined;
    const outcome = recordDeliveryStatus(ctx, { messageId, messageSid, status, errorCode: one(params, 'ErrorCode'), idempotencyToken: header(request, 'i-twilio-idempotency-token') });
    if (outcome === 'unknown') throw new NotFound('messaging.unknown_message', `No message of ours has id ${messageId ?? '(none)'} or SID ${messageSid}.`);
    return reply.code(204).send();
  });

  app.post('/webhooks/twilio/inbound', { config, schema: { hide: true, body: FormParams } }, async (request, reply) => {
    const ctx = request.ctx();
    const params = verified(request, request.body);
    const messageSid = one(params, 'MessageSid') ?? one(params, 'SmsSid');
    const from = one(params, 'From');
    if (!messageSid || !from) throw new Invalid('messaging.bad_callback', 'An inbound message needs MessageSid and From.');
    const { reply: text } = receiveInboundSms(ctx, { messageSid, from, body: one(params, 'Body') ?? '', idempotencyToken: header(request, 'i-twilio-idempotency-token') });
    const twiml = text ? `<Message>${escapeHtml(text)}</Message>` : '';
    return reply.code(200).type('text/xml; charset=utf-8').send(`<?xml version="1.0" encoding="UTF-8"?><Response>${twiml}</Response>`);
  });

  function verified(request: FastifyRequest, params: FormParams): FormParams {
    const ctx = request.ctx();
    const token = ctx.messaging.twilioAuthToken;
    const url = `${ctx.messaging.settings.publicUrl}${request.url}`;
    if (!token || !validTwilioSignature(token, header(request, 'x-twilio-signature'), url, params)) {
      throw new Forbidden('messaging.bad_signature', 'The X-Twilio-Signature header is missing or does not match this request.');
    }
    return params;
  }
};

function one(params: FormParams, name: string): string | undefined {
  const value = params[name];
  return Array.isArray(value) ? value[0] : value;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}
