import { beforeAll, describe, expect, it } from 'vitest';
import { Problem } from '../../src/lib/problem.js';
import { carryOutDueSteps } from '../../src/modules/followup/plans/steps.js';
import { PatientFollowup } from '../../src/modules/followup/plans/plans.schemas.js';
import { markOverdue } from '../../src/modules/followup/worklist/worklist.service.js';
import { FollowupTask, FollowupTaskDetail, FollowupVisit, WorklistPage } from '../../src/modules/followup/worklist/worklist.schemas.js';
import { addEncounter, createPatient } from '../../src/modules/patients/patients.service.js';
import { TEST_PASSWORD, useTestHospital, type StaffSession } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';

/*
 * A cardiology nurse works the follow-up calls of the day: claims one, cannot reach the patient twice and then
 * reaches them and fills in the hypertension questionnaire for them; the manager sees what is overdue; a
 * doctor asks for a follow-up visit (复诊) and the patient's next visit to cardiology marks it attended.
 */
const h = await useTestHospital({ now: '2026-11-23T01:30:00.000Z' });
const HYPERTENSION = 'https://hcrm.example/fhir/Questionnaire/hypertension-followup';
let cardiology: string;
let orthopedics: string;
const staff = {} as Record<'admin' | 'manager' | 'nurse' | 'nurse2' | 'doctor' | 'orthoNurse' | 'orthoManager', StaffSession & { departmentId?: string }>;

async function signInAll() {
  staff.admin = await h.signIn('admin');
  staff.manager = await h.signIn('manager', { departmentId: cardiology });
  staff.nurse = await h.signIn('nurse', { departmentId: cardiology, username: `nurse.li.${Date.now()}${Math.random()}` });
  staff.nurse2 = await h.signIn('nurse', { departmentId: cardiology });
  staff.doctor = await h.signIn('doctor', { departmentId: cardiology });
  staff.orthoNurse = await h.signIn('nurse', { departmentId: orthopedics });
  staff.orthoManager = await h.signIn('manager', { departmentId: orthopedics });
}

/** Sessions end when idle; after the clock moves, the same people sign in again. */
async function signInAgain() {
  for (const session of Object.values(staff)) {
    const reply = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: session.username, password: TEST_PASSWORD } });
    session.headers = { authorization: `Bearer ${(reply.json() as { token: string }).token}` };
  }
}

async function moveClock(instant: string) {
  h.clock.set(instant);
  await signInAgain();
}

beforeAll(async () => {
  cardiology = await h.department('CARD', '心内科');
  orthopedics = await h.department('ORTH', '骨科');
  await signInAll();
  const plan = {
    code: 'htn-calls',
    definition: {
      name: { 'zh-CN': '高血压电话随访', en: 'Hypertension calls' },
      trigger: 'outpatient-visit',
      conditions: { diagnosisPrefixes: ['I10'] },
      hours: { from: '09:00', to: '17:00' },
      maxAttempts: 3,
      steps: [{ key: 'day0-call', day: 0, kind: 'call', assignee: { role: 'nurse' }, title: '高血压电话随访', questionnaire: { url: HYPERTENSION } }],
    },
  };
  expect((await h.app.inject({ method: 'POST', url: '/api/followup-plans', headers: staff.manager.headers, payload: { ...plan, definition: { ...plan.definition, conditions: { ...plan.definition.conditions, departments: ['CARD'] } } } })).statusCode).toBe(201);
});

async function hypertensivePatient(departmentId = cardiology, name = '赵桂兰'): Promise<string> {
  const patient = await createPatient(h.system(), aPatient({ name, gender: 'female', birthDate: '1955-06-01', identifiers: [] }));
  await addEncounter(h.system(), patient.id, { class: 'outpatient', status: 'finished', departmentId, startAt: '2026-11-23T01:00:00Z', chargesCents: 0, diagnoses: [{ code: 'I10', text: '原发性高血压', primary: true }], procedures: [] });
  await carryOutDueSteps(h.system());
  return patient.id;
}

