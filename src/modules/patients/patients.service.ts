import type { Tx } from '../../../db/client.js';
import { localDate } from '../../lib/clock.js';
import type { ServiceContext } from '../../lib/context.js';
import { assertNoFieldErrors, Forbidden, Invalid } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { decodeCursor, encodeCursor, pageOf } from '../../lib/pagination.js';
import { inReadSnapshot, inTransaction } from '../../lib/transaction.js';
import { auditRead } from '../audit/audit.reads.js';
import { audit } from '../audit/audit.service.js';
import { authorize, type StaffActor } from '../staff/permissions.js';
import { departmentExists } from '../staff/staff.service.js';
import { accessTo, canSeeClinical, mayWriteClinicalFor } from './patients.access.js';
import { checkDemographics, searchKeysFor } from './demographics.js';
import { patientFileCache } from './file-cache.js';
import { duplicateIdentifier, inactivePatient, patientNotFound, staleVersion, unknownDepartment } from './patients.errors.js';
import { provenanceFields, recordFieldSources } from './patients.feeds.js';
import * as repo from './patients.repository.js';
import type {
  CreateAllergyBody,
  CreateEncounterBody,
  CreatePatientBody,
  PatientFile,
  PatientSearchQuery,
  PatientSegment,
  PatientSummary,
  TimelineEntry,
  UpdatePatientBody,
} from './patients.schemas.js';
import { filtersOf, planSearch } from './patients.search.js';
import { toPatientFile, toPatientSummary } from './patients.views.js';

const today = (ctx: ServiceContext) => localDate(ctx.now, ctx.timeZone);

export async function createPatient(ctx: ServiceContext, body: CreatePatientBody): Promise<PatientFile> {
  const actor = authorize(ctx, 'patients.create');
  return inTransaction(ctx, (tx) => {
    const id = insertNewPatient(tx, ctx, body);
    audit(tx, ctx, { action: 'patient.create', entityType: 'patient', entityId: id, patientId: id, detail: { fields: Object.keys(body) } });
    return fileOf(tx, ctx, actor, id);
  });
}

/**
 * Validates and writes a new patient with identifiers, tags and consent inside the caller's transaction.
 * Shared by the HTTP verb, imports and the demo seed so every path applies the same rules.
 */
export function insertNewPatient(tx: Tx, ctx: ServiceContext, body: CreatePatientBody, origin?: { source: string; assertedAt: string }): string {
  const checked = checkDemographics(body, null, today(ctx));
  assertNoFieldErrors('patients.invalid', checked.errors);
  const identifiers = uniqueIdentifiers(body.identifiers ?? []);
  const clashes = repo.ownersOfIdentifiers(tx, identifiers);
  if (clashes.length > 0) throw duplicateIdentifier(clashes);

  const id = newId();
  const nowIso = ctx.now.toISOString();
  const names = searchKeysFor(body.name);
  const residentId = checked.value.residentId ?? null;
  const phone = checked.value.phone ?? null;
  const tags = [...new Set(body.tags ?? [])];
  repo.insertPatient(tx, {
    id,
    name: body.name,
    namePinyin: names.pinyin,
    nameInitials: names.initials,
    gender: body.gender,
    birthDate: checked.value.birthDate ?? null,
    residentIdSealed: residentId ? ctx.cipher.encrypt(residentId) : null,
    residentIdHash: residentId ? ctx.cipher.lookupHash(residentId) : null,
    phone,
    phoneLast4: phone ? phone.slice(-4) : null,
    email: body.email ?? null,
    province: body.address?.province ?? null,
    city: body.address?.city ?? null,
    district: body.address?.district ?? null,
    addressDetail: body.address?.detail ?? null,
    occupation: body.occupation ?? null,
    employer: body.employer ?? null,
    source: body.source ?? null,
    emergencyContacts: checked.value.emergencyContacts ?? [],
    preferredLanguage: body.preferredLanguage ?? 'zh-CN',
    preferredChannel: body.preferredChannel ?? 'sms',
    pastHistory: body.pastHistory ?? null,
    familyHistory: body.familyHistory ?? null,
    tags,
    createdAt: nowIso,
    updatedAt: nowIso,
  });
  repo.replaceSearchKeys(tx, id, names.keys);
  repo.replaceIdentifiers(tx, id, identifiers.map((i) => ({ id: newId(), ...i })));
  repo.replaceTags(tx, id, tags);
  for (const consent of body.consent ?? []) repo.upsertConsent(tx, { patientId: id, ...consent, recordedAt: nowIso, recordedBy: actorLabel(ctx) });
  recordFieldSources(tx, id, provenanceFields(body), origin?.source ?? actorLabel(ctx), origin?.assertedAt ?? nowIso);
  return id;
}

