import { describe, expect, it } from 'vitest';
import { Problem } from '../../src/lib/problem.js';
import { careSendCheck } from '../../src/modules/care/care.send-checks.js';
import { CareReminder, CareReminderPage } from '../../src/modules/care/care.schemas.js';
import { addEncounter, createPatient, setPatientActive } from '../../src/modules/patients/patients.service.js';
import { TimelinePage } from '../../src/modules/patients/patients.schemas.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';

/*
 * 王秀兰 has been seen in cardiology. Her cardiologist sets reminders to take her blood-pressure tablets and to come
 * back for a re-check; the reminders task queues each occurrence a day ahead under its own dedupe key, and ending
 * the course stops the reminders and cancels what was already queued.
 */
const h = await useTestHospital({ now: '2026-11-23T02:00:00.000Z' });
const cardiology = await h.department('CARD', '心内科');
const orthopaedics = await h.department('ORTH', '骨科');
const doctor = await h.signIn('doctor', { departmentId: cardiology });
const nurse = await h.signIn('nurse', { departmentId: cardiology });
const otherDoctor = await h.signIn('doctor', { departmentId: orthopaedics });

async function seenPatient(overrides = {}) {
  const patient = await createPatient(h.system(), aPatient({ name: '王秀兰', gender: 'female', birthDate: '1956-03-08', identifiers: [], ...overrides }));
  await addEncounter(h.system(), patient.id, { class: 'outpatient', status: 'finished', departmentId: cardiology, startAt: '2026-11-20T01:00:00Z', chargesCents: 0, diagnoses: [{ code: 'I10', text: '原发性高血压', primary: true }], procedures: [] });
  return patient;
}

async function create(session: { headers: object }, payload: object) {
  return h.app.inject({ method: 'POST', url: '/api/care-reminders', headers: session.headers as Record<string, string>, payload });
}

/** The reminders job as an admin's "run now" at another moment; the clock (and the sessions) stay where they are. */
function runRemindersAt(instant: string) {
  return h.scheduler.runNow('care.reminders', { ...h.system(), now: new Date(instant) });
}

describe('a medication reminder', async () => {
  const patient = await seenPatient();
  let reminder: CareReminder;

  it('is set by the patient’s doctor, with an audit row', async () => {
    const reply = await create(doctor, { kind: 'medication', patientId: patient.id, drug: '氨氯地平片', dose: '5 mg，1 片', timesOfDay: ['20:00', '08:00'], startDate: '2026-11-23', endDate: '2026-11-25' });
    expect(reply.statusCode, reply.body).toBe(201);
    reminder = CareReminder.parse(reply.json());
    expect(reminder).toMatchObject({ kind: 'medication', status: 'active', timesOfDay: ['08:00', '20:00'], departmentId: cardiology, createdBy: doctor.id, nextReminderAt: '2026-11-23T12:00:00.000Z' });
    const audit = h.db.$client.prepare("SELECT actor_id AS actorId, patient_id AS patientId FROM audit_log WHERE action = 'care_reminder.create' AND entity_id = ?").get(reminder.id);
    expect(audit).toEqual({ actorId: doctor.id, patientId: patient.id });
  });

  it('has each occurrence of the next day queued once, at its local time, under its dedupe key', async () => {
    expect(await runRemindersAt('2026-11-23T02:00:00.000Z')).toMatchObject({ status: 'succeeded', counts: { queued: 2 } });
    const mine = () => h.outbox.messages.filter((m) => m.subject?.id === reminder.id);
    expect(mine().map((m) => [m.dedupeKey, m.scheduledAt.toISOString()])).toEqual([
      [`care-reminder:${reminder.id}:2026-11-23T20:00`, '2026-11-23T12:00:00.000Z'],
      [`care-reminder:${reminder.id}:2026-11-24T08:00`, '2026-11-24T00:00:00.000Z'],
    ]);
    expect(mine()[0]).toMatchObject({
      purpose: 'care-reminder',
      category: 'care',
      patientId: patient.id,
      template: 'care.medication',
      variables: { patientName: '王秀兰', drug: '氨氯地平片', dose: '5 mg，1 片', time: '20:00' },
      subject: { type: 'care-reminder', id: reminder.id },
    });

    // Ten minutes later nothing new is due; the same occurrences are not queued twice.
    expect(await runRemindersAt('2026-11-23T02:10:00.000Z')).toMatchObject({ counts: { queued: 0, existing: 2 } });
    expect(mine()).toHaveLength(2);
    await runRemindersAt('2026-11-24T02:00:00.000Z');
    expect(mine().map((m) => m.dedupeKey.slice(-16))).toEqual(['2026-11-23T20:00', '2026-11-24T08:00', '2026-11-24T20:00', '2026-11-25T08:00']);
  });

  it('stops when ended: queued messages are cancelled, nothing more is queued, and the send check says why', async () => {
    const reply = await h.app.inject({ method: 'POST', url: `/api/care-reminders/${reminder.id}/end`, headers: nurse.headers, payload: { reason: '血压平稳，停药' } });
    expect(reply.statusCode, reply.body).toBe(200);
    expect(CareReminder.parse(reply.json())).toMatchObject({ status: 'ended', closeReason: '血压平稳，停药', nextReminderAt: null });
    const mine = h.outbox.messages.filter((m) => m.subject?.id === reminder.id);
    expect(mine.filter((m) => m.status === 'queued').map((m) => m.dedupeKey.slice(-16))).toEqual([]);
    expect(mine.every((m) => m.cancelReason === 'care reminder ended')).toBe(true);

    await runRemindersAt('2026-11-24T12:00:00.000Z');
    expect(h.outbox.messages.filter((m) => m.subject?.id === reminder.id)).toHaveLength(4);
    expect(careSendCheck(h.db, { purpose: 'care-reminder', patientId: patient.id, subject: { type: 'care-reminder', id: reminder.id } })).toBe('care reminder ended');

    const again = await h.app.inject({ method: 'POST', url: `/api/care-reminders/${reminder.id}/cancel`, headers: doctor.headers, payload: {} });
    expect(again.statusCode).toBe(409);
    expect(Problem.parse(again.json()).code).toBe('care.reminder_closed');
  });

  it('appears on the patient’s timeline for clinical staff, with its end', async () => {
    const page = TimelinePage.parse((await h.app.inject({ method: 'GET', url: `/api/patients/${patient.id}/timeline?kind=care-reminder`, headers: doctor.headers })).json());
    expect(page.items.map((e) => e.title)).toEqual(['care.reminder.ended', 'care.reminder.medication']);
    expect(page.items[1]?.detail).toBe('氨氯地平片 5 mg，1 片 · 08:00 20:00');
    const agent = await h.signIn('agent');
    const hidden = TimelinePage.parse((await h.app.inject({ method: 'GET', url: `/api/patients/${patient.id}/timeline?kind=care-reminder`, headers: agent.headers })).json());
    expect(hidden.items).toEqual([]);
  });
});