const get = async (url: string, session: StaffSession) => h.app.inject({ method: 'GET', url, headers: session.headers });
const post = async (url: string, session: StaffSession, payload: object) => h.app.inject({ method: 'POST', url, headers: session.headers, payload });
const worklist = async (query: string, session: StaffSession) => {
  const reply = await get(`/api/followup-tasks?${query}`, session);
  expect(reply.statusCode, reply.body).toBe(200);
  return WorklistPage.parse(reply.json());
};
const taskOf = async (patientId: string) => (await worklist('scope=department&due=all', staff.admin)).items.find((t) => t.patientId === patientId)!;

describe('worklists', () => {
  it('show a department its own tasks due today, and nothing of another department', async () => {
    const patientId = await hypertensivePatient();
    const today = await worklist('scope=department&due=today', staff.nurse);
    expect(today.items.map((t) => t.patientId)).toContain(patientId);
    expect(today.items.every((t) => t.departmentId === cardiology)).toBe(true);
    expect((await worklist('scope=department&due=today', staff.orthoNurse)).items).toEqual([]);
    expect((await worklist('scope=department&due=upcoming', staff.nurse)).items.map((t) => t.patientId)).not.toContain(patientId);
    expect((await worklist('scope=mine&due=today', staff.nurse)).items).toEqual([]);
  });

  it('hide another department’s task behind 404', async () => {
    const task = await taskOf(await hypertensivePatient());
    for (const session of [staff.orthoNurse, staff.orthoManager]) expect((await get(`/api/followup-tasks/${task.id}`, session)).statusCode).toBe(404);
    const claim = await post(`/api/followup-tasks/${task.id}/claim`, staff.orthoNurse, { version: task.version });
    expect(Problem.parse(claim.json())).toMatchObject({ status: 404, code: 'followup.task_not_found' });
  });
});

