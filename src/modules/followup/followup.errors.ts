import { Conflict, Forbidden, Gone, NotFound, type FieldError, Invalid } from '../../lib/errors.js';

export const questionnaireNotFound = (what: string) => new NotFound('questionnaires.not_found', `No questionnaire ${what}.`);

export const unknownQuestionnaire = (url: string, version?: string) =>
  new Invalid('questionnaires.unknown', `No questionnaire ${url}${version !== undefined ? ` version "${version}"` : ''} is loaded.`, [
    { field: 'questionnaire', code: 'unknown', message: 'is not a loaded questionnaire url (and version)' },
  ]);

export const patientNotFound = (id: string) => new NotFound('followup.patient_not_found', `No patient with id ${id}, or not one you may see.`);

export const encounterMismatch = () =>
  new Invalid('followup.unknown_encounter', 'The encounter is not one of this patient’s.', [{ field: 'encounterId', code: 'unknown', message: 'is not an encounter of this patient' }]);

/**
 * Unknown, malformed and wrong tokens all answer this, with nothing that tells them apart: a guesser learns only
 * that the guess failed. Expiry and use are told apart only to someone who holds a real token.
 */
export const invitationNotFound = () => new NotFound('questionnaires.invitation_not_found', 'This questionnaire link is not valid.');

export const invitationExpired = () => new Gone('questionnaires.invitation_expired', 'This questionnaire link has expired.');

export const invitationUsed = () => new Conflict('questionnaires.invitation_used', 'This questionnaire has already been answered; a link accepts one submission.');

export const invalidAnswers = (errors: FieldError[]) =>
  new Invalid('questionnaires.invalid_answers', `Some answers need attention: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}.`, errors);

export const planNotFound = (code: string) => new NotFound('followup.plan_not_found', `No follow-up plan ${code}.`);

export const planScope = () => new Forbidden('followup.plan_scope', 'A manager may write only plans limited to their own department (conditions.departments = [your department code]).');

export const invalidPlan = (errors: FieldError[]) => new Invalid('followup.invalid_plan', `The plan needs attention: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}.`, errors);

export const enrolmentNotFound = (id: string) => new NotFound('followup.enrolment_not_found', `No follow-up enrolment ${id}, or not one you may see.`);

export const alreadyEnrolled = (code: string) => new Conflict('followup.already_enrolled', `This visit is already on plan ${code}.`);

export const taskNotFound = (id: string) => new NotFound('followup.task_not_found', `No follow-up task ${id}, or not one you may see.`);

export const taskChanged = () => new Conflict('followup.task_changed', 'The task changed since you read it; reload it and try again.');

export const taskTaken = () => new Conflict('followup.task_taken', 'Someone else has claimed this task.');

export const taskClosed = (status: string) => new Conflict('followup.task_closed', `The task is ${status}; nothing more can be recorded on it.`);

export const invalidAssignee = (why: string) => new Invalid('followup.invalid_assignee', `The task cannot go to this staff member: ${why}.`, [{ field: 'staffId', code: 'invalid', message: why }]);

export const invalidVisitDate = (message: string) => new Invalid('followup.invalid_visit_date', `The follow-up visit date ${message}.`, [{ field: 'date', code: 'invalid', message }]);
