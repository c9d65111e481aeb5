import { Conflict, Forbidden, NotFound } from '../../lib/errors.js';

export const reminderNotFound = (id: string) => new NotFound('care.reminder_not_found', `No care reminder with id ${id}, or not one you may see.`);

export const patientNotFound = (id: string) => new NotFound('care.patient_not_found', `No patient with id ${id}.`);

export const outsideDepartment = () =>
  new Forbidden('care.department_scope', 'Only clinical staff of a department that has seen this patient may set care reminders for them.');

export const patientInactive = (id: string) => new Conflict('care.patient_inactive', `Patient ${id} is deactivated; care reminders are not sent to deactivated files.`);

export const reminderClosed = (status: string) => new Conflict('care.reminder_closed', `This care reminder is already ${status}.`);

export const campaignNotFound = (id: string) => new NotFound('care.campaign_not_found', `No campaign with id ${id}.`);

export const campaignNotDraft = (status: string) => new Conflict('care.campaign_not_draft', `This campaign is ${status}; only a draft can be sent.`);

export const campaignCancelled = () => new Conflict('care.campaign_cancelled', 'This campaign is already cancelled.');
