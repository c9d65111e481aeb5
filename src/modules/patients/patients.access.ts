import type { Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import { can, type StaffActor } from '../staff/permissions.js';
import { wasSeenInDepartment } from './patients.repository.js';

/**
 * Department scope of clinical data: admins (and internal actors) see every patient's clinical details; managers,
 * doctors and nurses see them for patients their department has seen; agents never do (they get a non-clinical
 * summary). Contact details are unmasked only for the roles that call patients.
 */
export interface PatientAccess {
  clinical: boolean;
  contact: boolean;
}

export function accessTo(tx: Tx, actor: StaffActor, patientId: string): PatientAccess {
  return { clinical: canSeeClinical(tx, actor, patientId), contact: can(actor.role, 'patients.contact') };
}

export function canSeeClinical(tx: Tx, actor: StaffActor, patientId: string): boolean {
  if (!can(actor.role, 'patients.clinical.read')) return false;
  if (actor.role === 'admin') return true;
  return actor.departmentId !== null && wasSeenInDepartment(tx, patientId, actor.departmentId);
}

/** Clinical writes go to the actor's own department unless they are an admin. */
export function mayWriteClinicalFor(actor: StaffActor, departmentId: string): boolean {
  return can(actor.role, 'patients.clinical.write') && (actor.role === 'admin' || actor.departmentId === departmentId);
}

export type { ServiceContext };