describe('a call task', () => {
  it('is claimed by one nurse; a second claim or a stale version is a conflict', async () => {
    const task = await taskOf(await hypertensivePatient());
    const claimed = FollowupTask.parse((await post(`/api/followup-tasks/${task.id}/claim`, staff.nurse, { version: 1 })).json());
    expect(claimed).toMatchObject({ assigneeId: expect.any(String), version: 2 });
    const again = await post(`/api/followup-tasks/${task.id}/claim`, staff.nurse2, { version: 2 });
    expect(Problem.parse(again.json())).toMatchObject({ status: 409, code: 'followup.task_taken' });
    const stale = await post(`/api/followup-tasks/${task.id}/outcome`, staff.nurse, { version: 1, outcome: 'reached' });
    expect(Problem.parse(stale.json())).toMatchObject({ status: 409, code: 'followup.task_changed' });
    expect((await worklist('scope=mine&due=today', staff.nurse)).items.map((t) => t.id)).toContain(task.id);
  });

  it('is retried later within the plan’s hours when the patient is not reached, and fails after the last attempt', async () => {
    const task = await taskOf(await hypertensivePatient());
    let current = FollowupTask.parse((await post(`/api/followup-tasks/${task.id}/outcome`, staff.nurse2, { version: 1, outcome: 'not-reached', notes: '无人接听' })).json());
    // 09:30 Beijing + 4 h = 13:30, inside 09:00–17:00.
    expect(current).toMatchObject({ status: 'open', attempts: 1, dueAt: '2026-11-23T05:30:00.000Z', outcome: 'not-reached' });
    await moveClock('2026-11-23T08:30:00.000Z');
    current = FollowupTask.parse((await post(`/api/followup-tasks/${task.id}/outcome`, staff.nurse2, { version: current.version, outcome: 'not-reached' })).json());
    // 16:30 + 4 h is after 17:00: the next morning at 09:00.
    expect(current).toMatchObject({ status: 'open', attempts: 2, dueAt: '2026-11-24T01:00:00.000Z' });
    current = FollowupTask.parse((await post(`/api/followup-tasks/${task.id}/outcome`, staff.nurse2, { version: current.version, outcome: 'not-reached' })).json());
    expect(current).toMatchObject({ status: 'failed', attempts: 3, closedAt: expect.any(String) });
    const detail = FollowupTaskDetail.parse((await get(`/api/followup-tasks/${task.id}`, staff.manager)).json());
    expect(detail.history.map((a) => a.outcome)).toEqual(['not-reached', 'not-reached', 'not-reached']);
    expect(detail.history[0]!.notes).toBe('无人接听');
    const closed = await post(`/api/followup-tasks/${task.id}/outcome`, staff.nurse2, { version: current.version, outcome: 'reached' });
    expect(Problem.parse(closed.json())).toMatchObject({ status: 409, code: 'followup.task_closed' });
    await moveClock('2026-11-23T01:30:00.000Z');
  });

  it('records the questionnaire a reached patient answered on the phone, scored on the server', async () => {
    const patientId = await hypertensivePatient();
    const task = await taskOf(patientId);
    const answers = questionnaireAnswers();
    const reply = await post(`/api/followup-tasks/${task.id}/outcome`, staff.nurse, { version: 1, outcome: 'reached', notes: '血压控制可', answers });
    expect(reply.statusCode, reply.body).toBe(200);
    const done = FollowupTask.parse(reply.json());
    expect(done).toMatchObject({ status: 'done', outcome: 'reached', responseId: expect.any(String) });
    const response = h.db.$client.prepare('SELECT * FROM questionnaire_responses WHERE id = ?').get(done.responseId) as Record<string, unknown>;
    expect(response).toMatchObject({ patient_id: patientId, department_id: cardiology, source: 'staff' });
  });

  it('refuses answers with another outcome, answers that do not fit, and writes nothing', async () => {
    const task = await taskOf(await hypertensivePatient());
    const notReached = await post(`/api/followup-tasks/${task.id}/outcome`, staff.nurse, { version: 1, outcome: 'not-reached', answers: questionnaireAnswers() });
    expect(Problem.parse(notReached.json())).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'answers' })] });
    const bad = await post(`/api/followup-tasks/${task.id}/outcome`, staff.nurse, { version: 1, outcome: 'reached', answers: { nonsense: 'x' } });
    expect(Problem.parse(bad.json())).toMatchObject({ status: 400, code: 'questionnaires.invalid_answers' });
    const unknownOutcome = await post(`/api/followup-tasks/${task.id}/outcome`, staff.nurse, { version: 1, outcome: 'maybe' });
    expect(unknownOutcome.statusCode).toBe(400);
    expect(FollowupTaskDetail.parse((await get(`/api/followup-tasks/${task.id}`, staff.nurse)).json())).toMatchObject({ status: 'open', attempts: 0, history: [] });
  });

  it('stops the patient’s follow-up when the family reports the patient deceased', async () => {
    const patientId = await hypertensivePatient();
    const task = await taskOf(patientId);
    const visit = await post(`/api/patients/${patientId}/followup-visits`, staff.doctor, { inDays: 30 });
    expect(visit.statusCode, visit.body).toBe(201);
    await post(`/api/followup-tasks/${task.id}/outcome`, staff.nurse, { version: 1, outcome: 'deceased', notes: '家属告知' });
    const schedule = PatientFollowup.parse((await get(`/api/patients/${patientId}/followup`, staff.nurse)).json());
    expect(schedule.enrolments.every((e) => e.status === 'stopped' && e.stopReason === 'patient deceased')).toBe(true);
    expect(schedule.visits.map((v) => v.status)).toEqual(['cancelled']);
    const queued = h.db.$client.prepare("SELECT count(*) AS n FROM messages WHERE patient_id = ? AND status = 'queued'").get(patientId) as { n: number };
    expect(queued.n).toBe(0);
  });
});

