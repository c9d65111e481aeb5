import { Conflict, Invalid, NotFound } from '../../lib/errors.js';
import type { FieldError } from '../../lib/errors.js';

/** A record the index cannot take (no source, a field of the wrong type): the importer quarantines it. */
export const invalidMatchRecord = (errors: FieldError[]) =>
  new Invalid('identity.invalid_record', `This record cannot be matched: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}.`, errors);

export const reviewNotFound = (id: string) => new NotFound('identity.review_not_found', `No match review with id ${id}.`);

export const reviewDecided = (id: string, status: string) =>
  new Conflict('identity.review_decided', `Review ${id} was already decided (${status}); a decision is not taken twice. Unmerge the files if the merge was wrong.`);

export const mergeNotFound = (id: string) => new NotFound('identity.merge_not_found', `No merge with id ${id}.`);

export const mergeUndone = (id: string) => new Conflict('identity.merge_undone', `Merge ${id} was already undone.`);

export const notMerged = (patientId: string) => new Conflict('identity.not_merged', `Patient ${patientId} is not merged into another file; there is nothing to unmerge.`);

export const selfMerge = (id: string) =>
  new Invalid('identity.self_merge', `A patient file cannot be merged into itself (${id}).`, [{ field: 'survivorId', code: 'same_as_merged', message: 'is the file being merged' }]);

export const mergeBlocked = (detail: string) => new Conflict('identity.merge_blocked', detail);
