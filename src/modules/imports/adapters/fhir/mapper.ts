import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { startOfLocalDay } from '../../../../lib/clock.js';
import { describeIssues, ImportRecord, type CanonicalEncounter, type CanonicalIdentifier, type Mapped, type UpsertRecord } from '../../canonical.js';
import {
  FhirBundle,
  RESOURCES,
  type CodeableConcept,
  type FhirAllergy,
  type FhirCondition,
  type FhirEncounter,
  type FhirObservation,
  type FhirPatient,
  type FhirProcedure,
  type Reference,
  type ResourceType,
} from './resources.js';

/**
 * FHIR R4 JSON (a Bundle or one resource) → one canonical record per patient, holding that patient's encounters,
 * conditions, procedures, allergies and observations. References are resolved inside the bundle by fullUrl
 * (`urn:uuid:…`) or by `Type/id`; a patient not in the bundle is found on file by its FHIR id. Pure.
 */
export interface FhirMapOptions {
  source: string;
  timeZone: string;
  now: Date;
}

interface Entry {
  path: string;
  fullUrl: string | undefined;
  resource: { resourceType: string; id?: string; meta?: { versionId?: string; lastUpdated?: string } } & Record<string, unknown>;
  raw: string;
}

const ENCOUNTER_CLASS: Record<string, NonNullable<CanonicalEncounter['class']>> = { AMB: 'outpatient', IMP: 'inpatient', ACUTE: 'inpatient', NONAC: 'inpatient', EMER: 'emergency', SS: 'surgery', OBSENC: 'inpatient', PRENC: 'outpatient', HH: 'outpatient', VR: 'outpatient' };
const ENCOUNTER_STATUS: Record<string, CanonicalEncounter['status']> = { planned: 'planned', arrived: 'in-progress', triaged: 'in-progress', 'in-progress': 'in-progress', onleave: 'in-progress', finished: 'finished', cancelled: 'cancelled', 'entered-in-error': 'cancelled' };
const CJK = /[\u3400-\u9fff]/;

/** The system under which a FHIR logical id is kept as a patient identifier. */
export const fhirIdSystem = (source: string) => `fhir:${source}`;