describe('a re-check reminder', async () => {
  const patient = await seenPatient({ name: '李建国', gender: 'male', birthDate: '1962-07-01' });

  it('is sent the day before the visit at the chosen time, naming the department and what to bring', async () => {
    const reply = await create(nurse, { kind: 'recheck', patientId: patient.id, recheckDate: '2026-12-01', departmentId: cardiology, bring: '病历本、近一周血压记录', remindAt: '18:30' });
    expect(reply.statusCode, reply.body).toBe(201);
    const reminder = CareReminder.parse(reply.json());
    expect(reminder).toMatchObject({ startDate: '2026-11-30', endDate: '2026-11-30', timesOfDay: ['18:30'], recheckDate: '2026-12-01', nextReminderAt: '2026-11-30T10:30:00.000Z' });

    await runRemindersAt('2026-11-30T02:00:00.000Z');
    const [message] = h.outbox.messages.filter((m) => m.subject?.id === reminder.id);
    expect(message).toMatchObject({
      template: 'care.recheck',
      dedupeKey: `care-reminder:${reminder.id}:2026-11-30T18:30`,
      variables: { patientName: '李建国', date: '2026-12-01', department: '心内科', bring: '病历本、近一周血压记录' },
    });
  });

  it('cancelled, cancels its queued message', async () => {
    const reminder = CareReminder.parse((await create(doctor, { kind: 'recheck', patientId: patient.id, recheckDate: '2026-12-02', departmentId: cardiology })).json());
    await runRemindersAt('2026-12-01T00:00:00.000Z');
    expect(h.outbox.queued((m) => m.subject?.id === reminder.id)).toHaveLength(1);
    const reply = await h.app.inject({ method: 'POST', url: `/api/care-reminders/${reminder.id}/cancel`, headers: doctor.headers, payload: { reason: '录入错误' } });
    expect(reply.json()).toMatchObject({ status: 'cancelled' });
    expect(h.outbox.queued((m) => m.subject?.id === reminder.id)).toHaveLength(0);
  });
});

