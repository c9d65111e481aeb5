import { beforeAll, describe, expect, it } from 'vitest';
import { Problem } from '../../src/lib/problem.js';
import { inTransaction } from '../../src/lib/transaction.js';
import { carryOutDueSteps } from '../../src/modules/followup/plans/steps.js';
import { PatientFollowup } from '../../src/modules/followup/plans/plans.schemas.js';
import { WorklistPage } from '../../src/modules/followup/worklist/worklist.schemas.js';
import { remindUnanswered } from '../../src/modules/followup/invitations/invitation-messages.js';
import { ImportReport } from '../../src/modules/imports/imports.schemas.js';
import { PatientFile, PatientPage } from '../../src/modules/patients/patients.schemas.js';
import { updatePatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital, type StaffSession } from '../helpers/app.js';
import { adt } from '../imports/hl7-fixtures.js';

/*
 * The flow the issue is about: HIS discharges 张三丰 from cardiology (HL7 ADT^A03 over the import API). The
 * discharge plan enrols him; on day 3 a call lands on the cardiology nurses' worklist, on day 7 a questionnaire
 * link goes to the outbox, and three days later an unanswered link is reminded once with a fresh link.
 */
const h = await useTestHospital({ now: '2026-11-20T02:00:00.000Z' });
let admin: StaffSession;
let nurse: StaffSession;
let cardiology: string;
const INPATIENT = 'https://hcrm.example/fhir/Questionnaire/inpatient-satisfaction';

const dischargePlan = {
  code: 'cardiology-discharge',
  definition: {
    name: { 'zh-CN': '心内科出院随访', en: 'Cardiology discharge' },
    trigger: 'discharge',
    conditions: { departments: ['CARD'], diagnosisPrefixes: ['I2'], minAge: 40 },
    hours: { from: '09:00', to: '18:00' },
    maxAttempts: 2,
    steps: [
      { key: 'day3-call', day: 3, kind: 'call', assignee: { role: 'nurse' }, title: '出院第3天电话随访' },
      { key: 'day7-satisfaction', day: 7, kind: 'questionnaire', channel: 'sms', questionnaire: { url: INPATIENT }, purpose: 'satisfaction' },
    ],
  },
};

beforeAll(async () => {
  admin = await h.signIn('admin');
  cardiology = await h.department('CARD', '心内科');
  nurse = await h.signIn('nurse', { departmentId: cardiology });
  const saved = await h.app.inject({ method: 'POST', url: '/api/followup-plans', headers: admin.headers, payload: dischargePlan });
  expect(saved.statusCode, saved.body).toBe(201);
});

async function importHl7(body: string) {
  const reply = await h.app.inject({ method: 'POST', url: '/api/imports/hl7?source=HIS', headers: { ...admin.headers, 'content-type': 'application/hl7-v2' }, payload: body });
  expect(reply.statusCode, reply.body).toBe(200);
  return ImportReport.parse(reply.json());
}

async function patientByMrn(mrn: string) {
  const found = PatientPage.parse((await h.app.inject({ method: 'GET', url: `/api/patients?q=${mrn}`, headers: admin.headers })).json());
  return PatientFile.parse((await h.app.inject({ method: 'GET', url: `/api/patients/${found.items[0]!.id}`, headers: admin.headers })).json());
}

async function followupOf(patientId: string, session = admin) {
  const reply = await h.app.inject({ method: 'GET', url: `/api/patients/${patientId}/followup`, headers: session.headers });
  expect(reply.statusCode, reply.body).toBe(200);
  return PatientFollowup.parse(reply.json());
}

/** Moves the clock; sessions do not outlive days, so staff sign in again. */
async function moveTo(instant: string) {
  h.clock.set(instant);
  admin = await h.signIn('admin');
  nurse = await h.signIn('nurse', { departmentId: cardiology });
}

const messagesOf = (patientId: string) => h.db.$client.prepare('SELECT * FROM messages WHERE patient_id = ? ORDER BY created_at, id').all(patientId) as Record<string, string>[];

