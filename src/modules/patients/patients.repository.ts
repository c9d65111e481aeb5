import { and, asc, desc, eq, gt, gte, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { prepared, statement, type Tx } from '../../../db/client.js';
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

// The patient file is the most read thing in the hospital: its queries are prepared once per connection.
const idParam = sql.placeholder('id');

/** The patient file's revision (0 until the first change); see db/migrations/0007. */
const FILE_REVISION = 'SELECT coalesce((SELECT revision FROM patient_file_revisions WHERE patient_id = ?), 0)';

export function fileRevision(tx: Tx, patientId: string): number {
  return statement(tx, FILE_REVISION).pluck(true).get(patientId) as number;
}

const FILE_CLOCK = 'SELECT value FROM patient_file_clock WHERE id = 1';

/** Raised with every patient's file revision (migration 0031): unchanged, no file has changed. */
export function fileClock(tx: Tx): number {
  return statement(tx, FILE_CLOCK).pluck(true).get() as number;
}

export function findPatient(tx: Tx, patientId: string): PatientRow | undefined {
  return prepared(tx, 'patients.find', (db) => db.select().from(patients).where(eq(patients.id, idParam)).prepare()).get({ id: patientId });
}

const INSERT_PATIENT = `INSERT INTO patients (id, name, name_pinyin, name_initials, gender, birth_date, resident_id_sealed, resident_id_hash,
  phone, phone_last4, email, province, city, district, address_detail, occupation, employer, source, emergency_contacts,
  preferred_language, preferred_channel, past_history, family_history, tags, created_at, updated_at)
  VALUES (@id, @name, @namePinyin, @nameInitials, @gender, @birthDate, @residentIdSealed, @residentIdHash, @phone, @phoneLast4,
  @email, @province, @city, @district, @addressDetail, @occupation, @employer, @source, @emergencyContacts, @preferredLanguage,
  @preferredChannel, @pastHistory, @familyHistory, @tags, @createdAt, @updatedAt)`;

/** New patients go through a cached statement: imports and the seed insert them by the hundred thousand. */
export function insertPatient(tx: Tx, row: NewPatientRow): void {
  const nullable = (value: string | null | undefined) => value ?? null;
  statement(tx, INSERT_PATIENT).run({
    id: row.id,
    name: row.name,
    namePinyin: row.namePinyin,
    nameInitials: row.nameInitials,
    gender: row.gender,
    birthDate: nullable(row.birthDate),
    residentIdSealed: nullable(row.residentIdSealed),
    residentIdHash: nullable(row.residentIdHash),
    phone: nullable(row.phone),
    phoneLast4: nullable(row.phoneLast4),
    email: nullable(row.email),
    province: nullable(row.province),
    city: nullable(row.city),
    district: nullable(row.district),
    addressDetail: nullable(row.addressDetail),
    occupation: nullable(row.occupation),
    employer: nullable(row.employer),
    source: nullable(row.source),
    emergencyContacts: JSON.stringify(row.emergencyContacts),
    preferredLanguage: row.preferredLanguage ?? 'zh-CN',
    preferredChannel: row.preferredChannel ?? 'sms',
    pastHistory: nullable(row.pastHistory),
    familyHistory: nullable(row.familyHistory),
    tags: JSON.stringify(row.tags),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  });
}

export function updatePatientAtVersion(tx: Tx, id: string, version: number, changes: Partial<NewPatientRow>): boolean {
  return tx.update(patients).set({ ...changes, version: version + 1 }).where(and(eq(patients.id, id), eq(patients.version, version))).run().changes === 1;
}

export function replaceSearchKeys(tx: Tx, patientId: string, keys: string[]): void {
  statement(tx, 'DELETE FROM patient_search_keys WHERE patient_id = ?').run(patientId);
  const insert = statement(tx, 'INSERT OR IGNORE INTO patient_search_keys (key, patient_id) VALUES (?, ?)');
  for (const key of new Set(keys)) insert.run(key, patientId);
}

/** The patients already holding any of these identifiers, to report a duplicate before the insert fails. */
export function ownersOfIdentifiers(tx: Tx, identifiers: { system: string; value: string }[]): { system: string; value: string; patientId: string }[] {
  const lookup = statement(tx, 'SELECT patient_id AS patientId FROM patient_identifiers WHERE system = ? AND value = ?');
  return identifiers.flatMap((i) => (lookup.all(i.system, i.value) as { patientId: string }[]).map((r) => ({ ...i, patientId: r.patientId })));
}

export function replaceIdentifiers(tx: Tx, patientId: string, identifiers: { id: string; system: string; value: string }[]): void {
  statement(tx, 'DELETE FROM patient_identifiers WHERE patient_id = ?').run(patientId);
  const insert = statement(tx, 'INSERT INTO patient_identifiers (id, patient_id, system, value) VALUES (?, ?, ?, ?)');
  for (const i of identifiers) insert.run(i.id, patientId, i.system, i.value);
}

export function replaceTags(tx: Tx, patientId: string, tags: string[]): void {
  statement(tx, 'DELETE FROM patient_tags WHERE patient_id = ?').run(patientId);
  const insert = statement(tx, 'INSERT INTO patient_tags (patient_id, tag) VALUES (?, ?)');
  for (const tag of new Set(tags)) insert.run(patientId, tag);
}

export function consentsOf(tx: Tx, patientId: string): ConsentRow[] {
  return prepared(tx, 'patients.consents', (db) =>
    db.select().from(patientConsents).where(eq(patientConsents.patientId, idParam)).orderBy(asc(patientConsents.channel), asc(patientConsents.purpose)).prepare(),
  ).all({ id: patientId });
}

export function identifiersOfPatient(tx: Tx, patientId: string): { system: string; value: string }[] {
  return prepared(tx, 'patients.identifiers', (db) =>
    db
      .select({ system: patientIdentifiers.system, value: patientIdentifiers.value })
      .from(patientIdentifiers)
      .where(eq(patientIdentifiers.patientId, idParam))
      .orderBy(asc(patientIdentifiers.system))
      .prepare(),
  ).all({ id: patientId });
}

export function upsertConsent(tx: Tx, row: ConsentRow): void {
  statement(
    tx,
    `INSERT INTO patient_consents (patient_id, channel, purpose, granted, recorded_at, method, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (patient_id, channel, purpose) DO UPDATE SET granted = excluded.granted, recorded_at = excluded.recorded_at,
       method = excluded.method, recorded_by = excluded.recorded_by`,
  ).run(row.patientId, row.channel, row.purpose, row.granted ? 1 : 0, row.recordedAt, row.method, row.recordedBy);
}

export function patientIdsWithResidentIdHash(tx: Tx, hash: string): string[] {
  return (statement(tx, 'SELECT id FROM patients WHERE resident_id_hash = ?').all(hash) as { id: string }[]).map((r) => r.id);
}

/** Whether the patient has had an encounter in the department: the department scope of clinical data. */
export function wasSeenInDepartment(tx: Tx, patientId: string, departmentId: string): boolean {
  const seen = statement(tx, 'SELECT 1 FROM encounters WHERE department_id = ? AND patient_id = ? LIMIT 1').get(departmentId, patientId);
  return seen !== undefined;
}

export function hadEncounterSince(tx: Tx, patientId: string, since: string): boolean {
  return statement(tx, "SELECT 1 FROM encounters WHERE patient_id = ? AND start_at >= ? AND status != 'cancelled' LIMIT 1").get(patientId, since) !== undefined;
}

export function encountersOf(tx: Tx, patientId: string): EncounterRow[] {
  return prepared(tx, 'patients.encounters', (db) =>
    db.select().from(encounters).where(eq(encounters.patientId, idParam)).orderBy(desc(encounters.startAt), desc(encounters.id)).prepare(),
  ).all({ id: patientId });
}

const ENCOUNTER_FACTS = `SELECT e.id, e.patient_id AS patientId, e.class, e.status, e.department_id AS departmentId,
  e.attending_doctor_id AS attendingDoctorId, e.start_at AS startAt, e.end_at AS endAt, p.birth_date AS birthDate,
  (SELECT group_concat(d.code, char(31)) FROM diagnoses d WHERE d.encounter_id = e.id) AS diagnosisCodes,
  (SELECT count(*) FROM procedures x WHERE x.encounter_id = e.id) AS procedureCount
  FROM encounters e JOIN patients p ON p.id = e.patient_id WHERE e.id = ?`;

/** An encounter with its diagnosis codes, procedure count and the patient's birth date, in one cached statement (run for every visit an import records). */
export function encounterFactsRow(tx: Tx, id: string): (Pick<EncounterRow, 'id' | 'patientId' | 'class' | 'status' | 'departmentId' | 'attendingDoctorId' | 'startAt' | 'endAt'> & { birthDate: string | null; diagnosisCodes: string | null; procedureCount: number }) | undefined {
  return statement(tx, ENCOUNTER_FACTS).get(id) as ReturnType<typeof encounterFactsRow>;
}

export function findEncounter(tx: Tx, id: string): EncounterRow | undefined {
  return tx.select().from(encounters).where(eq(encounters.id, id)).get();
}

export function findEncounterBySource(tx: Tx, sourceSystem: string, sourceId: string): EncounterRow | undefined {
  return tx.select().from(encounters).where(and(eq(encounters.sourceSystem, sourceSystem), eq(encounters.sourceId, sourceId))).get();
}

export function diagnosesOf(tx: Tx, patientId: string): (typeof diagnoses.$inferSelect)[] {
  return prepared(tx, 'patients.diagnoses', (db) => db.select().from(diagnoses).where(eq(diagnoses.patientId, idParam)).prepare()).all({ id: patientId });
}

export function proceduresOf(tx: Tx, patientId: string): (typeof procedures.$inferSelect)[] {
  return prepared(tx, 'patients.procedures', (db) => db.select().from(procedures).where(eq(procedures.patientId, idParam)).prepare()).all({ id: patientId });
}

export function allergiesOf(tx: Tx, patientId: string): AllergyRow[] {
  return prepared(tx, 'patients.allergies', (db) =>
    db.select().from(allergies).where(eq(allergies.patientId, idParam)).orderBy(desc(allergies.recordedAt)).prepare(),
  ).all({ id: patientId });
}

export function insertEncounter(
  tx: Tx,
  row: typeof encounters.$inferInsert,
  dx: (typeof diagnoses.$inferInsert)[],
  px: (typeof procedures.$inferInsert)[],
): void {
  statement(
    tx,
    `INSERT INTO encounters (id, patient_id, class, status, department_id, attending_doctor_id, attending_doctor_name, start_at, end_at,
       charges_cents, summary, source_system, source_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    row.id,
    row.patientId,
    row.class,
    row.status,
    row.departmentId ?? null,
    row.attendingDoctorId ?? null,
    row.attendingDoctorName ?? null,
    row.startAt,
    row.endAt ?? null,
    row.chargesCents ?? 0,
    row.summary ?? null,
    row.sourceSystem ?? null,
    row.sourceId ?? null,
    row.createdAt,
  );
  const insertDx = statement(tx, 'INSERT INTO diagnoses (id, encounter_id, patient_id, code, text, is_primary) VALUES (?, ?, ?, ?, ?, ?)');
  for (const d of dx) insertDx.run(d.id, d.encounterId, d.patientId, d.code, d.text, d.primary ? 1 : 0);
  const insertPx = statement(tx, 'INSERT INTO procedures (id, encounter_id, patient_id, code, text, performed_at) VALUES (?, ?, ?, ?, ?, ?)');
  for (const p of px) insertPx.run(p.id, p.encounterId, p.patientId, p.code ?? null, p.text, p.performedAt ?? null);
}

/** Keeps the classification columns (last visit, visit count, total spend) in step with the encounters. */
export function refreshVisitSummary(tx: Tx, patientId: string): void {
  statement(
    tx,
    `UPDATE patients SET
      last_visit_at = (SELECT max(start_at) FROM encounters WHERE patient_id = @id AND status NOT IN ('cancelled', 'planned')),
      visit_count = (SELECT count(*) FROM encounters WHERE patient_id = @id AND status NOT IN ('cancelled', 'planned')),
      total_spend_cents = (SELECT coalesce(sum(charges_cents), 0) FROM encounters WHERE patient_id = @id AND status != 'cancelled')
    WHERE id = @id`,
  ).run({ id: patientId });
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

export function patientIdsWithPhone(tx: Tx, phone: string): string[] {
  return (statement(tx, 'SELECT id FROM patients WHERE phone = ? ORDER BY id').all(phone) as { id: string }[]).map((r) => r.id);
}

export interface ContactRow {
  id: string;
  active: number;
  deceasedAt: string | null;
  mergedIntoId: string | null;
  phone: string | null;
  email: string | null;
  preferredLanguage: 'zh-CN' | 'en';
  preferredChannel: 'sms' | 'email' | 'phone' | 'none';
}

/** The messaging hot path reads this for every message it sends, so it is one cached statement. */
export function contactRow(tx: Tx, id: string): ContactRow | undefined {
  return statement(
    tx,
    `SELECT id, active, deceased_at AS deceasedAt, merged_into_id AS mergedIntoId, phone, email, preferred_language AS preferredLanguage,
       preferred_channel AS preferredChannel FROM patients WHERE id = ?`,
  ).get(id) as ContactRow | undefined;
}

export function grantedConsents(tx: Tx, patientId: string): { channel: string; purpose: string }[] {
  return statement(tx, 'SELECT channel, purpose FROM patient_consents WHERE patient_id = ? AND granted = 1').all(patientId) as { channel: string; purpose: string }[];
}

/** Who a message to a patient needs: name and language; ordered by id for batches that resume after the last id. */
export interface OutreachRow {
  id: string;
  name: string;
  birthDate: string | null;
  preferredLanguage: 'zh-CN' | 'en';
}

const outreachColumns = { id: patients.id, name: patients.name, birthDate: patients.birthDate, preferredLanguage: patients.preferredLanguage };

export function outreachInSegment(tx: Tx, f: PatientFilters, afterId: string | undefined, limit: number): OutreachRow[] {
  const where = filterConditions(f);
  if (afterId) where.push(gt(patients.id, afterId));
  return tx.select(outreachColumns).from(patients).where(and(...where)).orderBy(asc(patients.id)).limit(limit).all();
}

export function countInSegment(tx: Tx, f: PatientFilters): number {
  return tx.select({ n: sql<number>`count(*)` }).from(patients).where(and(...filterConditions(f))).get()?.n ?? 0;
}

/** Active patients born on any of these month-days (MM-DD), through the month-day index. */
export function activeBornOn(tx: Tx, monthDays: string[], afterId: string | undefined, limit: number): OutreachRow[] {
  const where = [inArray(sql`substr(${patients.birthDate}, 6)`, monthDays), eq(patients.active, true)];
  if (afterId) where.push(gt(patients.id, afterId));
  return tx.select(outreachColumns).from(patients).where(and(...where)).orderBy(asc(patients.id)).limit(limit).all();
}

export function fieldSourcesOf(tx: Tx, patientId: string): Map<string, { source: string; assertedAt: string }> {
  const rows = statement(tx, 'SELECT field, source, asserted_at AS assertedAt FROM patient_field_sources WHERE patient_id = ?').all(patientId) as {
    field: string;
    source: string;
    assertedAt: string;
  }[];
  return new Map(rows.map((r) => [r.field, { source: r.source, assertedAt: r.assertedAt }]));
}

export function setFieldSources(tx: Tx, patientId: string, fields: string[], source: string, assertedAt: string): void {
  const upsert = statement(
    tx,
    `INSERT INTO patient_field_sources (patient_id, field, source, asserted_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (patient_id, field) DO UPDATE SET source = excluded.source, asserted_at = excluded.asserted_at`,
  );
  for (const field of fields) upsert.run(patientId, field, source, assertedAt);
}

export function insertIdentifier(tx: Tx, row: { id: string; patientId: string; system: string; value: string }): void {
  statement(tx, 'INSERT INTO patient_identifiers (id, patient_id, system, value) VALUES (?, ?, ?, ?)').run(row.id, row.patientId, row.system, row.value);
}

export function moveIdentifier(tx: Tx, patientId: string, from: { system: string; value: string }, to: { system: string; value: string }): boolean {
  return (
    statement(tx, 'UPDATE patient_identifiers SET system = ?, value = ? WHERE patient_id = ? AND system = ? AND value = ?').run(to.system, to.value, patientId, from.system, from.value)
      .changes === 1
  );
}

export function updateEncounter(tx: Tx, id: string, changes: Partial<typeof encounters.$inferInsert>): void {
  tx.update(encounters).set(changes).where(eq(encounters.id, id)).run();
}

export function insertDiagnosis(tx: Tx, row: typeof diagnoses.$inferInsert): void {
  tx.insert(diagnoses).values(row).run();
}

export function insertProcedure(tx: Tx, row: typeof procedures.$inferInsert): void {
  tx.insert(procedures).values(row).run();
}

export function diagnosesOfEncounter(tx: Tx, encounterId: string): (typeof diagnoses.$inferSelect)[] {
  return tx.select().from(diagnoses).where(eq(diagnoses.encounterId, encounterId)).all();
}

export function proceduresOfEncounter(tx: Tx, encounterId: string): (typeof procedures.$inferSelect)[] {
  return tx.select().from(procedures).where(eq(procedures.encounterId, encounterId)).all();
}

export function hasAllergy(tx: Tx, patientId: string, substance: string): boolean {
  return statement(tx, 'SELECT 1 FROM allergies WHERE patient_id = ? AND substance = ? LIMIT 1').get(patientId, substance) !== undefined;
}
