import type { MatchRecord } from './identity.schemas.js';

/**
 * The demographics of a patient file as the patients module holds them (CreatePatientBody, PatientView): typed
 * structurally so that identity does not reach into another module's schemas.
 */
export interface PatientDemographics {
  name: string;
  gender?: 'male' | 'female' | 'other' | 'unknown' | null;
  birthDate?: string | null;
  phone?: string | null;
  residentId?: string | null;
  address?: { province?: string | null; city?: string | null; district?: string | null; detail?: string | null } | null;
  identifiers?: readonly { system: string; value: string }[] | null;
}

/**
 * A patient file as a match record: for filling the index with the patients HCRM already has (start-up), and
 * for the import pipeline once a feed's demographics are in the patients' shape. `source` is where the file's
 * identifiers come from (their issuing system), so that the same MRN from that source links deterministically.
 */
export function matchRecordFromPatient(patient: PatientDemographics, source: string, sourceRecordId?: string): MatchRecord {
  const a = patient.address ?? {};
  return {
    source,
    sourceRecordId,
    name: { full: patient.name },
    birthDate: patient.birthDate ?? undefined,
    gender: patient.gender ?? undefined,
    phone: patient.phone ?? undefined,
    residentId: patient.residentId ?? undefined,
    address: { region: a.province ?? undefined, city: a.city ?? undefined, locality: a.district ?? undefined, street: a.detail ?? undefined },
    identifiers: (patient.identifiers ?? []).map(({ system, value }) => ({ system, value })),
  };
}
