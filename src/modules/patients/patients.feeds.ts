import type { Tx } from '../../../db/client.js';
import { localDate } from '../../lib/clock.js';
import type { ServiceContext } from '../../lib/context.js';
import { assertNoFieldErrors, Invalid } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { departmentExists } from '../staff/staff.service.js';
import { checkDemographics, searchKeysFor } from './demographics.js';
import { duplicateIdentifier, inactivePatient, patientNotFound, unknownDepartment } from './patients.errors.js';
import * as repo from './patients.repository.js';
import type { CreateEncounterBody } from './patients.schemas.js';

/**
 * The verbs feeds (imports, later the identity module) use inside their own transaction. They apply the file's
 * rules for data that arrives from another system: each contact, demographic and consent field remembers its
 * source and time; a feed's value wins only if it is newer than the one on file, and a blank never erases.
 */
export interface SourcedDemographics {
  name?: string | null | undefined;
  gender?: 'male' | 'female' | 'other' | 'unknown' | null | undefined;
  birthDate?: string | null | undefined;
  residentId?: string | null | undefined;
  phone?: string | null | undefined;
  email?: string | null | undefined;
  address?: { province?: string | null | undefined; city?: string | null | undefined; district?: string | null | undefined; detail?: string | null | undefined } | undefined;
  occupation?: string | null | undefined;
  employer?: string | null | undefined;
  consent?: { channel: 'sms' | 'email' | 'phone' | 'mail'; purpose: 'care' | 'marketing'; granted: boolean }[] | undefined;
}

/** The fields whose source and time are kept. */
export function provenanceFields(input: SourcedDemographics): string[] {
  const fields: string[] = [];
  for (const key of ['name', 'gender', 'birthDate', 'residentId', 'phone', 'email', 'occupation', 'employer'] as const) if (present(input[key])) fields.push(key);
  for (const key of ['province', 'city', 'district', 'detail'] as const) if (present(input.address?.[key])) fields.push(`address.${key}`);
  for (const c of input.consent ?? []) fields.push(`consent.${c.channel}.${c.purpose}`);
  return fields;
}

export function recordFieldSources(tx: Tx, patientId: string, fields: string[], source: string, assertedAt: string): void {
  if (fields.length > 0) repo.setFieldSources(tx, patientId, fields, source, assertedAt);
}

/**
 * Applies a feed's demographics to a patient on file and returns the fields it changed. A field is taken only
 * when the feed states it (not blank) and states it as of a time later than the source on file; a tie keeps
 * what is there. Validation is the same as for staff (resident ID checksum, phone numbers).
 */
export function applySourcedDemographics(tx: Tx, ctx: ServiceContext, patientId: string, input: SourcedDemographics, origin: { source: string; assertedAt: string }): string[] {
  const current = repo.findPatient(tx, patientId);
  if (!current) throw patientNotFound(patientId);
  if (!current.active) throw inactivePatient(patientId);
  const sources = repo.fieldSourcesOf(tx, patientId);
  const newer = (field: string) => {
    const on = sources.get(field);
    return !on || on.assertedAt < origin.assertedAt;
  };
  const take = (field: string, value: string | null | undefined): value is string => present(value) && newer(field);

  const checked = checkDemographics(
    {
      ...(take('residentId', input.residentId) ? { residentId: input.residentId } : {}),
      ...(take('phone', input.phone) ? { phone: input.phone } : {}),
      ...(take('birthDate', input.birthDate) ? { birthDate: input.birthDate } : {}),
      ...(take('gender', input.gender) && input.gender !== 'unknown' ? { gender: input.gender } : {}),
    },
    { birthDate: current.birthDate, gender: current.gender },
    localDate(ctx.now, ctx.timeZone),
  );
  assertNoFieldErrors('patients.invalid', checked.errors);

  const changes: Partial<repo.NewPatientRow> = {};
  const changed: string[] = [];
  const set = (field: string, column: keyof repo.NewPatientRow, value: unknown, currentValue: unknown) => {
    if (value === undefined || value === null || value === currentValue) return;
    Object.assign(changes, { [column]: value });
    changed.push(field);
  };
  if (take('name', input.name) && input.name !== current.name) {
    const names = searchKeysFor(input.name);
    Object.assign(changes, { name: input.name, namePinyin: names.pinyin, nameInitials: names.initials });
    repo.replaceSearchKeys(tx, patientId, names.keys);
    changed.push('name');
  }
  if (take('gender', input.gender) && input.gender !== 'unknown') set('gender', 'gender', input.gender, current.gender);
  if (take('birthDate', input.birthDate)) set('birthDate', 'birthDate', checked.value.birthDate, current.birthDate);
  if (checked.value.residentId) {
    const hash = ctx.cipher.lookupHash(checked.value.residentId);
    if (hash !== current.residentIdHash) {
      Object.assign(changes, { residentIdSealed: ctx.cipher.encrypt(checked.value.residentId), residentIdHash: hash });
      changed.push('residentId');
    }
  }
  if (checked.value.phone && checked.value.phone !== current.phone) {
    Object.assign(changes, { phone: checked.value.phone, phoneLast4: checked.value.phone.slice(-4) });
    changed.push('phone');
  }
  if (take('email', input.email)) set('email', 'email', input.email, current.email);
  if (take('occupation', input.occupation)) set('occupation', 'occupation', input.occupation, current.occupation);
  if (take('employer', input.employer)) set('employer', 'employer', input.employer, current.employer);
  const columns = { province: 'province', city: 'city', district: 'district', detail: 'addressDetail' } as const;
  for (const [part, column] of Object.entries(columns) as [keyof typeof columns, (typeof columns)[keyof typeof columns]][]) {
    if (take(`address.${part}`, input.address?.[part])) set(`address.${part}`, column, input.address?.[part], current[column]);
  }
  const consents = new Map(repo.consentsOf(tx, patientId).map((c) => [`consent.${c.channel}.${c.purpose}`, c.granted]));
  for (const c of input.consent ?? []) {
    const field = `consent.${c.channel}.${c.purpose}`;
    if (!newer(field) || consents.get(field) === c.granted) continue;
    repo.upsertConsent(tx, { patientId, ...c, method: 'import', recordedAt: origin.assertedAt, recordedBy: origin.source });
    changed.push(field);
  }

  if (changed.some((f) => !f.startsWith('consent.'))) {
    if (!repo.updatePatientAtVersion(tx, patientId, current.version, { ...changes, updatedAt: ctx.now.toISOString() })) throw new Error('patient changed inside its own transaction');
  }
  recordFieldSources(tx, patientId, changed, origin.source, origin.assertedAt);
  return changed;
}

