import { beforeAll, describe, expect, it } from 'vitest';
import { Problem } from '../../src/lib/problem.js';
import { carryOutDueSteps } from '../../src/modules/followup/plans/steps.js';
import { Enrolled, PatientFollowup, PlanVersions, SavedPlan } from '../../src/modules/followup/plans/plans.schemas.js';
import { addEncounter, createPatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital, type StaffSession } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';

/*
 * Orthopedics changes its post-surgery plan: the day-3 call moves to day 2 and a day-14 questionnaire is added.
 * Patients already on the plan follow the new version for the steps not yet carried out, except one whom the
 * nurse kept on the old version; a manager of another department may not touch the plan.
 */
const h = await useTestHospital({ now: '2026-11-23T01:00:00.000Z' });
const POST_SURGERY = 'https://hcrm.example/fhir/Questionnaire/post-surgery-followup';
let orthopedics: string;
let manager: StaffSession;
let nurse: StaffSession;
let otherManager: StaffSession;
let admin: StaffSession;

const v1 = {
  name: { 'zh-CN': '骨科术后随访', en: 'Orthopedic surgery' },
  trigger: 'surgery',
  conditions: { departments: ['ORTH'] },
  steps: [
    { key: 'day0-call', day: 0, kind: 'call', assignee: { role: 'nurse' }, title: '术后当天电话' },
    { key: 'call', day: 3, kind: 'call', assignee: { role: 'nurse' }, title: '术后第3天电话' },
    { key: 'recheck', day: 30, kind: 'care-reminder', reminder: 'recheck' },
  ],
};
const v2 = {
  ...v1,
  steps: [
    { key: 'day0-call', day: 0, kind: 'call', assignee: { role: 'nurse' }, title: '术后当天电话' },
    { key: 'call', day: 2, kind: 'call', assignee: { role: 'nurse' }, title: '术后第2天电话' },
    { key: 'questionnaire', day: 14, kind: 'questionnaire', questionnaire: { url: POST_SURGERY } },
  ],
};

beforeAll(async () => {
  orthopedics = await h.department('ORTH', '骨科');
  await h.department('CARD', '心内科');
  admin = await h.signIn('admin');
  manager = await h.signIn('manager', { departmentId: orthopedics });
  nurse = await h.signIn('nurse', { departmentId: orthopedics });
  otherManager = await h.signIn('manager', { departmentId: await h.department('CARD') });
});

const save = (session: StaffSession, definition: object, code = 'ortho-surgery') => h.app.inject({ method: 'POST', url: '/api/followup-plans', headers: session.headers, payload: { code, definition } });
const scheduleOf = async (patientId: string) => PatientFollowup.parse((await h.app.inject({ method: 'GET', url: `/api/patients/${patientId}/followup`, headers: nurse.headers })).json());

async function operatedPatient(name: string): Promise<string> {
  const patient = await createPatient(h.system(), aPatient({ name, identifiers: [] }));
  await addEncounter(h.system(), patient.id, {
    class: 'surgery',
    status: 'finished',
    departmentId: orthopedics,
    startAt: '2026-11-22T01:00:00Z',
    endAt: '2026-11-22T05:00:00Z',
    chargesCents: 0,
    diagnoses: [{ code: 'S72.0', text: '股骨颈骨折', primary: true }],
    procedures: [{ code: '81.51', text: '全髋关节置换术' }],
  });
  return patient.id;
}

