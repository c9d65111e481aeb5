import { Conflict, Forbidden, Gone, Invalid, NotFound, TooManyRequests } from '../../lib/errors.js';

export const doctorNotFound = (id: string) => new NotFound('appointments.doctor_not_found', `No doctor with id ${id}.`);
export const sessionNotFound = (id: string) => new NotFound('appointments.session_not_found', `No clinic session with id ${id}.`);
export const slotNotFound = (id: string) =>
  new NotFound('appointments.slot_not_found', `No slot with id ${id}.`, [{ field: 'slotId', code: 'unknown', message: 'is not a slot of this hospital' }]);
export const appointmentNotFound = (id: string) => new NotFound('appointments.not_found', `No appointment with id ${id}, or not one you may see.`);
export const patientNotFound = (id: string) => new NotFound('appointments.patient_not_found', `No patient with id ${id}.`, [{ field: 'patientId', code: 'unknown', message: 'is not a patient of this hospital' }]);
export const departmentScope = () => new Forbidden('appointments.department_scope', 'Managers manage the schedules of their own department only.');

export const slotFull = () => new Conflict('appointments.slot_full', 'This slot has no free place left for this channel; choose another time.');
export const sessionStopped = () =>
  new Conflict('appointments.session_stopped', 'The doctor does not hold this clinic session (停诊); choose another day.', [{ field: 'slotId', code: 'session_stopped', message: 'belongs to a stopped session' }]);
export const slotInPast = () => new Invalid('appointments.in_past', 'This slot has already begun; choose a later time.', [{ field: 'slotId', code: 'in_past', message: 'starts in the past' }]);
export const beyondWindow = (days: number) =>
  new Invalid('appointments.beyond_window', `Bookings open ${days} days ahead; this slot is further away.`, [{ field: 'slotId', code: 'beyond_window', message: `is more than ${days} days ahead` }]);
export const sameDoctorSameDay = () => new Conflict('appointments.same_doctor_same_day', 'This patient already has a booking with this doctor on this day.');
export const tooManyOpen = (max: number) => new Conflict('appointments.too_many_open', `A patient may hold at most ${max} open bookings; cancel one first.`);
export const noShowLimited = (count: number) =>
  new Forbidden('appointments.no_show_limited', `${count} missed appointments in 90 days: book at the hospital desk, where staff can help.`);
export const viewOnly = () => new Forbidden('appointments.view_only', 'This department publishes its schedule only; book at the hospital desk or by phone.');
export const pastCutoff = (hours: number) =>
  new Conflict('appointments.past_cutoff', `Appointments can be cancelled or moved online until ${hours} hours before they begin; please call the hospital.`);
export const notOpen = (status: string) => new Conflict('appointments.not_open', `This appointment is ${status}; it cannot be changed that way.`);
export const staleVersion = () => new Conflict('appointments.stale_version', 'The appointment changed since you read it; reload and try again.');
export const badTemplate = (message: string, field: string) => new Invalid('appointments.invalid', `${field}: ${message}`, [{ field, code: 'invalid', message }]);

export const codeRateLimited = (seconds: number) => new TooManyRequests('appointments.code_rate_limited', 'Too many codes were sent to this number; wait before asking again.', seconds);
export const codeWrong = (left: number) =>
  new Invalid('appointments.code_wrong', left > 0 ? `The code is not right; ${left} tries left.` : 'The code is not right.', [{ field: 'code', code: 'wrong', message: 'does not match the code sent' }]);
export const codeLocked = () => new Forbidden('appointments.code_locked', 'Too many wrong codes; ask for a new code.');
export const codeExpired = () => new Gone('appointments.code_expired', 'The code has expired or was used; ask for a new one.');
export const visitEnded = () => new Forbidden('appointments.visit_ended', 'Your sign-in to the booking page has ended; ask for a new SMS code.');