export function adaptFhir(json: unknown, o: FhirMapOptions): Mapped[] {
  const entries: Entry[] = [];
  if (isObject(json) && json['resourceType'] === 'Bundle') {
    const bundle = FhirBundle.safeParse(json);
    if (!bundle.success) return [reject(null, '$', json, 'fhir.invalid_bundle', describeIssues(bundle.error, '$'))];
    bundle.data.entry.forEach((e, i) => entries.push({ path: `entry[${i}].resource`, fullUrl: e.fullUrl, resource: e.resource as Entry['resource'], raw: JSON.stringify(e.resource) }));
  } else if (isObject(json) && typeof json['resourceType'] === 'string') {
    entries.push({ path: '$', fullUrl: undefined, resource: json as Entry['resource'], raw: JSON.stringify(json) });
  } else {
    return [reject(null, '$', json, 'fhir.not_a_resource', '$: is not a FHIR resource (no resourceType)')];
  }

  const out: Mapped[] = [];
  const valid: (Entry & { type: ResourceType; data: Record<string, unknown> })[] = [];
  for (const e of entries) {
    const schema = RESOURCES[e.resource.resourceType as ResourceType] as z.ZodType | undefined;
    if (!schema) {
      out.push(reject(null, e.path, e.resource, 'fhir.unsupported_resource', `${e.path}.resourceType: ${e.resource.resourceType} is not one of ${Object.keys(RESOURCES).join(', ')}`));
      continue;
    }
    const parsed = schema.safeParse(e.resource);
    if (!parsed.success) out.push(reject(null, e.path, e.resource, 'fhir.invalid_resource', describeIssues(parsed.error, e.path)));
    else valid.push({ ...e, type: e.resource.resourceType as ResourceType, data: parsed.data as Record<string, unknown> });
  }

  const byRef = new Map<string, (typeof valid)[number]>();
  for (const e of valid) {
    if (e.fullUrl) byRef.set(e.fullUrl, e);
    if (e.resource.id) byRef.set(`${e.type}/${e.resource.id}`, e);
  }
  const resolve = (ref: Reference | undefined) => {
    const r = ref?.reference;
    if (!r) return undefined;
    return byRef.get(r) ?? byRef.get(r.split('/').slice(-2).join('/'));
  };

  // One record per patient in the bundle; resources about patients outside it get a record of their own.
  const records = new Map<string, { record: UpsertRecord; keys: string[]; raws: string[] }>();
  const recordFor = (ref: Reference | undefined, path: string): { record: UpsertRecord; keys: string[]; raws: string[] } | string => {
    const inBundle = resolve(ref);
    if (inBundle && inBundle.type !== 'Patient') return `${path}: refers to a ${inBundle.type}, not a Patient`;
    const id = inBundle ? `bundle:${inBundle.path}` : patientIdOf(ref?.reference);
    if (!id) return `${path}: ${ref?.reference ?? '(missing)'} is neither a Patient in this bundle nor a Patient/id reference`;
    let group = records.get(id);
    if (!group) {
      const patient = inBundle ? mapPatient(inBundle.data as FhirPatient, o) : null;
      const subject = patient?.identifiers ?? [{ system: fhirIdSystem(o.source), value: id }];
      const assertedAt = inBundle ? instant(inBundle.resource.meta?.lastUpdated, o) : null;
      group = {
        record: { command: 'upsert', key: '', position: inBundle?.path ?? path, assertedAt: assertedAt ?? o.now.toISOString(), person: patient, subject, encounters: [], allergies: [], observations: [] },
        keys: inBundle ? [keyOf(inBundle)] : [],
        raws: inBundle ? [inBundle.raw] : [],
      };
      records.set(id, group);
    }
    return group;
  };

  const encounters = new Map<string, CanonicalEncounter>();
  const encounterFor = (group: { record: UpsertRecord }, ref: Reference | undefined): CanonicalEncounter | undefined => {
    const target = resolve(ref);
    const id = target?.resource.id ?? ref?.reference?.split('/').pop();
    if (!id) return undefined;
    let encounter = encounters.get(id);
    if (!encounter) {
      // An encounter not in this bundle is one already on file: the record only adds to it.
      encounter = { source: { system: o.source, id }, diagnoses: [], procedures: [] };
      encounters.set(id, encounter);
      group.record.encounters.push(encounter);
    }
    return encounter;
  };

  const order: ResourceType[] = ['Patient', 'Encounter', 'Condition', 'Procedure', 'AllergyIntolerance', 'Observation'];
  for (const type of order) {
    for (const e of valid.filter((v) => v.type === type)) {
      if (type === 'Patient') {
        recordFor({ reference: e.fullUrl ?? `Patient/${e.resource.id}` }, e.path);
        continue;
      }
      const subjectRef = (type === 'AllergyIntolerance' ? e.data['patient'] : e.data['subject']) as Reference;
      const group = recordFor(subjectRef, `${e.path}.${type === 'AllergyIntolerance' ? 'patient' : 'subject'}`);
      if (typeof group === 'string') {
        out.push(reject(null, e.path, e.resource, 'fhir.unresolved_reference', group));
        continue;
      }
      const fail = (code: string, reason: string) => out.push(reject(null, e.path, e.resource, code, reason));
      group.keys.push(keyOf(e));
      group.raws.push(e.raw);
      if (type === 'Encounter') {
        const mapped = mapEncounter(e.data as FhirEncounter, e.resource.id ?? e.path, o);
        const existing = encounters.get(mapped.source.id);
        if (existing) Object.assign(existing, { ...mapped, diagnoses: existing.diagnoses, procedures: existing.procedures });
        else {
          encounters.set(mapped.source.id, mapped);
          group.record.encounters.push(mapped);
        }
      } else if (type === 'Condition' || type === 'Procedure') {
        const data = e.data as FhirCondition | FhirProcedure;
        const encounter = encounterFor(group, data.encounter);
        if (!encounter) {
          fail(`fhir.${type.toLowerCase()}_without_encounter`, `${e.path}.encounter: a ${type} is kept on a visit; this one names none`);
          continue;
        }
        const code = codeOf(data.code);
        const source = { system: o.source, id: e.resource.id ?? `${encounter.source.id}/${code.code ?? code.text}` };
        if (type === 'Condition') encounter.diagnoses.push({ source, code: code.code ?? '', text: code.text, primary: encounter.diagnoses.length === 0 });
        else {
          const p = data as FhirProcedure;
          encounter.procedures.push({ source, code: code.code, text: code.text, performedAt: instant(p.performedDateTime ?? p.performedPeriod?.start, o) });
        }
      } else if (type === 'AllergyIntolerance') {
        const a = e.data as FhirAllergy;
        const reaction = a.reaction?.[0];
        group.record.allergies.push({
          source: { system: o.source, id: e.resource.id ?? e.path },
          substance: codeOf(a.code).text,
          reaction: reaction?.manifestation?.map((m) => codeOf(m).text).join(', ') || null,
          severity: reaction?.severity ?? null,
        });
      } else if (type === 'Observation') {
        const ob = e.data as FhirObservation;
        const observedAt = instant(ob.effectiveDateTime ?? ob.issued, o);
        if (!observedAt) {
          fail('fhir.invalid_resource', `${e.path}.effectiveDateTime: is required (or issued)`);
          continue;
        }
        const code = codeOf(ob.code);
        const range = ob.referenceRange?.[0];
        group.record.observations.push({
          source: { system: o.source, id: e.resource.id ?? e.path },
          code: code.code,
          text: code.text,
          value: ob.valueQuantity?.value !== undefined ? String(ob.valueQuantity.value) : (ob.valueString ?? (ob.valueCodeableConcept ? codeOf(ob.valueCodeableConcept).text : null)),
          unit: ob.valueQuantity?.unit ?? null,
          referenceRange: range ? (range.text ?? [range.low?.value, range.high?.value].map((v) => v ?? '').join('-')) : null,
          flag: ob.interpretation?.[0] ? (codeOf(ob.interpretation[0]).code ?? null) : null,
          observedAt,
          encounterSourceId: resolve(ob.encounter)?.resource.id ?? ob.encounter?.reference?.split('/').pop() ?? null,
        });
      }
    }
  }

  for (const group of records.values()) {
    const record = { ...group.record, key: createHash('sha256').update(group.keys.sort().join('\n')).digest('hex') };
    const raw = group.raws.length === 1 ? group.raws[0]! : JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: group.raws.map((r) => ({ resource: JSON.parse(r) as unknown })) });
    const checked = ImportRecord.safeParse(record);
    if (checked.success) out.push({ ok: true, record: checked.data, raw });
    else out.push({ ok: false, rejected: { key: record.key, position: record.position, raw, code: 'fhir.invalid_resource', reason: describeIssues(checked.error, record.position) } });
  }
  return out;
}

