import { and, asc, desc, eq, gt, gte, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../../db/client.js';
import {
  allergies,
  diagnoses,
  encounters,
  patientConsents,
  patientIdentifiers,
  patients,
  patientSearchKeys,
  patientTags,
  procedures,
} from '../../../db/schema/patients.js';

export type PatientRow = typeof patients.$inferSelect;
export type NewPatientRow = typeof patients.$inferInsert;
export type EncounterRow = typeof encounters.$inferSelect;
export type ConsentRow = typeof patientConsents.$inferSelect;
export type AllergyRow = typeof allergies.$inferSelect;

export function findPatient(tx: Tx, id: string): PatientRow | undefined {
  return tx.select().from(patients).where(eq(patients.id, id)).get();
}

export function insertPatient(tx: Tx, row: NewPatientRow): void {
  tx.insert(patients).values(row).run();
}

export function updatePatientAtVersion(tx: Tx, id: string, version: number, changes: Partial<NewPatientRow>): boolean {
  return tx.update(patients).set({ ...changes, version: version + 1 }).where(and(eq(patients.id, id), eq(patients.version, version))).run().changes === 1;
}

export function replaceSearchKeys(tx: Tx, patientId: string, keys: string[]): void {
  tx.delete(patientSearchKeys).where(eq(patientSearchKeys.patientId, patientId)).run();
  if (keys.length > 0) tx.insert(patientSearchKeys).values([...new Set(keys)].map((key) => ({ key, patientId }))).onConflictDoNothing().run();
}

export function identifiersOf(tx: Tx, patientIds: string[]): Map<string, { system: string; value: string }[]> {
  const result = new Map<string, { system: string; value: string }[]>();
  if (patientIds.length === 0) return result;
  const rows = tx.select().from(patientIdentifiers).where(inArray(patientIdentifiers.patientId, patientIds)).orderBy(asc(patientIdentifiers.system)).all();
  for (const row of rows) result.set(row.patientId, [...(result.get(row.patientId) ?? []), { system: row.system, value: row.value }]);
  return result;
}

/** The patients already holding any of these identifiers, to report a duplicate before the insert fails. */
export function ownersOfIdentifiers(tx: Tx, identifiers: { system: string; value: string }[]): { system: string; value: string; patientId: string }[] {
  if (identifiers.length === 0) return [];
  const match = or(...identifiers.map((i) => and(eq(patientIdentifiers.system, i.system), eq(patientIdentifiers.value, i.value))));
  return tx.select({ system: patientIdentifiers.system, value: patientIdentifiers.value, patientId: patientIdentifiers.patientId }).from(patientIdentifiers).where(match).all();
}

export function replaceIdentifiers(tx: Tx, patientId: string, identifiers: { id: string; system: string; value: string }[]): void {
  tx.delete(patientIdentifiers).where(eq(patientIdentifiers.patientId, patientId)).run();
  if (identifiers.length > 0) tx.insert(patientIdentifiers).values(identifiers.map((i) => ({ ...i, patientId }))).run();
}

export function replaceTags(tx: Tx, patientId: string, tags: string[]): void {
  tx.delete(patientTags).where(eq(patientTags.patientId, patientId)).run();
  if (tags.length > 0) tx.insert(patientTags).values([...new Set(tags)].map((tag) => ({ patientId, tag }))).run();
}

export function consentsOf(tx: Tx, patientId: string): ConsentRow[] {
  return tx.select().from(patientConsents).where(eq(patientConsents.patientId, patientId)).orderBy(asc(patientConsents.channel), asc(patientConsents.purpose)).all();
}

export function upsertConsent(tx: Tx, row: ConsentRow): void {
  tx.insert(patientConsents)
    .values(row)
    .onConflictDoUpdate({
      target: [patientConsents.patientId, patientConsents.channel, patientConsents.purpose],
      set: { granted: row.granted, recordedAt: row.recordedAt, method: row.method, recordedBy: row.recordedBy },
    })
    .run();
}

export function patientIdsWithResidentIdHash(tx: Tx, hash: string): string[] {
  return tx.select({ id: patients.id }).from(patients).where(eq(patients.residentIdHash, hash)).all().map((r) => r.id);
}

/** Whether the patient has had an encounter in the department: the department scope of clinical data. */
export function wasSeenInDepartment(tx: Tx, patientId: string, departmentId: string): boolean {
  const row = tx
    .select({ one: sql<number>`1` })
    .from(encounters)
    .where(and(eq(encounters.departmentId, departmentId), eq(encounters.patientId, patientId)))
    .limit(1)
    .get();
  return row !== undefined;
}

export function encountersOf(tx: Tx, patientId: string): EncounterRow[] {
  return tx.select().from(encounters).where(eq(encounters.patientId, patientId)).orderBy(desc(encounters.startAt), desc(encounters.id)).all();
}

export function findEncounterBySource(tx: Tx, sourceSystem: string, sourceId: string): EncounterRow | undefined {
  return tx.select().from(encounters).where(and(eq(encounters.sourceSystem, sourceSystem), eq(encounters.sourceId, sourceId))).get();
}

export function diagnosesOf(tx: Tx, patientId: string): (typeof diagnoses.$inferSelect)[] {
  return tx.select().from(diagnoses).where(eq(diagnoses.patientId, patientId)).all();
}

export function proceduresOf(tx: Tx, patientId: string): (typeof procedures.$inferSelect)[] {
  return tx.select().from(procedures).where(eq(procedures.patientId, patientId)).all();
}

export function allergiesOf(tx: Tx, patientId: string): AllergyRow[] {
  return tx.select().from(allergies).where(eq(allergies.patientId, patientId)).orderBy(desc(allergies.recordedAt)).all();
}

export function insertEncounter(
  tx: Tx,
  row: typeof encounters.$inferInsert,
  dx: (typeof diagnoses.$inferInsert)[],
  px: (typeof procedures.$inferInsert)[],
): void {
  tx.insert(encounters).values(row).run();
  if (dx.length > 0) tx.insert(diagnoses).values(dx).run();
  if (px.length > 0) tx.insert(procedures).values(px).run();
}

/** Keeps the classification columns (last visit, visit count, total spend) in step with the encounters. */
export function refreshVisitSummary(tx: Tx, patientId: string): void {
  tx.run(sql`
    UPDATE patients SET
      last_visit_at = (SELECT max(start_at) FROM encounters WHERE patient_id = ${patientId} AND status != 'cancelled' AND status != 'planned'),
      visit_count = (SELECT count(*) FROM encounters WHERE patient_id = ${patientId} AND status != 'cancelled' AND status != 'planned'),
      total_spend_cents = (SELECT coalesce(sum(charges_cents), 0) FROM encounters WHERE patient_id = ${patientId} AND status != 'cancelled')
    WHERE id = ${patientId}`);
}

export function insertAllergy(tx: Tx, row: typeof allergies.$inferInsert): void {
  tx.insert(allergies).values(row).run();
}

export interface PatientFilters {
  includeInactive: boolean;
  lastVisitFrom?: string | undefined;
  lastVisitTo?: string | undefined;
  province?: string | undefined;
  city?: string | undefined;
  district?: string | undefined;
  source?: string | undefined;
  departmentId?: string | undefined;
  diagnosisPrefix?: string | undefined;
  minSpendCents?: number | undefined;
  maxSpendCents?: number | undefined;
  tags: string[];
  bornOnOrAfter?: string | undefined;
  bornOnOrBefore?: string | undefined;
}

function filterConditions(f: PatientFilters): SQL[] {
  const where: SQL[] = [];
  if (!f.includeInactive) where.push(eq(patients.active, true));
  if (f.lastVisitFrom) where.push(gte(patients.lastVisitAt, f.lastVisitFrom));
  if (f.lastVisitTo) where.push(lt(patients.lastVisitAt, f.lastVisitTo));
  if (f.province) where.push(eq(patients.province, f.province));
  if (f.city) where.push(eq(patients.city, f.city));
  if (f.district) where.push(eq(patients.district, f.district));
  if (f.source) where.push(eq(patients.source, f.source));
  if (f.minSpendCents !== undefined) where.push(gte(patients.totalSpendCents, f.minSpendCents));
  if (f.maxSpendCents !== undefined) where.push(lte(patients.totalSpendCents, f.maxSpendCents));
  if (f.bornOnOrAfter) where.push(gte(patients.birthDate, f.bornOnOrAfter));
  if (f.bornOnOrBefore) where.push(lte(patients.birthDate, f.bornOnOrBefore));
  if (f.departmentId) {
    where.push(sql`EXISTS (SELECT 1 FROM ${encounters} WHERE ${encounters.patientId} = ${patients.id} AND ${encounters.departmentId} = ${f.departmentId})`);
  }
  if (f.diagnosisPrefix) {
    const [lo, hi] = prefixRange(f.diagnosisPrefix);
    where.push(sql`EXISTS (SELECT 1 FROM ${diagnoses} WHERE ${diagnoses.patientId} = ${patients.id} AND ${diagnoses.code} >= ${lo} AND ${diagnoses.code} < ${hi})`);
  }
  for (const tag of f.tags) {
    where.push(sql`EXISTS (SELECT 1 FROM ${patientTags} WHERE ${patientTags.patientId} = ${patients.id} AND ${patientTags.tag} = ${tag})`);
  }
  return where;
}

/** [prefix, the first string after every string with that prefix): an index range instead of LIKE. */
export function prefixRange(prefix: string): [string, string] {
  return [prefix, `${prefix}\u{10FFFF}`];
}

/** Name search over the key index: already in display order (key, then id); cursor is the last (key, id). */
export function searchByNameKey(tx: Tx, prefix: string, f: PatientFilters, after: [string, string] | undefined, limit: number): { row: PatientRow; key: string }[] {
  const [lo, hi] = prefixRange(prefix);
  const where = [gte(patientSearchKeys.key, lo), lt(patientSearchKeys.key, hi), ...filterConditions(f)];
  // When several keys of one patient match (z → zhangsanfeng and zsf), list the patient once, at the first of them.
  where.push(
    sql`NOT EXISTS (SELECT 1 FROM ${patientSearchKeys} AS earlier WHERE earlier."patient_id" = ${patientSearchKeys.patientId} AND earlier."key" >= ${lo} AND earlier."key" < ${patientSearchKeys.key})`,
  );
  if (after) where.push(or(gt(patientSearchKeys.key, after[0]), and(eq(patientSearchKeys.key, after[0]), gt(patientSearchKeys.patientId, after[1])))!);
  return tx
    .select({ row: patients, key: patientSearchKeys.key })
    .from(patientSearchKeys)
    .innerJoin(patients, eq(patients.id, patientSearchKeys.patientId))
    .where(and(...where))
    .orderBy(asc(patientSearchKeys.key), asc(patientSearchKeys.patientId))
    .limit(limit)
    .all();
}

export type IdMatch = { phone: string } | { phoneLast4: string } | { residentIdHash: string } | { identifierValue: string; system?: string | undefined } | { all: true };

/** Searches whose matches are ordered by patient id; cursor is the last id. */
export function searchById(tx: Tx, match: IdMatch, f: PatientFilters, afterId: string | undefined, limit: number): PatientRow[] {
  const where = filterConditions(f);
  if ('phone' in match) where.push(eq(patients.phone, match.phone));
  else if ('phoneLast4' in match) where.push(eq(patients.phoneLast4, match.phoneLast4));
  else if ('residentIdHash' in match) where.push(eq(patients.residentIdHash, match.residentIdHash));
  else if ('identifierValue' in match) {
    const bySystem = match.system ? sql` AND ${patientIdentifiers.system} = ${match.system}` : sql``;
    where.push(
      inArray(
        patients.id,
        sql`(SELECT ${patientIdentifiers.patientId} FROM ${patientIdentifiers} WHERE ${patientIdentifiers.value} = ${match.identifierValue}${bySystem})`,
      ),
    );
  }
  if (afterId) where.push(gt(patients.id, afterId));
  return tx.select().from(patients).where(and(...where)).orderBy(asc(patients.id)).limit(limit).all();
}

export function anyPatientId(tx: Tx): string | undefined {
  return tx.select({ id: patients.id }).from(patients).limit(1).get()?.id;
}
