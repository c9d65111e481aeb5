import { Invalid } from '../../lib/errors.js';
import type { FieldError } from '../../lib/errors.js';

/** A record the index cannot take (no source, a field of the wrong type): the importer quarantines it. */
export const invalidMatchRecord = (errors: FieldError[]) =>
  new Invalid('identity.invalid_record', `This record cannot be matched: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}.`, errors);