describe('a visit entered by staff', () => {
  it('enrols the patient as an imported one would', async () => {
    const doctor = await h.signIn('doctor', { departmentId: cardiology });
    const created = await h.app.inject({ method: 'POST', url: '/api/patients', headers: doctor.headers, payload: { name: '何志明', gender: 'male', birthDate: '1960-02-02' } });
    expect(created.statusCode, created.body).toBe(201);
    const patientId = (created.json() as { id: string }).id;
    const encounter = { class: 'inpatient', departmentId: cardiology, startAt: '2026-11-10T01:00:00Z', endAt: '2026-11-18T02:00:00Z', diagnoses: [{ code: 'I25.1', text: '冠心病', primary: true }] };
    expect((await h.app.inject({ method: 'POST', url: `/api/patients/${patientId}/encounters`, headers: doctor.headers, payload: encounter })).statusCode).toBe(201);
    const [enrolment] = (await followupOf(patientId)).enrolments;
    expect(enrolment).toMatchObject({ plan: { code: 'cardiology-discharge' }, anchorDate: '2026-11-18', reason: 'discharge 2026-11-18 · department CARD · diagnosis I25.1 · age 66' });
  });
});

describe('a discharge imported from HIS', () => {
  let patientId: string;

  it('enrols the patient on the matching plan, saying why, with the steps at their days', async () => {
    await importHl7(adt({ event: 'A01', controlId: 'P-1', mrn: 'MRN9001', admitAt: '20261112080000+0800', extra: ['DG1|1||I21.9^急性心肌梗死^I10'] }));
    const admitted = await patientByMrn('MRN9001');
    patientId = admitted.id;
    expect((await followupOf(patientId)).enrolments).toEqual([]);

    const report = await importHl7(adt({ event: 'A03', controlId: 'P-2', mrn: 'MRN9001', admitAt: '20261112080000+0800', dischargeAt: '20261119100000+0800', extra: ['DG1|1||I21.9^急性心肌梗死^I10'] }));
    expect(report.updated).toBe(1);
    const schedule = await followupOf(patientId);
    expect(schedule.enrolments).toHaveLength(1);
    const [enrolment] = schedule.enrolments;
    expect(enrolment).toMatchObject({ plan: { code: 'cardiology-discharge', version: 1, latestVersion: 1 }, trigger: 'discharge', anchorDate: '2026-11-19', departmentId: cardiology, status: 'active' });
    expect(enrolment!.reason).toBe('discharge 2026-11-19 · department CARD · diagnosis I21.9 · age 58');
    expect(enrolment!.steps.map((s) => [s.key, s.dueAt, s.status])).toEqual([
      ['day3-call', '2026-11-22T01:00:00.000Z', 'scheduled'],
      ['day7-satisfaction', '2026-11-26T01:00:00.000Z', 'scheduled'],
    ]);
  });

  it('does not enrol twice when HIS sends the discharge again', async () => {
    await importHl7(adt({ event: 'A03', controlId: 'P-3', mrn: 'MRN9001', admitAt: '20261112080000+0800', dischargeAt: '20261119110000+0800', extra: ['DG1|1||I21.9^急性心肌梗死^I10'] }));
    expect((await followupOf(patientId)).enrolments).toHaveLength(1);
  });

  it('enrols no one whose visit misses a condition (another diagnosis, department or age)', async () => {
    await importHl7(adt({ event: 'A03', controlId: 'P-4', mrn: 'MRN9002', residentId: null, name: '李^四', visit: 'V9002', admitAt: '20261112080000+0800', dischargeAt: '20261119100000+0800', extra: ['DG1|1||K35.8^急性阑尾炎^I10'] }));
    await importHl7(adt({ event: 'A03', controlId: 'P-5', mrn: 'MRN9003', residentId: null, name: '王^五', birth: '20000101', visit: 'V9003', admitAt: '20261112080000+0800', dischargeAt: '20261119100000+0800', extra: ['DG1|1||I21.0^急性心肌梗死^I10'] }));
    for (const mrn of ['MRN9002', 'MRN9003']) expect((await followupOf((await patientByMrn(mrn)).id)).enrolments).toEqual([]);
  });

  it('puts the day-3 call on the cardiology nurses’ worklist when it falls due', async () => {
    await moveTo('2026-11-22T01:05:00.000Z');
    // The scheduler's followup.steps job (every five minutes, off the hour) carries the step out.
    const runs = await h.scheduler.runDue(new Date('2026-11-22T01:07:00.000Z'));
    // Two calls: this one, and yesterday's of the patient staff entered above (now on the overdue list).
    expect(runs.find((r) => r.job === 'followup.steps')).toMatchObject({ status: 'succeeded', counts: { tasks: 2, invitations: 0, cancelled: 0 } });
    const list = WorklistPage.parse((await h.app.inject({ method: 'GET', url: '/api/followup-tasks?scope=department&due=today', headers: nurse.headers })).json());
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ patientId, departmentId: cardiology, title: '出院第3天电话随访', assigneeRole: 'nurse', assigneeId: null, status: 'open', maxAttempts: 2 });
    const step = (await followupOf(patientId)).enrolments[0]!.steps[0]!;
    expect(step).toMatchObject({ status: 'done', result: `task:${list.items[0]!.id}` });
  });

  it('sends the day-7 questionnaire link through the outbox, which opens the questionnaire', async () => {
    const before = (await patientByMrn('MRN9001'));
    await updatePatient(h.system(), patientId, { version: before.version, consent: [{ channel: 'sms', purpose: 'care', granted: true, method: 'verbal' }] });
    await moveTo('2026-11-26T01:00:00.000Z');
    expect(await carryOutDueSteps(h.system())).toMatchObject({ invitations: 1 });
    const [message] = messagesOf(patientId);
    expect(message).toMatchObject({ purpose: 'followup-invitation', template: 'followup.invitation', channel: 'sms', status: 'queued', about_type: 'questionnaire-invitation', scheduled_at: '2026-11-26T01:00:00.000Z' });
    const link = /http:\/\/127\.0\.0\.1:3000(\/q\/[A-Za-z0-9_-]{43})/.exec(message!.body!)![1]!;
    expect(message!.body).toContain('《出院患者满意度调查》');
    const page = await h.app.inject({ method: 'GET', url: link });
    expect(page.statusCode).toBe(200);
    const invitation = h.db.$client.prepare('SELECT * FROM questionnaire_invitations WHERE patient_id = ?').get(patientId) as Record<string, string>;
    expect(invitation).toMatchObject({ department_id: cardiology, purpose: 'satisfaction', status: 'open' });
    expect(JSON.stringify(invitation)).not.toContain(link.slice(3));
  });

  it('reminds once, after the configured days, with a second link to the same invitation', async () => {
    await moveTo('2026-11-28T01:00:00.000Z');
    expect(await remindUnanswered(h.system())).toEqual({ reminded: 0 });
    await moveTo('2026-11-29T01:30:00.000Z');
    expect(await remindUnanswered(h.system())).toEqual({ reminded: 1 });
    expect(await remindUnanswered(h.system())).toEqual({ reminded: 0 });
    const reminder = messagesOf(patientId).find((m) => m.template === 'followup.invitation-reminder')!;
    expect(reminder).toMatchObject({ status: 'queued', about_type: 'questionnaire-invitation' });
    const first = /\/q\/[A-Za-z0-9_-]{43}/.exec(messagesOf(patientId)[0]!.body!)![0];
    const second = /\/q\/[A-Za-z0-9_-]{43}/.exec(reminder.body!)![0];
    expect(second).not.toBe(first);
    for (const link of [first, second]) expect((await h.app.inject({ method: 'GET', url: link })).statusCode).toBe(200);
  });

  it('closes both links with one answer, and the outbox no longer sends an answered questionnaire’s link', async () => {
    const [first, reminder] = messagesOf(patientId).map((m) => /\/q\/[A-Za-z0-9_-]{43}/.exec(m.body!)![0]);
    const invitationId = (h.db.$client.prepare('SELECT id FROM questionnaire_invitations WHERE patient_id = ?').get(patientId) as { id: string }).id;
    const stillWanted = () => inTransaction(h.deps, (tx) => h.deps.sendChecks.run(tx, { purpose: 'followup-invitation', patientId, subject: { type: 'questionnaire-invitation', id: invitationId } }));
    expect(stillWanted()).toBeNull();
    const answers = { doctor: '5', nursing: '5', explanation: '4', environment: '4', cost: '3', discharge: '5', overall: '5', nps: '10' };
    const fields = Object.entries(answers).map(([k, v]) => `${encodeURIComponent(`q:${k}`)}=${v}`).join('&');
    const submitted = await h.app.inject({ method: 'POST', url: reminder!, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:80' }, payload: fields });
    expect(submitted.statusCode, submitted.body).toBe(303);
    expect(stillWanted()).toBe('questionnaire already answered');
    for (const link of [first!, reminder!]) expect((await h.app.inject({ method: 'GET', url: link })).statusCode).toBe(409);
    const response = h.db.$client.prepare('SELECT * FROM questionnaire_responses WHERE invitation_id = ?').get(invitationId) as Record<string, unknown>;
    expect(response).toMatchObject({ patient_id: patientId, department_id: cardiology, source: 'patient', satisfaction: 5, nps: 10 });
  });

  it('shows the enrolment and task on the patient’s timeline, with the plan only for clinical viewers', async () => {
    const reply = await h.app.inject({ method: 'GET', url: `/api/patients/${patientId}/timeline`, headers: nurse.headers });
    const kinds = (reply.json() as { items: { kind: string; detail: string | null }[] }).items;
    expect(kinds.find((e) => e.kind === 'followup-enrolment')?.detail).toContain('cardiology-discharge v1');
    expect(kinds.find((e) => e.kind === 'followup-task')?.detail).toContain('出院第3天电话随访');
    const agent = await h.signIn('agent');
    const masked = (await h.app.inject({ method: 'GET', url: `/api/patients/${patientId}/timeline`, headers: agent.headers })).json() as { items: { kind: string; detail: string | null }[] };
    expect(masked.items.find((e) => e.kind === 'followup-enrolment')?.detail).toBeNull();
  });

  it('refuses another department’s nurse the schedule, naming no patient', async () => {
    const other = await h.signIn('nurse', { departmentId: await h.department('ORTH', '骨科') });
    const reply = await h.app.inject({ method: 'GET', url: `/api/patients/${patientId}/followup`, headers: other.headers });
    expect(reply.statusCode).toBe(404);
    expect(Problem.parse(reply.json()).code).toBe('followup.patient_not_found');
  });
});

