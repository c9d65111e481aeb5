import { Conflict, Invalid, NotFound } from '../../lib/errors.js';

export const consultationNotFound = (id: string) => new NotFound('consultations.not_found', `No consultation with id ${id}.`);
export const articleNotFound = (id: string) => new NotFound('knowledge.not_found', `No knowledge-base article ${id}.`);

export const unknownCategory = (category: string, known: string[]) =>
  new Invalid('consultations.unknown_category', `"${category}" is not a consultation category; use one of ${known.join(', ')}.`, [
    { field: 'category', code: 'unknown', message: `is not one of ${known.join(', ')}` },
  ]);

export const stale = (what: string, sent: number, current: number) =>
  new Conflict(`${what}.version_conflict`, `This record changed since you read it (you sent version ${sent}, it is now ${current}). Reload and apply your change again.`);

export const alreadyAnswered = (id: string) => new Conflict('consultations.already_answered', `Consultation ${id} is already answered.`);
export const noCallback = (id: string) => new Conflict('consultations.no_callback', `Consultation ${id} is not on the call-back list.`);
