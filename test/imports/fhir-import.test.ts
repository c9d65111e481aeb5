import { beforeAll, describe, expect, it } from 'vitest';
import { adaptFhir } from '../../src/modules/imports/adapters/fhir/mapper.js';
import type { UpsertRecord } from '../../src/modules/imports/canonical.js';
import { ImportReport } from '../../src/modules/imports/imports.schemas.js';
import { Problem } from '../../src/lib/problem.js';
import { PatientFile, PatientPage } from '../../src/modules/patients/patients.schemas.js';
import { useTestHospital, type StaffSession } from '../helpers/app.js';
import { residentIdFor } from '../helpers/factories.js';

const options = { source: 'EMR', timeZone: 'Asia/Shanghai', now: new Date('2026-11-23T02:00:00Z') };

const patient = (id: string, extra: object = {}) => ({
  resourceType: 'Patient',
  id,
  meta: { versionId: '1', lastUpdated: '2026-11-20T08:00:00+08:00' },
  identifier: [
    { system: 'EMR', value: `E-${id}`, type: { coding: [{ code: 'MR' }] } },
    { system: 'resident-id', value: residentIdFor('1975-06-01', 'female', '310101', Number(id.replace(/\D/g, '')) % 90), type: { coding: [{ code: 'NNCHN' }] } },
  ],
  name: [{ family: '王', given: ['秀英'] }],
  gender: 'female',
  birthDate: '1975-06-01',
  telecom: [{ system: 'phone', value: '13800138000' }],
  address: [{ state: '上海市', city: '上海市', district: '黄浦区', line: ['南京东路1号'] }],
  ...extra,
});

const bundle = (type: string, patientRef: string, p = patient('p1')) => ({
  resourceType: 'Bundle',
  type,
  entry: [
    { fullUrl: 'urn:uuid:0d1e1d1e-0000-4000-8000-000000000001', resource: p },
    {
      fullUrl: 'urn:uuid:0d1e1d1e-0000-4000-8000-000000000002',
      resource: { resourceType: 'Encounter', id: 'enc1', status: 'finished', class: { code: 'AMB' }, subject: { reference: patientRef }, period: { start: '2026-11-19T09:00:00+08:00', end: '2026-11-19T10:00:00+08:00' }, serviceType: { coding: [{ code: 'CARD' }] } },
    },
    { resource: { resourceType: 'Condition', id: 'c1', code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'I10', display: '原发性高血压' }] }, subject: { reference: patientRef }, encounter: { reference: 'urn:uuid:0d1e1d1e-0000-4000-8000-000000000002' } } },
    { resource: { resourceType: 'Procedure', id: 'pr1', code: { text: '心电图' }, subject: { reference: patientRef }, encounter: { reference: 'Encounter/enc1' }, performedDateTime: '2026-11-19T09:30:00+08:00' } },
    { resource: { resourceType: 'AllergyIntolerance', id: 'al1', code: { text: '磺胺' }, patient: { reference: patientRef }, reaction: [{ manifestation: [{ text: '荨麻疹' }], severity: 'moderate' }] } },
    { resource: { resourceType: 'Observation', id: 'ob1', status: 'final', code: { coding: [{ code: 'SBP', display: '收缩压' }] }, subject: { reference: patientRef }, effectiveDateTime: '2026-11-19T09:10:00+08:00', valueQuantity: { value: 150, unit: 'mmHg' }, interpretation: [{ coding: [{ code: 'H' }] }] } },
  ],
});