describe('a discharge in a FHIR bundle', () => {
  it('enrols the patient through the same plans', async () => {
    const patientRef = 'urn:uuid:5a1e1d1e-0000-4000-8000-000000000001';
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: patientRef, resource: { resourceType: 'Patient', id: 'fp1', identifier: [{ system: 'urn:oid:his-mrn', value: 'MRN7001' }], name: [{ family: '黄', given: ['美玲'] }], gender: 'female', birthDate: '1975-06-01' } },
        {
          fullUrl: 'urn:uuid:5a1e1d1e-0000-4000-8000-000000000002',
          resource: { resourceType: 'Encounter', id: 'fenc1', status: 'finished', class: { code: 'IMP' }, subject: { reference: patientRef }, period: { start: '2026-11-20T09:00:00+08:00', end: '2026-11-28T10:00:00+08:00' }, serviceType: { coding: [{ code: 'CARD' }] } },
        },
        { resource: { resourceType: 'Condition', id: 'fc1', code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'I20.0', display: '不稳定型心绞痛' }] }, subject: { reference: patientRef }, encounter: { reference: 'urn:uuid:5a1e1d1e-0000-4000-8000-000000000002' } } },
      ],
    };
    const reply = await h.app.inject({ method: 'POST', url: '/api/imports/fhir?source=EMR', headers: admin.headers, payload: bundle });
    expect(reply.statusCode, reply.body).toBe(200);
    expect(ImportReport.parse(reply.json())).toMatchObject({ created: 1, quarantined: 0 });
    const [enrolment] = (await followupOf((await patientByMrn('MRN7001')).id)).enrolments;
    expect(enrolment).toMatchObject({ plan: { code: 'cardiology-discharge' }, anchorDate: '2026-11-28', reason: 'discharge 2026-11-28 · department CARD · diagnosis I20.0 · age 51' });
  });
});