export async function getPatientFile(ctx: ServiceContext, id: string, reason?: string): Promise<PatientFile> {
  const actor = authorize(ctx, 'patients.read');
  const cache = patientFileCache(ctx.db);
  const key = cache.keyOf(actor, id, today(ctx));
  const { file } = cache.current(ctx.db, key) ?? cache.build(ctx.db, key, id, (tx) => fileOf(tx, ctx, actor, id));
  await auditRead(ctx, { action: 'patient.read', entityType: 'patient', entityId: id, patientId: id, reason: reason ?? null, detail: { clinical: file.access.clinical } });
  return file;
}

export async function updatePatient(ctx: ServiceContext, id: string, body: UpdatePatientBody): Promise<PatientFile> {
  const actor = authorize(ctx, 'patients.update');
  return inTransaction(ctx, (tx) => {
    const current = repo.findPatient(tx, id);
    if (!current) throw patientNotFound(id);
    if (current.version !== body.version) throw staleVersion(body.version, current.version);
    if (!current.active) throw inactivePatient(id);
    if ((body.pastHistory !== undefined || body.familyHistory !== undefined) && !canSeeClinical(tx, actor, id)) {
      throw new Forbidden('patients.clinical_forbidden', 'Only clinical staff of a department that has seen this patient may change the medical history.');
    }
    const checked = checkDemographics(body, { birthDate: current.birthDate, gender: current.gender }, today(ctx));
    if (checked.errors.length === 0 && body.residentId === undefined && (body.birthDate || body.gender) && current.residentIdSealed) {
      // A changed birth date or gender must still agree with the resident ID already on file.
      const onFile = { residentId: ctx.cipher.decrypt(current.residentIdSealed), birthDate: body.birthDate, gender: body.gender };
      checked.errors.push(...checkDemographics(onFile, { birthDate: current.birthDate, gender: current.gender }, today(ctx)).errors);
    }
    assertNoFieldErrors('patients.invalid', checked.errors);

    const changes: Partial<repo.NewPatientRow> = { updatedAt: ctx.now.toISOString() };
    if (body.name !== undefined) {
      const names = searchKeysFor(body.name);
      Object.assign(changes, { name: body.name, namePinyin: names.pinyin, nameInitials: names.initials });
      repo.replaceSearchKeys(tx, id, names.keys);
    }
    if (body.gender !== undefined) changes.gender = body.gender;
    if (checked.value.birthDate !== undefined) changes.birthDate = checked.value.birthDate;
    if (checked.value.residentId !== undefined) {
      const rid = checked.value.residentId;
      Object.assign(changes, { residentIdSealed: rid ? ctx.cipher.encrypt(rid) : null, residentIdHash: rid ? ctx.cipher.lookupHash(rid) : null });
    }
    if (checked.value.phone !== undefined) Object.assign(changes, { phone: checked.value.phone, phoneLast4: checked.value.phone?.slice(-4) ?? null });
    if (checked.value.emergencyContacts !== undefined) changes.emergencyContacts = checked.value.emergencyContacts;
    if (body.email !== undefined) changes.email = body.email;
    // Address parts left out stay as they are; null clears one.
    const address = body.address ?? {};
    if (address.province !== undefined) changes.province = address.province;
    if (address.city !== undefined) changes.city = address.city;
    if (address.district !== undefined) changes.district = address.district;
    if (address.detail !== undefined) changes.addressDetail = address.detail;
    for (const key of ['occupation', 'employer', 'source', 'preferredLanguage', 'preferredChannel', 'pastHistory', 'familyHistory'] as const) {
      if (body[key] !== undefined) Object.assign(changes, { [key]: body[key] });
    }
    if (body.tags !== undefined) {
      changes.tags = [...new Set(body.tags)];
      repo.replaceTags(tx, id, changes.tags);
    }
    if (body.identifiers !== undefined) {
      const identifiers = uniqueIdentifiers(body.identifiers);
      const clashes = repo.ownersOfIdentifiers(tx, identifiers).filter((c) => c.patientId !== id);
      if (clashes.length > 0) throw duplicateIdentifier(clashes);
      repo.replaceIdentifiers(tx, id, identifiers.map((i) => ({ id: newId(), ...i })));
    }
    for (const consent of body.consent ?? []) {
      repo.upsertConsent(tx, { patientId: id, ...consent, recordedAt: ctx.now.toISOString(), recordedBy: actorLabel(ctx) });
    }
    if (!repo.updatePatientAtVersion(tx, id, body.version, changes)) throw staleVersion(body.version, body.version + 1);
    recordFieldSources(tx, id, staffStatedFields(body), actorLabel(ctx), ctx.now.toISOString());
    const changed = Object.keys(body).filter((k) => k !== 'version');
    audit(tx, ctx, { action: 'patient.update', entityType: 'patient', entityId: id, patientId: id, detail: { changed } });
    return fileOf(tx, ctx, actor, id);
  });
}

