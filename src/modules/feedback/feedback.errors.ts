import { Conflict, Invalid, NotFound } from '../../lib/errors.js';

export const feedbackNotFound = (id: string) => new NotFound('feedback.not_found', `No feedback with id ${id}, or not one you may see.`);
export const ruleNotFound = (id: string) => new NotFound('feedback.rule_not_found', `No routing rule with id ${id}.`);
export const staleFeedback = (sent: number, current: number) =>
  new Conflict('feedback.version_conflict', `This case changed since you read it (you sent version ${sent}, it is now ${current}). Reload and apply your change again.`);
export const badTransition = (from: string, verb: string) => new Conflict('feedback.bad_transition', `A case that is ${from} cannot be ${verb}.`);
export const notResponsible = () => new Conflict('feedback.not_responsible', 'Only the staff member responsible for this case (首诉负责制) or a manager may hand it over.');
export const unknownStaff = (field: string) => new Invalid('feedback.unknown_staff', `${field} is not an active staff member`, [{ field, code: 'unknown', message: 'is not an active staff member' }]);
export const unknownDepartment = (field: string) => new Invalid('feedback.unknown_department', `${field} is not a department of this hospital`, [{ field, code: 'unknown', message: 'is not a department of this hospital' }]);
export const ruleWithoutAssignee = () =>
  new Invalid('feedback.rule_without_assignee', 'A routing rule names a manager (assigneeId) or a group (assigneeGroup).', [{ field: 'assigneeId', code: 'required', message: 'give assigneeId or assigneeGroup' }]);
