import type { Tx } from '../../../db/client.js';
import type { FieldCipher } from '../../lib/crypto.js';
import { ageOn } from './demographics.js';
import type { PatientAccess } from './patients.access.js';
import * as repo from './patients.repository.js';
import type { Encounter, PatientFile, PatientSummary } from './patients.schemas.js';
import { maskEmail, maskPhone } from './phone.js';
import { maskResidentId } from './resident-id.js';

/** Shapes stored rows into what a role may see: masked identifiers always, clinical sections only with access. */
export function toPatientSummary(row: repo.PatientRow, cipher: FieldCipher, contact: boolean, today: string): PatientSummary {
  return {
    id: row.id,
    name: row.name,
    gender: row.gender,
    birthDate: row.birthDate,
    age: ageOn(row.birthDate, today),
    phone: row.phone ? (contact ? row.phone : maskPhone(row.phone)) : null,
    residentId: row.residentIdSealed ? maskResidentId(cipher.decrypt(row.residentIdSealed)) : null,
    tags: row.tags,
    lastVisitAt: row.lastVisitAt,
    active: row.active,
  };
}

export function toPatientFile(tx: Tx, row: repo.PatientRow, cipher: FieldCipher, access: PatientAccess, today: string): PatientFile {
  const identifiers = repo.identifiersOfPatient(tx, row.id);
  return {
    id: row.id,
    name: row.name,
    namePinyin: row.namePinyin,
    gender: row.gender,
    birthDate: row.birthDate,
    age: ageOn(row.birthDate, today),
    residentId: row.residentIdSealed ? maskResidentId(cipher.decrypt(row.residentIdSealed)) : null,
    phone: row.phone ? (access.contact ? row.phone : maskPhone(row.phone)) : null,
    email: row.email ? (access.contact ? row.email : maskEmail(row.email)) : null,
    address: { province: row.province, city: row.city, district: row.district, detail: access.contact ? row.addressDetail : null },
    occupation: row.occupation,
    employer: row.employer,
    source: row.source,
    emergencyContacts: row.emergencyContacts.map((c) => ({ ...c, phone: access.contact ? c.phone : maskPhone(c.phone) })),
    preferredLanguage: row.preferredLanguage,
    preferredChannel: row.preferredChannel,
    consent: repo.consentsOf(tx, row.id).map(({ patientId: _omit, ...consent }) => consent),
    tags: row.tags,
    identifiers,
    active: row.active,
    deactivatedAt: row.deactivatedAt,
    deactivationReason: row.deactivationReason,
    mergedIntoId: row.mergedIntoId,
    summary: { visitCount: row.visitCount, lastVisitAt: row.lastVisitAt },
    clinical: access.clinical ? clinicalSection(tx, row) : null,
    access,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function clinicalSection(tx: Tx, row: repo.PatientRow): NonNullable<PatientFile['clinical']> {
  const dx = groupBy(repo.diagnosesOf(tx, row.id), (d) => d.encounterId);
  const px = groupBy(repo.proceduresOf(tx, row.id), (p) => p.encounterId);
  const encounters: Encounter[] = repo.encountersOf(tx, row.id).map((e) => ({
    id: e.id,
    class: e.class,
    status: e.status,
    departmentId: e.departmentId,
    attendingDoctorId: e.attendingDoctorId,
    attendingDoctorName: e.attendingDoctorName,
    startAt: e.startAt,
    endAt: e.endAt,
    chargesCents: e.chargesCents,
    summary: e.summary,
    diagnoses: (dx.get(e.id) ?? []).map((d) => ({ code: d.code, text: d.text, primary: d.primary })),
    procedures: (px.get(e.id) ?? []).map((p) => ({ code: p.code, text: p.text, performedAt: p.performedAt })),
    sourceSystem: e.sourceSystem,
    sourceId: e.sourceId,
  }));
  return {
    pastHistory: row.pastHistory,
    familyHistory: row.familyHistory,
    totalSpendCents: row.totalSpendCents,
    allergies: repo.allergiesOf(tx, row.id).map((a) => ({ id: a.id, substance: a.substance, reaction: a.reaction, severity: a.severity, recordedAt: a.recordedAt })),
    encounters,
  };
}

function groupBy<T>(rows: T[], keyOf: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) map.set(keyOf(row), [...(map.get(keyOf(row)) ?? []), row]);
  return map;
}