function mapPatient(p: FhirPatient, o: FhirMapOptions) {
  const ids: CanonicalIdentifier[] = [];
  let residentId: string | null = null;
  for (const i of p.identifier ?? []) {
    const type = i.type?.coding?.[0]?.code ?? null;
    if (type === 'NNCHN' || type === 'NI' || /resident/i.test(i.system ?? '')) residentId = i.value;
    else ids.push({ system: i.system || o.source, value: i.value, type, assigningAuthority: i.assigner?.display ?? null });
  }
  if (p.id) ids.push({ system: fhirIdSystem(o.source), value: p.id, type: null, assigningAuthority: null });
  const n = p.name?.find((x) => x.use === 'official') ?? p.name?.[0];
  const given = (n?.given ?? []).join(CJK.test(n?.family ?? '') ? '' : ' ');
  const name = n?.text?.trim() || (CJK.test(`${n?.family ?? ''}${given}`) ? `${n?.family ?? ''}${given}` : [given, n?.family].filter(Boolean).join(' '));
  const telecom = p.telecom ?? [];
  const a = p.address?.[0];
  return {
    source: { system: o.source, id: p.id ?? ids[0]?.value ?? 'patient' },
    name,
    gender: p.gender ?? 'unknown',
    birthDate: p.birthDate ?? null,
    residentId,
    phone: telecom.find((t) => t.system === 'phone' || t.system === 'sms')?.value ?? null,
    email: telecom.find((t) => t.system === 'email')?.value ?? null,
    ...(a ? { address: { province: a.state ?? null, city: a.city ?? null, district: a.district ?? null, detail: a.line?.join(' ') || a.text || null } } : {}),
    identifiers: ids,
  };
}

function mapEncounter(e: FhirEncounter, id: string, o: FhirMapOptions): CanonicalEncounter {
  const department = e.serviceProvider?.identifier?.value ?? e.serviceType?.coding?.[0]?.code;
  const startAt = instant(e.period?.start, o);
  const endAt = instant(e.period?.end, o);
  return {
    source: { system: o.source, id },
    class: ENCOUNTER_CLASS[e.class.code ?? ''] ?? 'outpatient',
    status: ENCOUNTER_STATUS[e.status] ?? 'finished',
    ...(department ? { departmentCode: department } : {}),
    ...(e.participant?.[0]?.individual?.display ? { attendingDoctorName: e.participant[0].individual.display } : {}),
    ...(startAt ? { startAt } : {}),
    ...(endAt ? { endAt } : {}),
    summary: e.reasonCode?.map((r) => codeOf(r).text).join('; ') || null,
    diagnoses: [],
    procedures: [],
  };
}

/** Prefers an ICD-10 coding; the text is what a person reads. */
function codeOf(c: CodeableConcept): { code: string | null; text: string } {
  const coding = c.coding?.find((x) => /icd-?10/i.test(x.system ?? '')) ?? c.coding?.[0];
  return { code: coding?.code ?? null, text: c.text ?? coding?.display ?? coding?.code ?? '' };
}

function instant(value: string | undefined, o: FhirMapOptions): string | null {
  if (!value) return null;
  if (value.includes('T')) return new Date(value).toISOString();
  const date = value.length === 4 ? `${value}-01-01` : value.length === 7 ? `${value}-01` : value;
  return startOfLocalDay(date, o.timeZone).toISOString();
}

function patientIdOf(reference: string | undefined): string | null {
  const m = reference ? /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(reference) : null;
  return m ? m[1]! : null;
}

function keyOf(e: Entry): string {
  const { id, meta } = e.resource;
  if (id && meta?.versionId) return `${e.resource.resourceType}/${id}/_history/${meta.versionId}`;
  return `${e.resource.resourceType}#${createHash('sha256').update(e.raw).digest('hex')}`;
}

function reject(key: string | null, position: string, value: unknown, code: string, reason: string): Mapped {
  return { ok: false, rejected: { key, position, raw: JSON.stringify(value) ?? 'null', code, reason } };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
