import type { Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import * as repo from './patients.repository.js';

/** What a listener learns about a visit that was just recorded or brought up to date. */
export interface EncounterFacts {
  encounterId: string;
  patientId: string;
  class: repo.EncounterRow['class'];
  status: repo.EncounterRow['status'];
  departmentId: string | null;
  attendingDoctorId: string | null;
  startAt: string;
  endAt: string | null;
  diagnosisCodes: string[];
  procedureCount: number;
  birthDate: string | null;
  /** Who recorded it: an import or a member of staff. */
  via: 'import' | 'staff';
}

export type EncounterListener = (tx: Tx, ctx: ServiceContext, encounter: EncounterFacts) => void;

/**
 * Other modules hear of new and changed visits here, inside the transaction that wrote them (follow-up plans
 * enrol the patient when a discharge arrives), so the visit and what it sets off commit together or not at all.
 * Registered at start; the patients module does not know who listens.
 */
export class EncounterEvents {
  readonly #listeners: EncounterListener[] = [];

  register(listener: EncounterListener): void {
    this.#listeners.push(listener);
  }

  emit(tx: Tx, ctx: ServiceContext, encounterId: string, via: EncounterFacts['via']): void {
    if (this.#listeners.length === 0) return;
    const facts = encounterFacts(tx, encounterId, via);
    if (!facts) return;
    for (const listener of this.#listeners) listener(tx, ctx, facts);
  }
}

export function encounterFacts(tx: Tx, encounterId: string, via: EncounterFacts['via']): EncounterFacts | undefined {
  const e = repo.encounterFactsRow(tx, encounterId);
  if (!e) return undefined;
  return {
    encounterId: e.id,
    patientId: e.patientId,
    class: e.class,
    status: e.status,
    departmentId: e.departmentId,
    attendingDoctorId: e.attendingDoctorId,
    startAt: e.startAt,
    endAt: e.endAt,
    diagnosisCodes: e.diagnosisCodes ? e.diagnosisCodes.split('\u001f') : [],
    procedureCount: e.procedureCount,
    birthDate: e.birthDate,
    via,
  };
}
