import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/modules/audit/audit.service.js';
import { PatientFile } from '../../src/modules/patients/patients.schemas.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';

// Files are served from a cache while the patient's revision, raised by database triggers, is unchanged
// (src/modules/patients/file-cache.ts). These tests change every table the file is built from through a second
// connection, as an import CLI or a second instance would, and expect the next read to show the change.
const h = await useTestHospital();
const cardiology = await h.department('CARD', '心内科');
const admin = await h.signIn('admin');
const agent = await h.signIn('agent');
const doctor = await h.signIn('doctor', { departmentId: cardiology });
const otherProcess = new Database(h.dbPath);
afterAll(() => otherProcess.close());

async function read(session: { headers: { authorization: string } }, id: string): Promise<PatientFile> {
  const reply = await h.app.inject({ method: 'GET', url: `/api/patients/${id}`, headers: session.headers });
  expect(reply.statusCode, reply.body).toBe(200);
  return PatientFile.parse(reply.json());
}

async function aPatientSeenInCardiology(): Promise<PatientFile> {
  const created = await h.app.inject({ method: 'POST', url: '/api/patients', headers: admin.headers, payload: aPatient() });
  const id = PatientFile.parse(created.json()).id;
  const encounter = {
    class: 'outpatient',
    departmentId: cardiology,
    startAt: '2026-11-02T01:30:00.000Z',
    summary: '复诊',
    diagnoses: [{ code: 'I10', text: '原发性高血压', primary: true }],
    procedures: [{ code: '89.52', text: '心电图' }],
  };
  expect((await h.app.inject({ method: 'POST', url: `/api/patients/${id}/encounters`, headers: admin.headers, payload: encounter })).statusCode).toBe(201);
  expect((await h.app.inject({ method: 'POST', url: `/api/patients/${id}/allergies`, headers: admin.headers, payload: { substance: '青霉素' } })).statusCode).toBe(201);
  return read(doctor, id);
}

const changes: [string, string, (file: PatientFile) => unknown, unknown][] = [
  ['patients', "UPDATE patients SET occupation = '退休' WHERE id = ?", (f) => f.occupation, '退休'],
  ['patient_identifiers', "UPDATE patient_identifiers SET value = 'MRN-CHANGED' WHERE patient_id = ?", (f) => f.identifiers.map((i) => i.value), ['MRN-CHANGED']],
  ['patient_consents', 'UPDATE patient_consents SET granted = 0 WHERE patient_id = ?', (f) => f.consent.map((c) => c.granted), [false]],
  ['encounters', "UPDATE encounters SET summary = '住院' WHERE patient_id = ?", (f) => f.clinical?.encounters.map((e) => e.summary), ['住院']],
  ['diagnoses', "UPDATE diagnoses SET text = '高血压 2 级' WHERE patient_id = ?", (f) => f.clinical?.encounters[0]?.diagnoses.map((d) => d.text), ['高血压 2 级']],
  ['procedures', "UPDATE procedures SET text = '动态心电图' WHERE patient_id = ?", (f) => f.clinical?.encounters[0]?.procedures.map((p) => p.text), ['动态心电图']],
  ['allergies', 'DELETE FROM allergies WHERE patient_id = ?', (f) => f.clinical?.allergies, []],
];

