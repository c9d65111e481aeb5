import { Conflict, Invalid, NotFound } from '../../lib/errors.js';

export const patientNotFound = (id: string) => new NotFound('patients.not_found', `No patient with id ${id}, or not one you may see.`);

export const staleVersion = (expected: number, current: number) =>
  new Conflict('patients.version_conflict', `This patient file changed since you read it (you sent version ${expected}, it is now ${current}). Reload and apply your change again.`);

export const duplicateIdentifier = (clashes: { system: string; value: string }[]) =>
  new Conflict(
    'patients.identifier_taken',
    `Another patient already holds ${clashes.map((c) => `${c.system} ${c.value}`).join(', ')}.`,
    clashes.map((c) => ({ field: 'identifiers', code: 'taken', message: `${c.system} ${c.value} belongs to another patient` })),
  );

export const unknownDepartment = (id: string) =>
  new Invalid('patients.unknown_department', `No department with id ${id}.`, [{ field: 'departmentId', code: 'unknown', message: 'is not a department of this hospital' }]);

export const inactivePatient = (id: string) =>
  new Conflict('patients.inactive', `Patient ${id} is deactivated; reactivate the file before changing it.`);