/** Adds the identifiers the patient does not hold yet; one held by another patient is refused. Returns how many. */
export function addIdentifiers(tx: Tx, patientId: string, identifiers: { system: string; value: string }[]): number {
  const owners = repo.ownersOfIdentifiers(tx, identifiers);
  const clashes = owners.filter((o) => o.patientId !== patientId);
  if (clashes.length > 0) throw duplicateIdentifier(clashes);
  const held = new Set(owners.map((o) => `${o.system}\u0000${o.value}`));
  let added = 0;
  for (const i of identifiers) {
    const k = `${i.system}\u0000${i.value}`;
    if (held.has(k)) continue;
    held.add(k);
    repo.insertIdentifier(tx, { id: newId(), patientId, system: i.system, value: i.value });
    added++;
  }
  return added;
}

/** The patient holding any of these identifiers (the first found), for deterministic matching. */
export function patientIdByIdentifiers(tx: Tx, identifiers: { system: string; value: string }[]): string | undefined {
  return repo.ownersOfIdentifiers(tx, identifiers)[0]?.patientId;
}

export function patientIdsByResidentId(tx: Tx, ctx: ServiceContext, residentId: string): string[] {
  return repo.patientIdsWithResidentIdHash(tx, ctx.cipher.lookupHash(residentId));
}

/** HL7 A47: the identifier `from` becomes `to` on the patient holding it. Returns that patient. */
export function changeIdentifier(tx: Tx, from: { system: string; value: string }, to: { system: string; value: string }): string {
  const owner = repo.ownersOfIdentifiers(tx, [from])[0];
  if (!owner) throw new Invalid('patients.identifier_not_found', `No patient holds ${from.system} ${from.value}.`, [{ field: 'from', code: 'unknown', message: 'is held by no patient' }]);
  const holders = repo.ownersOfIdentifiers(tx, [to]);
  const clash = holders.find((o) => o.patientId !== owner.patientId);
  if (clash) throw duplicateIdentifier([clash]);
  if (holders.length === 0) repo.moveIdentifier(tx, owner.patientId, from, to);
  return owner.patientId;
}

export interface SourcedEncounter {
  sourceSystem: string;
  sourceId: string;
  class?: CreateEncounterBody['class'] | undefined;
  status?: CreateEncounterBody['status'] | undefined;
  departmentId?: string | undefined;
  attendingDoctorName?: string | null | undefined;
  startAt?: string | undefined;
  endAt?: string | null | undefined;
  summary?: string | null | undefined;
  diagnoses: { code: string; text: string; primary: boolean }[];
  procedures: { code?: string | null | undefined; text: string; performedAt?: string | null | undefined }[];
}

/**
 * Creates the visit a source names, or brings the one on file up to date: fields left out stay, diagnoses and
 * procedures not yet on it are added. A visit not on file needs class, department and start.
 */