export async function setPatientActive(ctx: ServiceContext, id: string, input: { version: number; active: boolean; reason?: string }): Promise<PatientFile> {
  const actor = authorize(ctx, 'patients.deactivate');
  return inTransaction(ctx, (tx) => {
    const current = repo.findPatient(tx, id);
    if (!current) throw patientNotFound(id);
    if (current.version !== input.version) throw staleVersion(input.version, current.version);
    const nowIso = ctx.now.toISOString();
    repo.updatePatientAtVersion(tx, id, input.version, {
      active: input.active,
      deactivatedAt: input.active ? null : nowIso,
      deactivationReason: input.active ? null : (input.reason ?? null),
      updatedAt: nowIso,
    });
    audit(tx, ctx, { action: input.active ? 'patient.reactivate' : 'patient.deactivate', entityType: 'patient', entityId: id, patientId: id, reason: input.reason ?? null });
    return fileOf(tx, ctx, actor, id);
  });
}

export async function searchPatients(ctx: ServiceContext, query: PatientSearchQuery): Promise<{ items: PatientSummary[]; nextCursor: string | null }> {
  const actor = authorize(ctx, 'patients.search');
  const plan = planSearch(ctx, query, today(ctx));
  const found = inReadSnapshot(ctx, (tx) => {
    const limit = query.limit;
    let page: { rows: repo.PatientRow[]; nextCursor: string | null };
    if (plan.kind === 'name') {
      const after = decodeCursor(query.cursor, 2) as [string, string] | undefined;
      const found = repo.searchByNameKey(tx, plan.prefix, plan.filters, after, limit + 1);
      const shown = pageOf(found, limit, (f) => [f.key, f.row.id]);
      page = { rows: shown.items.map((f) => f.row), nextCursor: shown.nextCursor };
    } else {
      const afterId = decodeCursor(query.cursor, 1)?.[0] as string | undefined;
      const merged = mergeById(plan.matches.map((m) => repo.searchById(tx, m, plan.filters, afterId, limit + 1)));
      const shown = pageOf(merged, limit, (row) => [row.id]);
      page = { rows: shown.items, nextCursor: shown.nextCursor };
    }
    const contact = accessTo(tx, actor, '').contact;
    const items = page.rows.map((row) => toPatientSummary(row, ctx.cipher, contact, today(ctx)));
    return { items, nextCursor: page.nextCursor };
  });
  await auditRead(ctx, { action: 'patient.search', entityType: 'patient', detail: { mode: plan.kind === 'name' ? 'name' : plan.mode, returned: found.items.map((i) => i.id) } });
  return found;
}

export async function patientTimeline(
  ctx: ServiceContext,
  id: string,
  query: { limit: number; cursor?: string | undefined; kind?: string | undefined },
): Promise<{ items: TimelineEntry[]; nextCursor: string | null }> {
  const actor = authorize(ctx, 'patients.read');
  const before = decodeCursor(query.cursor, 2) as [string, string] | undefined;
  const { clinical, entries } = inReadSnapshot(ctx, (tx) => {
    if (!repo.findPatient(tx, id)) throw patientNotFound(id);
    const clinical = canSeeClinical(tx, actor, id);
    return { clinical, entries: ctx.timeline.collect(tx, id, { before, limit: query.limit, clinical, kind: query.kind }) };
  });
  await auditRead(ctx, { action: 'patient.timeline.read', entityType: 'patient', entityId: id, patientId: id, detail: { clinical, returned: Math.min(entries.length, query.limit) } });
  const items = entries.slice(0, query.limit);
  const last = items.at(-1);
  return { items, nextCursor: entries.length > query.limit && last ? encodeCursor([last.at, last.id]) : null };
}