describe('listing reminders', async () => {
  const patient = await seenPatient({ name: '赵敏' });
  await create(doctor, { kind: 'free_text', patientId: patient.id, text: '请每天监测血压并记录。', timesOfDay: ['07:30'], startDate: '2026-12-01', endDate: '2026-12-07' });

  it('lists a patient’s reminders for their department, and without a patient those the department set', async () => {
    const one = CareReminderPage.parse((await h.app.inject({ method: 'GET', url: `/api/care-reminders?patientId=${patient.id}`, headers: nurse.headers })).json());
    expect(one.items).toEqual([expect.objectContaining({ kind: 'free_text', text: '请每天监测血压并记录。' })]);
    const department = CareReminderPage.parse((await h.app.inject({ method: 'GET', url: '/api/care-reminders?status=active&limit=100', headers: nurse.headers })).json());
    expect(department.items.length).toBeGreaterThan(1);
    expect(department.items.every((r) => r.departmentId === cardiology && r.status === 'active')).toBe(true);
    const elsewhere = CareReminderPage.parse((await h.app.inject({ method: 'GET', url: '/api/care-reminders', headers: otherDoctor.headers })).json());
    expect(elsewhere.items).toEqual([]);
  });

  it('hides a reminder from a department that has not seen the patient (404) and refuses their list (403)', async () => {
    const [reminder] = CareReminderPage.parse((await h.app.inject({ method: 'GET', url: `/api/care-reminders?patientId=${patient.id}`, headers: doctor.headers })).json()).items;
    const read = await h.app.inject({ method: 'GET', url: `/api/care-reminders/${reminder!.id}`, headers: otherDoctor.headers });
    expect(read.statusCode).toBe(404);
    expect(Problem.parse(read.json()).code).toBe('care.reminder_not_found');
    expect((await h.app.inject({ method: 'POST', url: `/api/care-reminders/${reminder!.id}/end`, headers: otherDoctor.headers, payload: {} })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: `/api/care-reminders?patientId=${patient.id}`, headers: otherDoctor.headers })).statusCode).toBe(403);
  });
});

describe('bad input', async () => {
  const patient = await seenPatient({ name: '孙丽' });
  const medication = { kind: 'medication', patientId: patient.id, drug: '二甲双胍', dose: '0.5 g', timesOfDay: ['08:00'], startDate: '2026-11-23', endDate: '2026-12-23' };

  it.each([
    ['an end before the start', { endDate: '2026-11-20' }, 'endDate', 'before_start'],
    ['a course that ended already', { startDate: '2026-11-01', endDate: '2026-11-10' }, 'endDate', 'in_past'],
    ['a course over a year', { endDate: '2027-12-31' }, 'endDate', 'too_long_period'],
  ])('refuses %s with the field named', async (_what, change, field, code) => {
    const reply = await create(doctor, { ...medication, ...change });
    expect(reply.statusCode).toBe(400);
    expect(Problem.parse(reply.json()).errors).toEqual([expect.objectContaining({ field, code })]);
  });

  it.each([
    ['a date that does not exist', { startDate: '2026-02-30' }],
    ['a time that is not HH:MM', { timesOfDay: ['8点'] }],
    ['no times at all', { timesOfDay: [] }],
    ['an unknown kind', { kind: 'diet' }],
    ['a field it does not know', { colour: 'red' }],
  ])('refuses %s as a validation problem', async (_what, change) => {
    const reply = await create(doctor, { ...medication, ...change });
    expect(reply.statusCode).toBe(400);
    expect(reply.headers['content-type']).toMatch(/problem\+json/);
  });

  it('refuses a re-check in the past or in a department that does not exist', async () => {
    const reply = await create(doctor, { kind: 'recheck', patientId: patient.id, recheckDate: '2026-11-01', departmentId: 'no-such-department' });
    expect(reply.statusCode).toBe(400);
    expect(Problem.parse(reply.json()).errors?.map((e) => e.field)).toEqual(['recheckDate', 'departmentId']);
  });

  it('answers 404 for an unknown patient and 403 for a department that has not seen them', async () => {
    const unknown = await create(doctor, { ...medication, patientId: 'no-such-patient' });
    expect(unknown.statusCode).toBe(404);
    expect(Problem.parse(unknown.json()).code).toBe('care.patient_not_found');
    const other = await create(otherDoctor, medication);
    expect(other.statusCode).toBe(403);
    expect(Problem.parse(other.json()).code).toBe('care.department_scope');
  });

  it('leaves reminders to doctors and nurses: agents and managers are refused', async () => {
    for (const role of ['agent', 'manager'] as const) {
      const session = await h.signIn(role, { departmentId: role === 'manager' ? cardiology : null });
      expect((await create(session, medication)).statusCode, role).toBe(403);
    }
  });

  it('sets no reminder on a deactivated file, and queues none for a file deactivated later', async () => {
    const leaving = await seenPatient({ name: '周强' });
    const reminder = CareReminder.parse((await create(doctor, { ...medication, patientId: leaving.id })).json());
    const version = (h.db.$client.prepare('SELECT version FROM patients WHERE id = ?').get(leaving.id) as { version: number }).version;
    await setPatientActive(h.system(), leaving.id, { version, active: false, reason: '患者已转院' });
    expect((await create(doctor, { ...medication, patientId: leaving.id })).statusCode).toBe(409);
    await runRemindersAt('2026-11-25T02:00:00.000Z');
    expect(h.outbox.messages.filter((m) => m.subject?.id === reminder.id)).toEqual([]);
  });
});
