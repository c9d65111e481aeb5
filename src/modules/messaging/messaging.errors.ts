import { Conflict, Invalid, NotFound, Unprocessable } from '../../lib/errors.js';

export const messageNotFound = (id: string) => new NotFound('messaging.not_found', `No message with id ${id}.`);
export const inboundNotFound = (id: string) => new NotFound('messaging.inbound_not_found', `No inbound message with id ${id} waiting for review.`);
export const notCancellable = (id: string, status: string) =>
  new Conflict('messaging.not_cancellable', `Message ${id} is ${status}; only queued messages can be cancelled.`);

export const unknownTemplate = (name: string) =>
  new Invalid('messaging.unknown_template', `No template named ${name}.`, [{ field: 'template', code: 'unknown', message: `${name} is not a template` }]);

export const badVariables = (template: string, problems: string[]) =>
  new Invalid(
    'messaging.template_variables',
    `Template ${template}: ${problems.join('; ')}.`,
    problems.map((message) => ({ field: 'variables', code: 'template_variables', message })),
  );

export const invalidRecipient = (channel: 'sms' | 'email', why: string) =>
  new Invalid('messaging.invalid_recipient', `Cannot send ${channel === 'sms' ? 'an SMS' : 'an e-mail'} to this patient: ${why}.`, [
    { field: channel === 'sms' ? 'phone' : 'email', code: 'invalid_recipient', message: why },
  ]);

export const tooLong = (template: string, segments: number, cap: number) =>
  new Unprocessable('messaging.too_long', `Template ${template} renders to ${segments} SMS segments; the cap is ${cap}. Shorten the variables or the text.`, [
    { field: 'variables', code: 'too_long', message: `${segments} segments, more than ${cap}` },
  ]);

export const emailTooLarge = (template: string, bytes: number) =>
  new Unprocessable('messaging.too_long', `Template ${template} renders to ${bytes} bytes of e-mail; the cap is ${EMAIL_MAX_BYTES}.`, [
    { field: 'variables', code: 'too_long', message: `${bytes} bytes` },
  ]);

export const EMAIL_MAX_BYTES = 100_000;