export async function addEncounter(ctx: ServiceContext, patientId: string, body: CreateEncounterBody): Promise<PatientFile> {
  const actor = authorize(ctx, 'patients.clinical.write');
  if (!mayWriteClinicalFor(actor, body.departmentId)) {
    throw new Forbidden('patients.department_scope', 'You may record encounters only for your own department.');
  }
  return inTransaction(ctx, (tx) => {
    const patient = repo.findPatient(tx, patientId);
    if (!patient) throw patientNotFound(patientId);
    if (!patient.active) throw inactivePatient(patientId);
    const encounterId = insertEncounterFor(tx, ctx, patientId, body);
    audit(tx, ctx, { action: 'encounter.create', entityType: 'encounter', entityId: encounterId, patientId, detail: { class: body.class, departmentId: body.departmentId } });
    return fileOf(tx, ctx, actor, patientId);
  });
}

/** Writes an encounter with its diagnoses and procedures and refreshes the patient's visit summary. */
export function insertEncounterFor(tx: Tx, ctx: ServiceContext, patientId: string, body: CreateEncounterBody): string {
  if (!departmentExists(tx, body.departmentId)) {
    throw unknownDepartment(body.departmentId);
  }
  if (body.endAt && body.endAt < body.startAt) {
    throw new Invalid('patients.invalid', 'endAt is before startAt', [{ field: 'endAt', code: 'before_start', message: 'is before startAt' }]);
  }
  if (body.sourceSystem && body.sourceId && repo.findEncounterBySource(tx, body.sourceSystem, body.sourceId)) {
    throw new Invalid('patients.duplicate_encounter', `Encounter ${body.sourceSystem} ${body.sourceId} is already on file.`, [{ field: 'sourceId', code: 'taken', message: 'is already on file' }]);
  }
  const id = newId();
  const startAt = new Date(body.startAt).toISOString();
  repo.insertEncounter(
    tx,
    {
      id,
      patientId,
      class: body.class,
      status: body.status,
      departmentId: body.departmentId,
      attendingDoctorId: body.attendingDoctorId ?? null,
      attendingDoctorName: body.attendingDoctorName ?? null,
      startAt,
      endAt: body.endAt ? new Date(body.endAt).toISOString() : null,
      chargesCents: body.chargesCents,
      summary: body.summary ?? null,
      sourceSystem: body.sourceSystem ?? null,
      sourceId: body.sourceId ?? null,
      createdAt: ctx.now.toISOString(),
    },
    body.diagnoses.map((d) => ({ id: newId(), encounterId: id, patientId, code: d.code, text: d.text, primary: d.primary })),
    body.procedures.map((p) => ({ id: newId(), encounterId: id, patientId, code: p.code ?? null, text: p.text, performedAt: p.performedAt ? new Date(p.performedAt).toISOString() : null })),
  );
  repo.refreshVisitSummary(tx, patientId);
  ctx.encounterEvents.emit(tx, ctx, id, ctx.actor.kind === 'staff' ? 'staff' : 'import');
  return id;
}

export async function addAllergy(ctx: ServiceContext, patientId: string, body: CreateAllergyBody): Promise<PatientFile> {
  const actor = authorize(ctx, 'patients.clinical.write');
  return inTransaction(ctx, (tx) => {
    if (!repo.findPatient(tx, patientId)) throw patientNotFound(patientId);
    if (!canSeeClinical(tx, actor, patientId)) throw new Forbidden('patients.department_scope', 'Only a department that has seen this patient may record allergies.');
    const id = newId();
    repo.insertAllergy(tx, { id, patientId, substance: body.substance, reaction: body.reaction ?? null, severity: body.severity ?? null, recordedAt: ctx.now.toISOString() });
    audit(tx, ctx, { action: 'allergy.create', entityType: 'allergy', entityId: id, patientId });
    return fileOf(tx, ctx, actor, patientId);
  });
}

function fileOf(tx: Tx, ctx: ServiceContext, actor: StaffActor, id: string): PatientFile {
  const row = repo.findPatient(tx, id);
  if (!row) throw patientNotFound(id);
  const access = accessTo(tx, actor, id);
  return toPatientFile(tx, row, ctx.cipher, access, today(ctx));
}

