import { describe, expect, it } from 'vitest';
import { PatientFile, TimelinePage } from '../../src/modules/patients/patients.schemas.js';
import type { StaffSession } from '../helpers/app.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';

const h = await useTestHospital();
const cardiology = await h.department('CARD', '心内科');
const endocrinology = await h.department('ENDO', '内分泌科');
const admin = await h.signIn('admin');
const agent = await h.signIn('agent');
const cardDoctor = await h.signIn('doctor', { departmentId: cardiology });
const cardNurse = await h.signIn('nurse', { departmentId: cardiology });
const cardManager = await h.signIn('manager', { departmentId: cardiology });
const endoDoctor = await h.signIn('doctor', { departmentId: endocrinology });

async function openFile(): Promise<PatientFile> {
  const reply = await h.app.inject({
    method: 'POST',
    url: '/api/patients',
    headers: agent.headers,
    payload: aPatient({ phone: '13812345678', identifiers: [], emergencyContacts: [{ name: '李秀英', relationship: '配偶', phone: '13900001111' }] }),
  });
  expect(reply.statusCode, reply.body).toBe(201);
  return PatientFile.parse(reply.json());
}

async function fileAs(session: StaffSession, id: string): Promise<PatientFile> {
  const reply = await h.app.inject({ method: 'GET', url: `/api/patients/${id}`, headers: session.headers });
  expect(reply.statusCode, reply.body).toBe(200);
  return PatientFile.parse(reply.json());
}

async function timelineAs(session: StaffSession, id: string): Promise<ReturnType<typeof TimelinePage.parse>> {
  const reply = await h.app.inject({ method: 'GET', url: `/api/patients/${id}/timeline`, headers: session.headers });
  expect(reply.statusCode, reply.body).toBe(200);
  return TimelinePage.parse(reply.json());
}

const seenInCardiology = await openFile();
await h.app.inject({
  method: 'POST',
  url: `/api/patients/${seenInCardiology.id}/encounters`,
  headers: cardDoctor.headers,
  payload: { class: 'outpatient', departmentId: cardiology, startAt: '2026-11-20T01:00:00Z', diagnoses: [{ code: 'I10', text: '原发性高血压' }], summary: '复诊' },
});
await h.app.inject({ method: 'POST', url: `/api/patients/${seenInCardiology.id}/allergies`, headers: cardDoctor.headers, payload: { substance: '青霉素' } });
const neverSeen = await openFile();

describe('department scope of clinical details', () => {
  it.each([
    ['doctor', cardDoctor],
    ['nurse', cardNurse],
    ['manager', cardManager],
  ] as const)('shows the clinical section to a %s of a department that has seen the patient', async (_role, session) => {
    const file = await fileAs(session, seenInCardiology.id);
    expect(file.access.clinical).toBe(true);
    expect(file.clinical?.encounters).toEqual([expect.objectContaining({ departmentId: cardiology, diagnoses: [expect.objectContaining({ code: 'I10' })] })]);
    expect(file.clinical?.allergies).toEqual([expect.objectContaining({ substance: '青霉素' })]);
  });

  it('hides the clinical section from a doctor of another department', async () => {
    const file = await fileAs(endoDoctor, seenInCardiology.id);
    expect(file.access).toEqual({ clinical: false, contact: true });
    expect(file.clinical).toBeNull();
    expect(file.summary.visitCount).toBe(1);
  });

  it('hides the clinical section from doctors when no department of theirs has seen the patient', async () => {
    expect((await fileAs(cardDoctor, neverSeen.id)).clinical).toBeNull();
  });

  it('never shows clinical details to a call-centre agent', async () => {
    const file = await fileAs(agent, seenInCardiology.id);
    expect(file.clinical).toBeNull();
    expect(file.access.clinical).toBe(false);
  });

  it('shows every patient’s clinical details to an admin', async () => {
    expect((await fileAs(admin, seenInCardiology.id)).clinical).not.toBeNull();
    expect((await fileAs(admin, neverSeen.id)).clinical).toMatchObject({ encounters: [], allergies: [] });
  });

  it('tells other departments a visit happened on the timeline, but not what for or where', async () => {
    const outside = await timelineAs(endoDoctor, seenInCardiology.id);
    expect(outside.items.map((e) => e.kind).sort()).toEqual(['encounter', 'patient']);
    expect(outside.items.find((e) => e.kind === 'encounter')).toMatchObject({ title: 'encounter.outpatient', detail: null, departmentId: null });
    const forAgent = await timelineAs(agent, seenInCardiology.id);
    expect(forAgent.items.find((e) => e.kind === 'encounter')).toMatchObject({ detail: null, departmentId: null });

    const inside = await timelineAs(cardDoctor, seenInCardiology.id);
    expect(inside.items.map((e) => e.kind).sort()).toEqual(['allergy', 'encounter', 'patient']);
    expect(inside.items.find((e) => e.kind === 'encounter')).toMatchObject({ detail: 'I10 原发性高血压', departmentId: cardiology });
  });

  it('opens the clinical section to a department once it records its own encounter', async () => {
    const patient = await openFile();
    expect((await fileAs(endoDoctor, patient.id)).clinical).toBeNull();
    const reply = await h.app.inject({
      method: 'POST',
      url: `/api/patients/${patient.id}/encounters`,
      headers: endoDoctor.headers,
      payload: { class: 'outpatient', departmentId: endocrinology, startAt: '2026-11-22T01:00:00Z' },
    });
    expect(reply.statusCode, reply.body).toBe(201);
    expect((await fileAs(endoDoctor, patient.id)).clinical?.encounters).toHaveLength(1);
  });
});

