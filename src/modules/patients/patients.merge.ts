import { statement, type Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import { repointRows, restoreRows } from '../../lib/repoint.js';
import { inactivePatient, patientNotFound } from './patients.errors.js';
import { maskPhone } from './phone.js';
import * as repo from './patients.repository.js';
import { maskResidentId } from './resident-id.js';

/**
 * What the identity module needs from patient files: their matching fields (to fill and refresh its index), and
 * the merge of one file into another (deactivate it as an alias of the survivor; move its identifiers, visits
 * and allergies; undo both). Identity calls these inside its own transaction.
 */
export interface MatchingPatient {
  id: string;
  name: string;
  gender: 'male' | 'female' | 'other' | 'unknown';
  birthDate: string | null;
  residentId: string | null;
  phone: string | null;
  address: { province: string | null; city: string | null; district: string | null; detail: string | null };
  identifiers: { system: string; value: string }[];
  active: boolean;
  mergedIntoId: string | null;
}

interface MatchingRow {
  id: string;
  name: string;
  gender: MatchingPatient['gender'];
  birthDate: string | null;
  residentIdSealed: string | null;
  phone: string | null;
  province: string | null;
  city: string | null;
  district: string | null;
  detail: string | null;
  active: number;
  mergedIntoId: string | null;
}

const MATCHING_COLUMNS = `id, name, gender, birth_date AS birthDate, resident_id_sealed AS residentIdSealed, phone, province, city, district,
  address_detail AS detail, active, merged_into_id AS mergedIntoId FROM patients`;

/**
 * Patients in id order after `afterId`, without their identifiers (the index compares demographics only): for
 * building the index page by page without holding them all.
 */
export function patientsForMatching(tx: Tx, ctx: Pick<ServiceContext, 'cipher'>, afterId: string, limit: number): MatchingPatient[] {
  const rows = statement(tx, `SELECT ${MATCHING_COLUMNS} WHERE id > ? ORDER BY id LIMIT ?`).all(afterId, limit) as MatchingRow[];
  return rows.map((r) => matchingPatient(ctx, r, []));
}

export function patientForMatching(tx: Tx, ctx: Pick<ServiceContext, 'cipher'>, id: string): MatchingPatient | undefined {
  const row = statement(tx, `SELECT ${MATCHING_COLUMNS} WHERE id = ?`).get(id) as MatchingRow | undefined;
  return row ? matchingPatient(ctx, row, repo.identifiersOfPatient(tx, id)) : undefined;
}

function matchingPatient(ctx: Pick<ServiceContext, 'cipher'>, r: MatchingRow, identifiers: { system: string; value: string }[]): MatchingPatient {
  return {
    id: r.id,
    name: r.name,
    gender: r.gender,
    birthDate: r.birthDate,
    residentId: r.residentIdSealed ? ctx.cipher.decrypt(r.residentIdSealed) : null,
    phone: r.phone,
    address: { province: r.province, city: r.city, district: r.district, detail: r.detail },
    identifiers,
    active: r.active === 1,
    mergedIntoId: r.mergedIntoId,
  };
}

/** The file that stands for `id` today: itself, or the file it was merged into (followed to the end). */
export function survivingPatientId(tx: Tx, id: string): string | undefined {
  let current = id;
  for (let hops = 0; hops < 20; hops++) {
    const row = statement(tx, 'SELECT active, merged_into_id AS mergedIntoId FROM patients WHERE id = ?').get(current) as { active: number; mergedIntoId: string | null } | undefined;
    if (!row) return undefined;
    if (row.mergedIntoId === null) return row.active === 1 ? current : undefined;
    current = row.mergedIntoId;
  }
  return undefined;
}

/** Marks `mergedId` an alias of `survivorId`: inactive, pointing to it. Both must be active files. */
export function markMerged(tx: Tx, ctx: ServiceContext, mergedId: string, survivorId: string): void {
  for (const id of [mergedId, survivorId]) {
    const row = repo.findPatient(tx, id);
    if (!row) throw patientNotFound(id);
    if (!row.active) throw inactivePatient(id);
  }
  const now = ctx.now.toISOString();
  statement(tx, `UPDATE patients SET active = 0, merged_into_id = ?, deactivated_at = ?, deactivation_reason = 'merged', version = version + 1, updated_at = ? WHERE id = ?`).run(survivorId, now, now, mergedId);
  touch(tx, ctx, survivorId, mergedId);
}

/** Undoes markMerged: the alias is an active file of its own again. */
export function markUnmerged(tx: Tx, ctx: ServiceContext, mergedId: string, survivorId: string): void {
  const now = ctx.now.toISOString();
  statement(tx, `UPDATE patients SET active = 1, merged_into_id = NULL, deactivated_at = NULL, deactivation_reason = NULL, version = version + 1, updated_at = ? WHERE id = ?`).run(now, mergedId);
  touch(tx, ctx, survivorId, mergedId);
}

/** The survivor changed too (identifiers, visits): new version, and both files' visit summaries recounted. */
function touch(tx: Tx, ctx: ServiceContext, id: string, other: string): void {
  statement(tx, 'UPDATE patients SET version = version + 1, updated_at = ? WHERE id = ?').run(ctx.now.toISOString(), id);
  repo.refreshVisitSummary(tx, id);
  repo.refreshVisitSummary(tx, other);
}

/**
 * The patient file's part of a merge, in the shape of the identity module's merge registry (kept structural here
 * so that patients does not import identity). Visits move with their diagnoses and procedures.
 */
export const patientMergeParticipants = [
  {
    name: 'patients.identifiers',
    repoint: (tx: Tx, fromId: string, toId: string) => repointRows(tx, 'patient_identifiers', fromId, toId),
    restore: (tx: Tx, ids: readonly string[], toId: string) => restoreRows(tx, 'patient_identifiers', ids, toId),
  },
  {
    name: 'patients.encounters',
    repoint: (tx: Tx, fromId: string, toId: string) => {
      const ids = repointRows(tx, 'encounters', fromId, toId);
      for (const table of ['diagnoses', 'procedures']) statement(tx, `UPDATE ${table} SET patient_id = ? WHERE patient_id = ?`).run(toId, fromId);
      return ids;
    },
    restore: (tx: Tx, ids: readonly string[], toId: string) => {
      restoreRows(tx, 'encounters', ids, toId);
      for (const table of ['diagnoses', 'procedures']) {
        const move = statement(tx, `UPDATE ${table} SET patient_id = ? WHERE encounter_id = ?`);
        for (const id of ids) move.run(toId, id);
      }
    },
  },
  {
    name: 'patients.allergies',
    repoint: (tx: Tx, fromId: string, toId: string) => repointRows(tx, 'allergies', fromId, toId),
    restore: (tx: Tx, ids: readonly string[], toId: string) => restoreRows(tx, 'allergies', ids, toId),
  },
];


/** A patient file as a reviewer compares it with another: demographics only, numbers masked. */
export interface PatientCard {
  id: string;
  name: string;
  gender: MatchingPatient['gender'];
  birthDate: string | null;
  residentId: string | null;
  phone: string | null;
  address: MatchingPatient['address'];
  identifiers: { system: string; value: string }[];
  active: boolean;
  mergedIntoId: string | null;
  visitCount: number;
  createdAt: string;
}

export function patientCard(tx: Tx, ctx: Pick<ServiceContext, 'cipher'>, id: string, showContact: boolean): PatientCard | undefined {
  const p = patientForMatching(tx, ctx, id);
  const row = repo.findPatient(tx, id);
  if (!p || !row) return undefined;
  return {
    id,
    name: p.name,
    gender: p.gender,
    birthDate: p.birthDate,
    residentId: p.residentId ? maskResidentId(p.residentId) : null,
    phone: p.phone ? (showContact ? p.phone : maskPhone(p.phone)) : null,
    address: p.address,
    identifiers: p.identifiers,
    active: p.active,
    mergedIntoId: p.mergedIntoId,
    visitCount: row.visitCount,
    createdAt: row.createdAt,
  };
}