function uniqueIdentifiers(list: { system: string; value: string }[]): { system: string; value: string }[] {
  const seen = new Map(list.map((i) => [`${i.system}\u0000${i.value}`, i]));
  return [...seen.values()];
}

function mergeById(lists: repo.PatientRow[][]): repo.PatientRow[] {
  const byId = new Map<string, repo.PatientRow>();
  for (const row of lists.flat()) byId.set(row.id, row);
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** What a staff member stated, cleared fields included: a feed must not bring back what staff removed. */
function staffStatedFields(body: UpdatePatientBody): string[] {
  const top = (['name', 'gender', 'birthDate', 'residentId', 'phone', 'email', 'occupation', 'employer'] as const).filter((k) => body[k] !== undefined);
  const address = (['province', 'city', 'district', 'detail'] as const).filter((k) => body.address?.[k] !== undefined).map((k) => `address.${k}`);
  return [...top, ...address, ...(body.consent ?? []).map((c) => `consent.${c.channel}.${c.purpose}`)];
}

function actorLabel(ctx: ServiceContext): string {
  return `${ctx.actor.kind}:${ctx.actor.id}`;
}

/** Records an allergy inside the caller's transaction (imports, seed). */
export function insertAllergyFor(tx: Tx, ctx: ServiceContext, patientId: string, body: CreateAllergyBody): string {
  const id = newId();
  repo.insertAllergy(tx, { id, patientId, substance: body.substance, reaction: body.reaction ?? null, severity: body.severity ?? null, recordedAt: ctx.now.toISOString() });
  return id;
}

export function hasAnyPatient(ctx: Pick<ServiceContext, 'db'>): boolean {
  return repo.anyPatientId(ctx.db) !== undefined;
}

/** What messaging needs to address a patient and to know it still may: one read, no audit (the caller audits). */
export interface ContactProfile {
  id: string;
  /** Why nothing may be sent at all, or null. */
  unreachable: 'deactivated' | 'deceased' | 'merged' | null;
  phone: string | null;
  email: string | null;
  preferredLanguage: 'zh-CN' | 'en';
  preferredChannel: 'sms' | 'email' | 'phone' | 'none';
  /** Granted consents as `channel:purpose` (sms:care, email:marketing). */
  consents: Set<string>;
}

export function contactProfile(tx: Tx, patientId: string): ContactProfile | null {
  const row = repo.contactRow(tx, patientId);
  if (!row) return null;
  const unreachable = row.deceasedAt ? 'deceased' : row.mergedIntoId ? 'merged' : row.active ? null : 'deactivated';
  const consents = new Set(repo.grantedConsents(tx, patientId).map((c) => `${c.channel}:${c.purpose}`));
  return { id: row.id, unreachable, phone: row.phone, email: row.email, preferredLanguage: row.preferredLanguage, preferredChannel: row.preferredChannel, consents };
}

export function patientIdsWithPhone(tx: Tx, e164: string): string[] {
  return repo.patientIdsWithPhone(tx, e164);
}

/**
 * Records consent changes that the patient made themselves (an SMS STOP, an unsubscribe link), with time and
 * source, and audits them. The patients module owns consent; messaging changes it only through this verb.
 */
export function recordPatientConsent(
  tx: Tx,
  ctx: ServiceContext,
  patientId: string,
  changes: { channel: 'sms' | 'email'; purpose: 'care' | 'marketing'; granted: boolean }[],
  source: { method: 'sms_reply' | 'email_link' | 'verbal'; detail: string },
): void {
  if (!repo.findPatient(tx, patientId)) throw patientNotFound(patientId);
  const recordedAt = ctx.now.toISOString();
  for (const change of changes) repo.upsertConsent(tx, { patientId, ...change, recordedAt, method: source.method, recordedBy: actorLabel(ctx) });
  audit(tx, ctx, { action: 'patient.consent.update', entityType: 'patient', entityId: patientId, patientId, reason: source.detail, detail: { changes, method: source.method } });
}

/*
 * Verbs for modules that write to patients (care greetings and campaigns), inside the caller's transaction. They
 * return only what a message needs and never inactive files; the caller audits what it does with them.
 */
export type OutreachPatient = repo.OutreachRow;

export function patientsInSegment(tx: Tx, ctx: ServiceContext, segment: PatientSegment, afterId: string | undefined, limit: number): OutreachPatient[] {
  return repo.outreachInSegment(tx, filtersOf(segment, today(ctx), ctx.timeZone), afterId, limit);
}

export function countPatientsInSegment(tx: Tx, ctx: ServiceContext, segment: PatientSegment): number {
  return repo.countInSegment(tx, filtersOf(segment, today(ctx), ctx.timeZone));
}

/** Active patients whose birthday (MM-DD) is one of these, in id order from `afterId`. */
export function patientsWithBirthday(tx: Tx, monthDays: string[], afterId: string | undefined, limit: number): OutreachPatient[] {
  return repo.activeBornOn(tx, monthDays, afterId, limit);
}

/** One patient as a message needs them, with whether the file is active; undefined when there is none. */
export function outreachPatient(tx: Tx, patientId: string): (OutreachPatient & { active: boolean }) | undefined {
  const row = repo.findPatient(tx, patientId);
  return row ? { id: row.id, name: row.name, birthDate: row.birthDate, preferredLanguage: row.preferredLanguage, active: row.active } : undefined;
}

/** A patient as care sees one: undefined when there is none; `clinical` is the actor's department scope. */
export function patientForCare(tx: Tx, actor: StaffActor, patientId: string): (OutreachPatient & { active: boolean; clinical: boolean }) | undefined {
  const patient = outreachPatient(tx, patientId);
  return patient ? { ...patient, clinical: canSeeClinical(tx, actor, patientId) } : undefined;
}

/**
 * What another module needs to link its records to a patient's visit, inside its own transaction: whether the
 * patient exists and is active, and the encounter's department and doctor (undefined when either is missing or
 * the encounter belongs to someone else).
 */
export function patientRef(tx: Tx, patientId: string): { active: boolean } | undefined {
  const row = repo.findPatient(tx, patientId);
  return row ? { active: row.active } : undefined;
}

export function encounterRef(tx: Tx, patientId: string, encounterId: string): { departmentId: string | null; doctorId: string | null } | undefined {
  const row = repo.encountersOf(tx, patientId).find((e) => e.id === encounterId);
  return row ? { departmentId: row.departmentId, doctorId: row.attendingDoctorId } : undefined;
}

/** Whether the patient had a visit (any encounter not cancelled) starting at or after the instant: consultation conversion. */
export function hadEncounterSince(tx: Tx, patientId: string, since: string): boolean {
  return repo.hadEncounterSince(tx, patientId, since);
}

/** Who is calling, for the call centre's card: the summary a role may see (masked ID, masked phone without contact rights) and consent. */
export function callerIdentity(tx: Tx, ctx: ServiceContext, actor: StaffActor, patientId: string): (PatientSummary & { consent: { channel: string; purpose: string; granted: boolean }[] }) | undefined {
  const row = repo.findPatient(tx, patientId);
  if (!row || row.mergedIntoId) return undefined;
  const summary = toPatientSummary(row, ctx.cipher, accessTo(tx, actor, patientId).contact, today(ctx));
  return { ...summary, consent: repo.consentsOf(tx, patientId).map((c) => ({ channel: c.channel, purpose: c.purpose, granted: c.granted })) };
}

/**
 * The patient a booking names by resident ID and mobile (the patients' page, an agent with a new caller): the file
 * with that resident ID, else a new file with SMS consent for care messages (given on the booking form). The caller
 * has validated both and audits the booking.
 */
export function patientForBooking(tx: Tx, ctx: ServiceContext, person: { name: string; phone: string; residentId: string; gender: 'male' | 'female'; birthDate: string }): { id: string; created: boolean } {
  const [existing] = repo.patientIdsWithResidentIdHash(tx, ctx.cipher.lookupHash(person.residentId));
  if (existing) return { id: existing, created: false };
  const id = insertNewPatient(tx, ctx, {
    name: person.name,
    gender: person.gender,
    birthDate: person.birthDate,
    residentId: person.residentId,
    phone: person.phone,
    source: 'online',
    consent: [{ channel: 'sms', purpose: 'care', granted: true, method: 'web' }],
  });
  audit(tx, ctx, { action: 'patient.create', entityType: 'patient', entityId: id, patientId: id, reason: 'booking' });
  return { id, created: true };
}