describe('the FHIR mapper', () => {
  it.each(['transaction', 'batch', 'collection', 'searchset'])('reads a %s bundle and resolves urn:uuid and relative references', (type) => {
    const [result, ...rest] = adaptFhir(bundle(type, type === 'searchset' ? 'Patient/p1' : 'urn:uuid:0d1e1d1e-0000-4000-8000-000000000001'), options);
    expect(rest).toEqual([]);
    const record = result?.ok ? (result.record as UpsertRecord) : undefined;
    expect(record?.person).toMatchObject({ name: '王秀英', gender: 'female', phone: '13800138000', address: { province: '上海市', district: '黄浦区' } });
    expect(record?.person?.identifiers).toContainEqual(expect.objectContaining({ system: 'fhir:EMR', value: 'p1' }));
    expect(record?.encounters[0]).toMatchObject({ class: 'outpatient', status: 'finished', departmentCode: 'CARD', diagnoses: [{ code: 'I10', primary: true }], procedures: [{ text: '心电图' }] });
    expect(record?.allergies[0]).toMatchObject({ substance: '磺胺', reaction: '荨麻疹', severity: 'moderate' });
    expect(record?.observations[0]).toMatchObject({ code: 'SBP', value: '150', unit: 'mmHg', flag: 'H', observedAt: '2026-11-19T01:10:00.000Z' });
  });

  it('reads a single Patient resource', () => {
    const [r] = adaptFhir(patient('p9'), options);
    expect(r?.ok && (r.record as UpsertRecord).person?.name).toBe('王秀英');
  });

  it.each(['Encounter', 'Condition', 'Procedure', 'AllergyIntolerance', 'Observation'])('reads a single %s about a patient on file by its Patient/id', (type) => {
    const entry = bundle('collection', 'Patient/p1').entry.find((e) => e.resource.resourceType === type)!.resource;
    const single = type === 'Condition' || type === 'Procedure' ? { ...entry, encounter: { reference: 'Encounter/enc1' } } : entry;
    const [r] = adaptFhir(single, options);
    expect(r?.ok).toBe(true);
    expect(r?.ok && (r.record as UpsertRecord)).toMatchObject({ person: null, subject: [{ system: 'fhir:EMR', value: 'p1' }] });
  });

  it('names the JSON path of what is wrong', () => {
    const bad = bundle('collection', 'Patient/p1', patient('p1', { birthDate: '1975/06/01' }));
    const results = adaptFhir(bad, options);
    const rejected = results.filter((r) => !r.ok).map((r) => !r.ok && r.rejected);
    expect(rejected[0]).toMatchObject({ position: 'entry[0].resource', code: 'fhir.invalid_resource' });
    expect(rejected[0] && rejected[0].reason).toContain('entry[0].resource.birthDate');
  });

  it('refuses a bundle type it does not import, a resource it does not know, and a dangling reference', () => {
    expect(adaptFhir({ resourceType: 'Bundle', type: 'history', entry: [] }, options)[0]).toMatchObject({ ok: false, rejected: { code: 'fhir.invalid_bundle' } });
    expect(adaptFhir({ resourceType: 'Medication', id: 'm' }, options)[0]).toMatchObject({ ok: false, rejected: { code: 'fhir.unsupported_resource' } });
    const dangling = { resourceType: 'Observation', code: { text: 'x' }, subject: { reference: 'urn:uuid:nowhere' }, effectiveDateTime: '2026-11-19' };
    expect(adaptFhir(dangling, options)[0]).toMatchObject({ ok: false, rejected: { code: 'fhir.unresolved_reference' } });
  });
});

const h = await useTestHospital();

describe('FHIR over HTTP', () => {
  let admin: StaffSession;
  beforeAll(async () => {
    admin = await h.signIn('admin');
    await h.department('CARD', '心内科');
  });
  const post = (body: unknown, type = 'application/fhir+json') =>
    h.app.inject({ method: 'POST', url: '/api/imports/fhir?source=EMR', headers: { ...admin.headers, 'content-type': type }, payload: typeof body === 'string' ? body : JSON.stringify(body) });

  it('imports a transaction bundle, then changes nothing when the same versions come again', async () => {
    const first = ImportReport.parse((await post(bundle('transaction', 'urn:uuid:0d1e1d1e-0000-4000-8000-000000000001'))).json());
    expect(first).toMatchObject({ received: 1, created: 1, quarantined: 0 });
    const again = ImportReport.parse((await post(bundle('transaction', 'urn:uuid:0d1e1d1e-0000-4000-8000-000000000001'), 'application/json')).json());
    expect(again).toMatchObject({ received: 1, unchanged: 1 });
    const found = PatientPage.parse((await h.app.inject({ method: 'GET', url: '/api/patients?q=E-p1', headers: admin.headers })).json());
    const file = PatientFile.parse((await h.app.inject({ method: 'GET', url: `/api/patients/${found.items[0]!.id}`, headers: admin.headers })).json());
    expect(file.clinical?.encounters[0]?.diagnoses[0]?.code).toBe('I10');
  });

  it('adds a later Observation to the patient by its FHIR id', async () => {
    const report = ImportReport.parse((await post({ resourceType: 'Observation', id: 'ob2', meta: { versionId: '1' }, code: { text: '心率' }, subject: { reference: 'Patient/p1' }, effectiveDateTime: '2026-11-21T08:00:00+08:00', valueQuantity: { value: 72, unit: '/min' } })).json());
    expect(report).toMatchObject({ updated: 1 });
  });

  it('quarantines a resource about a patient nobody has, with its reason', async () => {
    const report = ImportReport.parse((await post({ resourceType: 'AllergyIntolerance', id: 'al9', code: { text: '花粉' }, patient: { reference: 'Patient/ghost' } })).json());
    expect(report).toMatchObject({ quarantined: 1 });
    expect(report.problems[0]).toMatchObject({ code: 'imports.unknown_patient' });
  });

  it('answers malformed JSON and an empty body with a 400 that says so', async () => {
    const broken = await post('{"resourceType": "Patient",');
    expect(broken.statusCode).toBe(400);
    expect(Problem.parse(broken.json()).code).toBe('imports.malformed_json');
    const empty = await h.app.inject({ method: 'POST', url: '/api/imports/fhir', headers: admin.headers });
    expect(empty.statusCode).toBe(400);
  });
});