export function upsertEncounterFromSource(tx: Tx, ctx: ServiceContext, patientId: string, input: SourcedEncounter): 'created' | 'updated' | 'unchanged' {
  if (input.departmentId && !departmentExists(tx, input.departmentId)) {
    throw unknownDepartment(input.departmentId);
  }
  const existing = repo.findEncounterBySource(tx, input.sourceSystem, input.sourceId);
  if (existing && existing.patientId !== patientId) {
    throw new Invalid('patients.encounter_of_other_patient', `Visit ${input.sourceSystem} ${input.sourceId} belongs to another patient.`, [{ field: 'sourceId', code: 'other_patient', message: 'belongs to another patient' }]);
  }
  let id: string;
  let outcome: 'created' | 'updated' | 'unchanged' = 'unchanged';
  if (!existing) {
    const missing = (['class', 'departmentId', 'startAt'] as const).filter((k) => !input[k]);
    if (missing.length > 0) {
      throw new Invalid('patients.encounter_incomplete', `Visit ${input.sourceId} is not on file, and a new visit needs ${missing.join(', ')}.`, missing.map((field) => ({ field, code: 'required', message: 'is required for a new visit' })));
    }
    id = newId();
    const endAt = input.endAt ? new Date(input.endAt).toISOString() : null;
    repo.insertEncounter(
      tx,
      { id, patientId, class: input.class!, status: input.status ?? (endAt ? 'finished' : 'in-progress'), departmentId: input.departmentId!, attendingDoctorName: input.attendingDoctorName ?? null, startAt: new Date(input.startAt!).toISOString(), endAt, chargesCents: 0, summary: input.summary ?? null, sourceSystem: input.sourceSystem, sourceId: input.sourceId, createdAt: ctx.now.toISOString() },
      [],
      [],
    );
    outcome = 'created';
  } else {
    id = existing.id;
    const changes: Partial<repo.EncounterRow> = {};
    const put = <K extends keyof repo.EncounterRow>(key: K, value: repo.EncounterRow[K] | undefined) => {
      if (value !== undefined && value !== existing[key]) changes[key] = value;
    };
    put('class', input.class);
    put('status', input.status);
    put('departmentId', input.departmentId);
    put('attendingDoctorName', input.attendingDoctorName ?? undefined);
    put('startAt', input.startAt ? new Date(input.startAt).toISOString() : undefined);
    put('endAt', input.endAt === null ? null : input.endAt ? new Date(input.endAt).toISOString() : undefined);
    put('summary', input.summary ?? undefined);
    if (changes.endAt && changes.endAt < (changes.startAt ?? existing.startAt)) throw new Invalid('patients.invalid', 'endAt is before startAt', [{ field: 'endAt', code: 'before_start', message: 'is before startAt' }]);
    if (Object.keys(changes).length > 0) {
      repo.updateEncounter(tx, id, changes);
      outcome = 'updated';
    }
  }
  const dx = new Set(repo.diagnosesOfEncounter(tx, id).map((d) => d.code));
  for (const d of input.diagnoses.filter((d) => !dx.has(d.code))) {
    dx.add(d.code);
    repo.insertDiagnosis(tx, { id: newId(), encounterId: id, patientId, code: d.code, text: d.text, primary: d.primary });
    if (outcome === 'unchanged') outcome = 'updated';
  }
  const px = new Set(repo.proceduresOfEncounter(tx, id).map((p) => `${p.code ?? ''}\u0000${p.text}`));
  for (const p of input.procedures.filter((p) => !px.has(`${p.code ?? ''}\u0000${p.text}`))) {
    px.add(`${p.code ?? ''}\u0000${p.text}`);
    repo.insertProcedure(tx, { id: newId(), encounterId: id, patientId, code: p.code ?? null, text: p.text, performedAt: p.performedAt ? new Date(p.performedAt).toISOString() : null });
    if (outcome === 'unchanged') outcome = 'updated';
  }
  if (outcome !== 'unchanged') {
    repo.refreshVisitSummary(tx, patientId);
    ctx.encounterEvents.emit(tx, ctx, id, 'import');
  }
  return outcome;
}

/** Records an allergy unless the patient already has one to the same substance. */
export function addAllergyIfNew(tx: Tx, ctx: ServiceContext, patientId: string, allergy: { substance: string; reaction?: string | null | undefined; severity?: 'mild' | 'moderate' | 'severe' | null | undefined }): boolean {
  if (repo.hasAllergy(tx, patientId, allergy.substance)) return false;
  repo.insertAllergy(tx, { id: newId(), patientId, substance: allergy.substance, reaction: allergy.reaction ?? null, severity: allergy.severity ?? null, recordedAt: ctx.now.toISOString() });
  return true;
}

function present(value: string | null | undefined): value is string {
  return typeof value === 'string' && value.trim() !== '';
}
