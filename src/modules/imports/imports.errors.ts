import { Invalid, NotFound, Unprocessable } from '../../lib/errors.js';

export const unknownDepartment = (code: string) =>
  new Invalid('imports.unknown_department', `The department code "${code}" is not a department of this hospital; add it or fix the feed.`, [{ field: 'departmentCode', code: 'unknown', message: `${code} is not a department code` }]);
export const unknownPatient = (ids: { system: string; value: string }[]) =>
  new Invalid('imports.unknown_patient', `No patient on file holds ${ids.map((i) => `${i.system} ${i.value}`).join(' or ')}, and the record carries no demographics to create one.`, [{ field: 'subject', code: 'unknown', message: 'is held by no patient' }]);
export const needsReview = (reason: string) => new Unprocessable('imports.needs_review', reason);
export const quarantineNotFound = (id: string) => new NotFound('imports.quarantine_not_found', `No open quarantined record ${id}.`);
export const retryFailed = (code: string, reason: string) => new Unprocessable(code, `The corrected record still cannot be imported: ${reason}`);