describe('the patient file cache', () => {
  it.each(changes)('shows a change to %s made by another connection on the next read', async (_table, sql, pick, expected) => {
    const patient = await aPatientSeenInCardiology();
    expect(pick(await read(doctor, patient.id))).not.toEqual(expected);
    otherProcess.prepare(sql).run(patient.id);
    expect(pick(await read(doctor, patient.id))).toEqual(expected);
  });

  it('shows an encounter moved to another patient on both files', async () => {
    const from = await aPatientSeenInCardiology();
    const to = await aPatientSeenInCardiology();
    await read(admin, from.id);
    await read(admin, to.id);
    otherProcess.prepare('UPDATE encounters SET patient_id = ? WHERE patient_id = ?').run(to.id, from.id);
    expect((await read(admin, from.id)).clinical?.encounters).toHaveLength(0);
    expect((await read(admin, to.id)).clinical?.encounters).toHaveLength(2);
    // Cardiology no longer saw the first patient, so its doctor loses the clinical view.
    expect((await read(doctor, from.id)).clinical).toBeNull();
  });

  it('serves each reader the view of their own role, whoever read the file first', async () => {
    const patient = await aPatientSeenInCardiology();
    const asDoctor = await read(doctor, patient.id);
    const asAgent = await read(agent, patient.id);
    expect(asDoctor.clinical?.encounters).toHaveLength(1);
    expect(asAgent.clinical).toBeNull();
    expect(asAgent.access).toEqual({ clinical: false, contact: true });
    const outsider = await h.signIn('doctor', { departmentId: await h.department('ORTH', '骨科') });
    expect((await read(outsider, patient.id)).clinical).toBeNull();
  });

  it('ages the patient when the day changes', async () => {
    const created = await h.app.inject({ method: 'POST', url: '/api/patients', headers: admin.headers, payload: aPatient({ birthDate: '1968-11-24', residentId: undefined }) });
    const id = PatientFile.parse(created.json()).id;
    const before = await read(admin, id);
    h.clock.set('2026-11-24T02:00:00.000Z');
    try {
      const nextMorning = await h.signIn('admin');
      expect((await read(nextMorning, id)).age).toBe((before.age ?? 0) + 1);
    } finally {
      h.clock.set('2026-11-23T02:00:00.000Z');
    }
  });
  it('shows a change made through the service, a consent withdrawn and a merge on the next read', async () => {
    const patient = await aPatientSeenInCardiology();
    await read(doctor, patient.id);
    const patch = (payload: Record<string, unknown>) => h.app.inject({ method: 'PATCH', url: `/api/patients/${patient.id}`, headers: admin.headers, payload });
    expect((await patch({ version: patient.version, occupation: '教师' })).statusCode).toBe(200);
    const updated = await read(doctor, patient.id);
    expect(updated.occupation).toBe('教师');

    const withdrawn = [{ channel: 'sms', purpose: 'care', granted: false, method: 'verbal' }];
    expect((await patch({ version: updated.version, consent: withdrawn })).statusCode).toBe(200);
    expect((await read(doctor, patient.id)).consent.find((c) => c.channel === 'sms' && c.purpose === 'care')?.granted).toBe(false);

    const survivor = await aPatientSeenInCardiology();
    await read(doctor, survivor.id);
    const merge = await h.app.inject({ method: 'POST', url: '/api/identity/merges', headers: admin.headers, payload: { survivorId: survivor.id, mergedId: patient.id } });
    expect(merge.statusCode, merge.body).toBe(200);
    expect((await read(doctor, patient.id)).mergedIntoId).toBe(survivor.id);
    expect((await read(doctor, survivor.id)).clinical?.encounters).toHaveLength(2);
  });

  it('serves a doctor of another department their own view, not the first reader’s', async () => {
    const patient = await aPatientSeenInCardiology();
    expect((await read(doctor, patient.id)).clinical?.encounters).toHaveLength(1);
    const neurologist = await h.signIn('doctor', { departmentId: await h.department('NEUR', '神经内科') });
    expect((await read(neurologist, patient.id)).clinical).toBeNull();
    // And the other way round: the cardiologist still gets the clinical view after the neurologist's read.
    expect((await read(doctor, patient.id)).clinical?.encounters).toHaveLength(1);
  });

  it('audits each read once, whether the kept copy was current or had to be built again', async () => {
    const patient = await aPatientSeenInCardiology();
    const reads = () => (h.db.$client.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'patient.read' AND patient_id = ?").get(patient.id) as { n: number }).n;
    await h.deps.readAudit!.settled();
    const before = reads();
    await read(doctor, patient.id);
    otherProcess.prepare("UPDATE patients SET occupation = '医生' WHERE id = ?").run(patient.id);
    expect((await read(doctor, patient.id)).occupation).toBe('医生');
    await read(doctor, patient.id);
    await h.deps.readAudit!.settled();
    expect(reads()).toBe(before + 3);
    expect(verifyAuditChain(h.db)).toMatchObject({ ok: true });
  });
});