describe('a call task without a questionnaire', () => {
  it('refuses answers with the code followup.no_questionnaire and records no attempt or response', async () => {
    const plain = {
      code: 'htn-plain-calls',
      definition: {
        name: { 'zh-CN': '高血压心脏病电话随访', en: 'Hypertensive heart disease calls' },
        trigger: 'outpatient-visit',
        conditions: { departments: ['CARD'], diagnosisPrefixes: ['I11'] },
        steps: [{ key: 'day0-call', day: 0, kind: 'call', assignee: { role: 'nurse' }, title: '电话随访（无问卷）' }],
      },
    };
    expect((await post('/api/followup-plans', staff.manager, plain)).statusCode).toBe(201);
    const patient = await createPatient(h.system(), aPatient({ name: '周建华', gender: 'male', birthDate: '1950-02-14', identifiers: [] }));
    await addEncounter(h.system(), patient.id, { class: 'outpatient', status: 'finished', departmentId: cardiology, startAt: '2026-11-23T01:00:00Z', chargesCents: 0, diagnoses: [{ code: 'I11.9', text: '高血压性心脏病', primary: true }], procedures: [] });
    await carryOutDueSteps(h.system());
    const task = await taskOf(patient.id);
    expect(task.questionnaire).toBeNull();

    const reply = await post(`/api/followup-tasks/${task.id}/outcome`, staff.nurse, { version: 1, outcome: 'reached', answers: questionnaireAnswers() });
    expect(reply.statusCode).toBe(400);
    expect(reply.headers['content-type']).toContain('application/problem+json');
    expect(Problem.parse(reply.json())).toMatchObject({ status: 400, code: 'followup.no_questionnaire', errors: [{ field: 'answers', code: 'unexpected' }] });
    expect(FollowupTaskDetail.parse((await get(`/api/followup-tasks/${task.id}`, staff.nurse)).json())).toMatchObject({ status: 'open', attempts: 0, outcome: null, responseId: null, history: [] });
    expect(h.db.$client.prepare('SELECT count(*) AS n FROM questionnaire_responses WHERE patient_id = ?').get(patient.id)).toEqual({ n: 0 });
    expect(h.db.$client.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'followup.task.outcome' AND entity_id = ?").get(task.id)).toEqual({ n: 0 });
  });
});

describe('assigning', () => {
  it('lets a manager give a task to a nurse of the department, not to someone elsewhere or without calls', async () => {
    const task = await taskOf(await hypertensivePatient());
    const nurse2Id = (h.db.$client.prepare('SELECT id FROM staff WHERE username = ?').get(staff.nurse2.username) as { id: string }).id;
    const ortho = (h.db.$client.prepare('SELECT id FROM staff WHERE username = ?').get(staff.orthoNurse.username) as { id: string }).id;
    const managerId = (h.db.$client.prepare('SELECT id FROM staff WHERE username = ?').get(staff.manager.username) as { id: string }).id;
    const wrongDept = await post(`/api/followup-tasks/${task.id}/assign`, staff.manager, { version: 1, staffId: ortho });
    expect(Problem.parse(wrongDept.json())).toMatchObject({ status: 400, code: 'followup.invalid_assignee', errors: [{ field: 'staffId' }] });
    const toManager = await post(`/api/followup-tasks/${task.id}/assign`, staff.manager, { version: 1, staffId: managerId });
    expect(Problem.parse(toManager.json()).code).toBe('followup.invalid_assignee');
    const assigned = FollowupTask.parse((await post(`/api/followup-tasks/${task.id}/assign`, staff.manager, { version: 1, staffId: nurse2Id })).json());
    expect(assigned.assigneeId).toBe(nurse2Id);
    expect((await worklist('scope=mine&due=today', staff.nurse2)).items.map((t) => t.id)).toContain(task.id);
    expect((await post(`/api/followup-tasks/${task.id}/assign`, staff.nurse, { version: 2, staffId: nurse2Id })).statusCode).toBe(403);
  });
});

describe('overdue tasks', () => {
  it('are flagged after midnight and counted for the department’s manager', async () => {
    const patientId = await hypertensivePatient();
    await moveClock('2026-11-24T16:10:00.000Z');
    expect((await markOverdue(h.system())).overdue).toBeGreaterThan(0);
    const overdue = await worklist('scope=department&due=overdue', staff.manager);
    expect(overdue.items.map((t) => t.patientId)).toContain(patientId);
    expect(overdue.items.every((t) => t.overdue)).toBe(true);
    expect(overdue.overdue).toBe(overdue.items.length);
    expect((await worklist('scope=department&due=overdue', staff.orthoManager)).overdue).toBe(0);
    await moveClock('2026-11-23T01:30:00.000Z');
  });
});

describe('a follow-up visit (复诊)', () => {
  it('is asked for on a date, reminded through the outbox the day before, and attended when the patient comes back', async () => {
    const patientId = await hypertensivePatient(cardiology, '钱国强');
    const reply = await post(`/api/patients/${patientId}/followup-visits`, staff.doctor, { date: '2026-12-07' });
    expect(reply.statusCode, reply.body).toBe(201);
    const visit = FollowupVisit.parse(reply.json());
    expect(visit).toMatchObject({ status: 'planned', departmentId: cardiology, dueDate: '2026-12-07', appointmentId: null });
    const message = h.db.$client.prepare("SELECT * FROM messages WHERE about_type = 'followup-visit' AND about_id = ?").get(visit.id) as Record<string, string>;
    expect(message).toMatchObject({ template: 'followup.recheck', status: 'queued', scheduled_at: '2026-12-06T01:00:00.000Z' });
    expect(message.body).toContain('2026-12-07');
    await addEncounter(h.system(), patientId, { class: 'outpatient', status: 'finished', departmentId: cardiology, startAt: '2026-12-06T02:00:00Z', chargesCents: 0, diagnoses: [], procedures: [] });
    const schedule = PatientFollowup.parse((await get(`/api/patients/${patientId}/followup`, staff.doctor)).json());
    expect(schedule.visits[0]).toMatchObject({ id: visit.id, status: 'attended', attendedEncounterId: expect.any(String) });
  });

  it('is marked missed a week after its date when the patient never came', async () => {
    const patientId = await hypertensivePatient(cardiology, '孙丽');
    const visit = FollowupVisit.parse((await post(`/api/patients/${patientId}/followup-visits`, staff.doctor, { inDays: 7 })).json());
    expect(visit.dueDate).toBe('2026-11-30');
    await moveClock('2026-12-08T01:00:00.000Z');
    expect((await markOverdue(h.system())).missedVisits).toBeGreaterThan(0);
    await moveClock('2026-11-23T01:30:00.000Z');
    expect(PatientFollowup.parse((await get(`/api/patients/${patientId}/followup`, staff.doctor)).json()).visits[0]!.status).toBe('missed');
  });

  it('refuses a day in the past, both a date and an interval, and nurses (only doctors ask for visits)', async () => {
    const patientId = await hypertensivePatient();
    for (const body of [{ date: '2026-11-01' }, { date: '2026-12-01', inDays: 3 }, {}]) {
      const reply = await post(`/api/patients/${patientId}/followup-visits`, staff.doctor, body);
      expect(Problem.parse(reply.json())).toMatchObject({ status: 400, code: 'followup.invalid_visit_date', errors: [{ field: 'date' }] });
    }
    expect((await post(`/api/patients/${patientId}/followup-visits`, staff.nurse, { inDays: 7 })).statusCode).toBe(403);
    expect(h.db.$client.prepare('SELECT count(*) AS n FROM followup_visits WHERE patient_id = ?').get(patientId)).toEqual({ n: 0 });
  });

  it('refuses a department that is not one of this hospital’s with followup.invalid_department, and queues no reminder', async () => {
    const patientId = await hypertensivePatient();
    const messagesBefore = h.db.$client.prepare('SELECT count(*) AS n FROM messages WHERE patient_id = ?').get(patientId);
    const reply = await post(`/api/patients/${patientId}/followup-visits`, staff.doctor, { inDays: 14, departmentId: 'no-such-department' });
    expect(reply.statusCode).toBe(400);
    expect(reply.headers['content-type']).toContain('application/problem+json');
    expect(Problem.parse(reply.json())).toMatchObject({ status: 400, code: 'followup.invalid_department', errors: [{ field: 'departmentId', code: 'unknown' }] });
    expect(h.db.$client.prepare('SELECT count(*) AS n FROM followup_visits WHERE patient_id = ?').get(patientId)).toEqual({ n: 0 });
    expect(h.db.$client.prepare('SELECT count(*) AS n FROM messages WHERE patient_id = ?').get(patientId)).toEqual(messagesBefore);
    expect(h.db.$client.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'followup.visit.plan' AND patient_id = ?").get(patientId)).toEqual({ n: 0 });
  });
});

/** Answers to the shipped hypertension follow-up, as a nurse types them on the call. */
function questionnaireAnswers(): Record<string, string | number> {
  return { systolic: 132, diastolic: 84, medication: 'always', salt: 'true', 'exercise-days': 3 };
}