describe('plan versions', () => {
  let kept: string;
  let following: string;

  it('a manager writes the first version for their department', async () => {
    const reply = await save(manager, v1);
    expect(reply.statusCode, reply.body).toBe(201);
    expect(SavedPlan.parse(reply.json())).toMatchObject({ code: 'ortho-surgery', version: 1, status: 'active', replanned: 0 });
  });

  it('enrols operated patients; the day-0 call is carried out at once', async () => {
    following = await operatedPatient('周建华');
    kept = await operatedPatient('吴敏');
    await carryOutDueSteps(h.system());
    const schedule = await scheduleOf(following);
    expect(schedule.enrolments[0]!.steps.map((s) => [s.key, s.status])).toEqual([
      ['day0-call', 'done'],
      ['call', 'scheduled'],
      ['recheck', 'scheduled'],
    ]);
    expect(schedule.enrolments[0]!.reason).toBe('surgery 2026-11-22 · department ORTH');
  });

  it('staff keep one patient on version 1', async () => {
    const enrolmentId = (await scheduleOf(kept)).enrolments[0]!.id;
    const reply = await h.app.inject({ method: 'POST', url: `/api/followup-enrolments/${enrolmentId}/keep-version`, headers: nurse.headers, payload: { keep: true } });
    expect(reply.json()).toEqual({ id: enrolmentId, planVersion: 1, keepVersion: true });
  });

  it('version 2 re-plans the steps not yet carried out, and leaves the kept patient on version 1', async () => {
    const reply = await save(manager, v2);
    expect(SavedPlan.parse(reply.json())).toMatchObject({ version: 2, replanned: 1 });
    const moved = (await scheduleOf(following)).enrolments[0]!;
    expect(moved.plan).toMatchObject({ version: 2, latestVersion: 2 });
    expect(moved.steps.map((s) => [s.key, s.planVersion, s.dueAt.slice(0, 10), s.status])).toEqual([
      ['day0-call', 1, '2026-11-22', 'done'],
      ['call', 2, '2026-11-24', 'scheduled'],
      ['questionnaire', 2, '2026-12-06', 'scheduled'],
    ]);
    const stayed = (await scheduleOf(kept)).enrolments[0]!;
    expect(stayed.plan).toMatchObject({ version: 1, latestVersion: 2 });
    expect(stayed.steps.map((s) => s.key)).toEqual(['day0-call', 'call', 'recheck']);
    const versions = PlanVersions.parse((await h.app.inject({ method: 'GET', url: '/api/followup-plans/ortho-surgery', headers: nurse.headers })).json());
    expect(versions.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(versions.current.scheduledSteps).toBe(4);
  });

  it('letting go of the kept version catches up with the plan at once', async () => {
    const enrolmentId = (await scheduleOf(kept)).enrolments[0]!.id;
    const reply = await h.app.inject({ method: 'POST', url: `/api/followup-enrolments/${enrolmentId}/keep-version`, headers: nurse.headers, payload: { keep: false } });
    expect(reply.json()).toMatchObject({ planVersion: 2, keepVersion: false });
    expect((await scheduleOf(kept)).enrolments[0]!.steps.map((s) => s.key)).toEqual(['day0-call', 'call', 'questionnaire']);
  });

  it('a retired plan enrols no new patients', async () => {
    expect((await h.app.inject({ method: 'POST', url: '/api/followup-plans/ortho-surgery/retire', headers: manager.headers })).statusCode).toBe(200);
    expect((await scheduleOf(await operatedPatient('郑磊'))).enrolments).toEqual([]);
  });

  it('puts a patient on a plan by hand from the patient page, counted from today', async () => {
    await save(manager, v1, 'ortho-manual');
    const patientId = await operatedPatient('冯雪');
    const reply = await h.app.inject({ method: 'POST', url: `/api/patients/${patientId}/followup-enrolments`, headers: nurse.headers, payload: { planCode: 'ortho-manual', note: '家属要求' } });
    expect(reply.statusCode, reply.body).toBe(201);
    expect(Enrolled.parse(reply.json()).scheduledSteps).toBe(3);
    const manual = (await scheduleOf(patientId)).enrolments.find((e) => e.trigger === 'manual')!;
    expect(manual.reason).toMatch(/^enrolled by hand by nurse\d+ from 2026-11-23 · 家属要求$/);
    expect(manual.anchorDate).toBe('2026-11-23');
  });
});

describe('writing plans: bad input and scope', () => {
  it('refuses a manager a plan for another department, or for every department', async () => {
    for (const definition of [v1, { ...v1, conditions: {} }]) {
      const reply = await save(otherManager, definition, 'not-mine');
      expect(Problem.parse(reply.json())).toMatchObject({ status: 403, code: 'followup.plan_scope' });
    }
    expect((await h.app.inject({ method: 'GET', url: '/api/followup-plans/not-mine', headers: admin.headers })).statusCode).toBe(404);
  });

  it('names each problem of a malformed plan and stores nothing', async () => {
    const bad = {
      ...v1,
      hours: { from: '20:00', to: '08:00' },
      conditions: { departments: ['ORTH'], minAge: 70, maxAge: 20 },
      steps: [
        { key: 'a', day: 1, kind: 'call', assignee: { role: 'nurse' }, title: 'x' },
        { key: 'a', day: 2, kind: 'care-reminder', reminder: 'text' },
        { key: 'b', day: -1, kind: 'teleport' },
      ],
    };
    const reply = await save(admin, bad, 'broken');
    const problem = Problem.parse(reply.json());
    expect(problem.status).toBe(400);
    expect(problem.errors!.map((e) => e.field)).toEqual(expect.arrayContaining(['definition.steps.2.kind']));
    const refined = await save(admin, { ...bad, steps: bad.steps.slice(0, 2) }, 'broken');
    expect(Problem.parse(refined.json()).errors!.map((e) => e.field)).toEqual(expect.arrayContaining(['definition.hours.to', 'definition.conditions.maxAge', 'definition.steps.1.key', 'definition.steps.1.text']));
    expect((await h.app.inject({ method: 'GET', url: '/api/followup-plans/broken', headers: admin.headers })).statusCode).toBe(404);
  });

  it('refuses departments and questionnaires that do not exist', async () => {
    const reply = await save(admin, { ...v2, conditions: { departments: ['NOPE'] }, steps: [{ key: 'q', day: 1, kind: 'questionnaire', questionnaire: { url: 'https://nowhere.example/q' } }] }, 'dangling');
    expect(Problem.parse(reply.json())).toMatchObject({
      status: 400,
      code: 'followup.invalid_plan',
      errors: [
        { field: 'definition.conditions.departments.0', code: 'unknown' },
        { field: 'definition.steps.0.questionnaire', code: 'unknown' },
      ],
    });
  });

  it('refuses an unknown plan, an encounter of someone else and a repeated enrolment by hand', async () => {
    const patientId = await operatedPatient('陈静');
    const other = await operatedPatient('林峰');
    const otherEncounter = (h.db.$client.prepare('SELECT id FROM encounters WHERE patient_id = ?').get(other) as { id: string }).id;
    const ownEncounter = (h.db.$client.prepare('SELECT id FROM encounters WHERE patient_id = ?').get(patientId) as { id: string }).id;
    const enrolIn = (payload: object) => h.app.inject({ method: 'POST', url: `/api/patients/${patientId}/followup-enrolments`, headers: nurse.headers, payload });
    expect(Problem.parse((await enrolIn({ planCode: 'no-such-plan' })).json())).toMatchObject({ status: 404, code: 'followup.plan_not_found' });
    expect(Problem.parse((await enrolIn({ planCode: 'ortho-manual', encounterId: otherEncounter })).json())).toMatchObject({ status: 400, code: 'followup.unknown_encounter', errors: [{ field: 'encounterId' }] });
    expect((await enrolIn({ planCode: 'ortho-manual', encounterId: ownEncounter })).statusCode).toBe(409);
    expect(Problem.parse((await enrolIn({ planCode: 'ortho-manual', extra: 1 })).json()).status).toBe(400);
  });

  it('refuses putting a visit on a plan it is already on, naming the code, and schedules nothing more', async () => {
    const patientId = await operatedPatient('韩梅');
    const encounterId = (h.db.$client.prepare('SELECT id FROM encounters WHERE patient_id = ?').get(patientId) as { id: string }).id;
    const enrolIn = () => h.app.inject({ method: 'POST', url: `/api/patients/${patientId}/followup-enrolments`, headers: nurse.headers, payload: { planCode: 'ortho-manual', encounterId } });
    const written = () => ({
      enrolments: h.db.$client.prepare('SELECT count(*) AS n FROM followup_enrolments WHERE patient_id = ?').get(patientId),
      steps: h.db.$client.prepare('SELECT count(*) AS n FROM followup_steps WHERE patient_id = ?').get(patientId),
    });
    // The surgery already put this visit on ortho-manual; by hand it is the same visit and the same plan.
    expect(h.db.$client.prepare("SELECT count(*) AS n FROM followup_enrolments WHERE patient_id = ? AND plan_code = 'ortho-manual' AND encounter_id = ?").get(patientId, encounterId)).toEqual({ n: 1 });
    const before = written();
    const reply = await enrolIn();
    expect(reply.statusCode).toBe(409);
    expect(reply.headers['content-type']).toContain('application/problem+json');
    expect(Problem.parse(reply.json())).toMatchObject({ status: 409, code: 'followup.already_enrolled' });
    expect(written()).toEqual(before);
  });

  it('answers an enrolment that does not exist, or that the nurse may not see, with 404 and changes nothing', async () => {
    const patientId = await operatedPatient('邓超');
    const enrolmentId = (await scheduleOf(patientId)).enrolments[0]!.id;
    const cardiologyNurse = await h.signIn('nurse', { departmentId: await h.department('CARD') });
    const keep = (id: string, session: StaffSession) => h.app.inject({ method: 'POST', url: `/api/followup-enrolments/${id}/keep-version`, headers: session.headers, payload: { keep: true } });
    for (const reply of [await keep('no-such-enrolment', nurse), await keep(enrolmentId, cardiologyNurse)]) {
      expect(reply.statusCode).toBe(404);
      expect(reply.headers['content-type']).toContain('application/problem+json');
      expect(Problem.parse(reply.json())).toMatchObject({ status: 404, code: 'followup.enrolment_not_found' });
    }
    expect(h.db.$client.prepare('SELECT keep_version FROM followup_enrolments WHERE id = ?').get(enrolmentId)).toEqual({ keep_version: 0 });
    expect(h.db.$client.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'followup.enrolment.keep_version' AND entity_id = ?").get(enrolmentId)).toEqual({ n: 0 });
  });
});

describe('enrolments on the patient’s timeline', () => {
  it('page newest first with no entry lost or repeated, also where several share an instant', async () => {
    expect((await save(admin, { ...v1, trigger: 'manual' }, 'ortho-timeline')).statusCode).toBe(201);
    const patientId = await operatedPatient('许文');
    const enrol = async () => expect((await h.app.inject({ method: 'POST', url: `/api/patients/${patientId}/followup-enrolments`, headers: nurse.headers, payload: { planCode: 'ortho-timeline' } })).statusCode).toBe(201);
    // Three enrolments in one instant, two a minute later: a page boundary falls between entries of the same instant.
    for (let i = 0; i < 3; i++) await enrol();
    h.clock.advance(60_000);
    try {
      for (let i = 0; i < 2; i++) await enrol();
    } finally {
      h.clock.advance(-60_000);
    }
    const stored = (h.db.$client.prepare('SELECT id FROM followup_enrolments WHERE patient_id = ? ORDER BY created_at DESC, id DESC').all(patientId) as { id: string }[]).map((r) => r.id);
    // Five by hand, besides any enrolment the surgery itself triggered.
    expect(stored.length).toBeGreaterThanOrEqual(5);

    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const reply = await h.app.inject({ method: 'GET', url: `/api/patients/${patientId}/timeline?kind=followup-enrolment&limit=2${cursor ? `&cursor=${cursor}` : ''}`, headers: nurse.headers });
      expect(reply.statusCode, reply.body).toBe(200);
      const page = reply.json() as { items: { id: string; kind: string; title: string }[]; nextCursor: string | null };
      expect(page.items.every((e) => e.kind === 'followup-enrolment' && e.title === 'followup.enrolment.active')).toBe(true);
      pages.push(page.items.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor && pages.length < 10);
    expect(pages.map((p) => p.length)).toEqual(stored.map((_id, i) => i).filter((i) => i % 2 === 0).map((i) => Math.min(2, stored.length - i)));
    expect(pages.flat()).toEqual(stored);
  });
});