describe('clinical writes', () => {
  it('refuses a doctor recording an encounter for another department, and stores nothing', async () => {
    const reply = await h.app.inject({
      method: 'POST',
      url: `/api/patients/${neverSeen.id}/encounters`,
      headers: cardDoctor.headers,
      payload: { class: 'outpatient', departmentId: endocrinology, startAt: '2026-11-22T01:00:00Z' },
    });
    expect(reply.statusCode).toBe(403);
    expect(reply.headers['content-type']).toContain('application/problem+json');
    expect(reply.json()).toMatchObject({ code: 'patients.department_scope' });
    expect(h.db.$client.prepare('SELECT count(*) AS n FROM encounters WHERE patient_id = ?').get(neverSeen.id)).toEqual({ n: 0 });
  });

  it('lets an admin record an encounter for any department', async () => {
    const reply = await h.app.inject({
      method: 'POST',
      url: `/api/patients/${neverSeen.id}/encounters`,
      headers: admin.headers,
      payload: { class: 'exam', departmentId: endocrinology, startAt: '2026-11-21T01:00:00Z', status: 'planned' },
    });
    expect(reply.statusCode, reply.body).toBe(201);
  });

  it('refuses allergies and medical history from a department that has not seen the patient', async () => {
    const patient = await openFile();
    const allergy = await h.app.inject({ method: 'POST', url: `/api/patients/${patient.id}/allergies`, headers: endoDoctor.headers, payload: { substance: '海鲜' } });
    expect(allergy.statusCode).toBe(403);
    const history = await h.app.inject({ method: 'PATCH', url: `/api/patients/${patient.id}`, headers: endoDoctor.headers, payload: { version: 1, familyHistory: '母亲糖尿病' } });
    expect(history.statusCode).toBe(403);
    expect(h.db.$client.prepare('SELECT family_history, version FROM patients WHERE id = ?').get(patient.id)).toEqual({ family_history: null, version: 1 });
  });

  it('refuses clinical writes from roles without the right', async () => {
    for (const session of [agent, cardManager]) {
      const reply = await h.app.inject({
        method: 'POST',
        url: `/api/patients/${seenInCardiology.id}/encounters`,
        headers: session.headers,
        payload: { class: 'outpatient', departmentId: cardiology, startAt: '2026-11-22T01:00:00Z' },
      });
      expect(reply.statusCode).toBe(403);
      expect(reply.json()).toMatchObject({ code: 'auth.forbidden' });
    }
  });
});

describe('contact details by role', () => {
  it('shows managers masked phone, e-mail and emergency contacts and no street address', async () => {
    const file = await fileAs(cardManager, seenInCardiology.id);
    expect(file.access.contact).toBe(false);
    expect(file.phone).toBe('138****5678');
    expect(file.email).toMatch(/^p\*\*\*@example\.cn$/);
    expect(file.address).toMatchObject({ province: '北京市', detail: null });
    expect(file.emergencyContacts).toEqual([{ name: '李秀英', relationship: '配偶', phone: '139****1111' }]);
    expect(file.residentId).toMatch(/^110105\*{8}\d{3}[\dX]$/);
  });

  it('shows the roles that call patients the full contact details', async () => {
    for (const session of [agent, cardDoctor, cardNurse, admin]) {
      const file = await fileAs(session, seenInCardiology.id);
      expect(file.phone).toBe('+8613812345678');
      expect(file.address.detail).toBe('建国路88号');
      expect(file.residentId).toMatch(/\*{8}/);
    }
  });
});
