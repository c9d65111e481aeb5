import { describe, expect, it } from 'vitest';
import { Problem } from '../../src/lib/problem.js';
import { Appointment } from '../../src/modules/appointments/appointments.schemas.js';
import { dispatchDueMessages } from '../../src/modules/messaging/messaging.service.js';
import { addEncounter, createPatient, patientTimeline } from '../../src/modules/patients/patients.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';
import { testSettings } from '../helpers/messaging.js';
import { cardiologyClinic, messagesOf } from './clinic.js';

/*
 * From booking to the visit: reminders go out as the clock moves, the desk checks patients in, a job marks those
 * who never came, staff undo a mistaken no-show, and a stopped session tells its patients. No quiet hours here.
 */
const h = await useTestHospital({ now: '2026-11-23T02:00:00.000Z', messaging: { settings: testSettings() } });
const clinic = await cardiologyClinic(h, { capacity: 3, reserve: { web: 1, phone: 1, desk: 0 } });
const [tuesday] = await clinic.week();
let nurse = await h.signIn('nurse', { departmentId: clinic.departmentId });

/** Moves the clock; staff sign in again, as they would after their sessions idled out. */
async function at(instant: string) {
  h.clock.set(instant);
  await clinic.refresh();
  nurse = await h.signIn('nurse', { departmentId: clinic.departmentId });
}

async function bookedPatient(slotIndex: number, name: string) {
  const patient = await createPatient(h.system(), aPatient({ name, identifiers: [] }));
  const slot = (await clinic.session(tuesday!.id)).slots![slotIndex]!;
  const reply = await h.app.inject({ method: 'POST', url: '/api/appointments', headers: clinic.agent.headers, payload: { slotId: slot.id, patientId: patient.id } });
  expect(reply.statusCode, reply.body).toBe(201);
  return { patient, appointment: Appointment.parse(reply.json()) };
}
const post = (url: string, payload?: object, headers?: { authorization: string }) => h.app.inject({ method: 'POST', url, headers: headers ?? nurse.headers, ...(payload ? { payload } : {}) });

describe('reminders with a moving clock', async () => {
  const present = await bookedPatient(0, '周明');
  const moved = await bookedPatient(1, '吴芳');

  it('sends the day-before reminder at 18:00 local, and only then', async () => {
    await at('2026-11-23T09:59:00.000Z');
    await dispatchDueMessages(h.deps, { maxDurationMs: 5_000 });
    expect(messagesOf(h, present.patient.id).filter((m) => m.purpose === 'appointment-reminder').map((m) => m.status)).toEqual(['queued', 'queued']);
    await at('2026-11-23T10:00:30.000Z');
    await dispatchDueMessages(h.deps, { maxDurationMs: 5_000 });
    const [dayBefore] = messagesOf(h, present.patient.id).filter((m) => m.purpose === 'appointment-reminder');
    expect(dayBefore).toMatchObject({ status: 'held' });
    expect(dayBefore!.body).toBe('周明您好，提醒您11月24日 08:00在心内科李明医生处就诊，请按时到达。如需取消请提前办理。');
  });

  it('takes the pending reminders along when the appointment moves, and queues the new time’s', async () => {
    const later = (await clinic.session(tuesday!.id)).slots![3]!;
    const reply = await post(`/api/appointments/${moved.appointment.id}/reschedule`, { slotId: later.id }, clinic.agent.headers);
    expect(reply.statusCode, reply.body).toBe(200);
    const reminders = messagesOf(h, moved.patient.id).filter((m) => m.purpose === 'appointment-reminder');
    expect(reminders.map((m) => [m.status, m.scheduled_at])).toEqual([
      ['held', '2026-11-23T10:00:00.000Z'],
      ['cancelled', '2026-11-23T22:30:00.000Z'],
      ['queued', '2026-11-23T23:30:00.000Z'],
    ]);
  });

  it('never sends a reminder for an appointment that is no longer booked (the send check)', async () => {
    await at('2026-11-23T23:55:00.000Z');
    const checkedIn = await post(`/api/appointments/${present.appointment.id}/check-in`);
    expect(checkedIn.statusCode, checkedIn.body).toBe(200);
    await at('2026-11-24T00:00:00.000Z'); // the 2-hours-before reminder of 08:00 was due at 06:00 local: long past, checked in since
    await dispatchDueMessages(h.deps, { maxDurationMs: 5_000 });
    const reminders = messagesOf(h, present.patient.id).filter((m) => m.purpose === 'appointment-reminder');
    expect(reminders[1]).toMatchObject({ status: 'cancelled' });
    expect(reminders[1]!.error).toMatch(/appointment checked_in/);
  });
});

describe('check-in, completion and no-shows', () => {
  it('marks a booking never checked in as a no-show once the session ended and the grace passed', async () => {
    const absent = await bookedPatient(2, '郑强');
    await at('2026-11-24T02:20:00.000Z'); // 10:20: the session ended at 10:00, grace 30 minutes
    await h.scheduler.runNow('appointments.no-shows', h.system());
    expect((await h.app.inject({ method: 'GET', url: `/api/appointments/${absent.appointment.id}`, headers: nurse.headers })).json().status).toBe('booked');
    await at('2026-11-24T02:31:00.000Z');
    const run = await h.scheduler.runNow('appointments.no-shows', h.system());
    expect(run.status, JSON.stringify(run)).toBe('succeeded');
    const after = await h.app.inject({ method: 'GET', url: `/api/appointments/${absent.appointment.id}`, headers: nurse.headers });
    expect(after.json()).toMatchObject({ status: 'no_show' });
    const counted = await h.app.inject({ method: 'GET', url: `/api/patients/${absent.patient.id}/no-shows`, headers: nurse.headers });
    expect(counted.json()).toEqual({ patientId: absent.patient.id, noShows90Days: 1, limited: false });
    const page = await h.app.inject({ method: 'GET', url: `/app/patients/${absent.patient.id}`, headers: nurse.headers });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('近90天爽约 1 次。');
    // A checked-in patient is never a no-show.
    const checkedIn = (await h.app.inject({ method: 'GET', url: `/api/appointments?date=2026-11-24&status=checked_in`, headers: nurse.headers })).json();
    expect(checkedIn.items).toHaveLength(1);
  });

  it('lets staff reverse a no-show with a reason, which is audited', async () => {
    const [noShow] = (await h.app.inject({ method: 'GET', url: '/api/appointments?status=no_show', headers: nurse.headers })).json().items;
    const without = await post(`/api/appointments/${noShow.id}/reverse-no-show`, {});
    expect(without.statusCode).toBe(400);
    const reversed = await post(`/api/appointments/${noShow.id}/reverse-no-show`, { reason: '患者已就诊，漏签到' });
    expect(reversed.statusCode, reversed.body).toBe(200);
    expect(reversed.json()).toMatchObject({ status: 'completed' });
    const audit = h.db.$client.prepare("SELECT reason FROM audit_log WHERE action = 'appointment.no_show_reverse' AND entity_id = ?").get(noShow.id);
    expect(audit).toEqual({ reason: '患者已就诊，漏签到' });
  });

  it('completes a checked-in visit and shows the appointments on the patient’s timeline', async () => {
    const [visit] = (await h.app.inject({ method: 'GET', url: '/api/appointments?status=checked_in', headers: nurse.headers })).json().items;
    expect((await post(`/api/appointments/${visit.id}/complete`)).json()).toMatchObject({ status: 'completed' });
    await addEncounter(h.system(), visit.patientId, { class: 'outpatient', status: 'finished', departmentId: clinic.departmentId, startAt: '2026-11-24T00:10:00Z', chargesCents: 0, diagnoses: [], procedures: [] });
    const timeline = await patientTimeline(h.system(), visit.patientId, { limit: 20, kind: 'appointment' });
    expect(timeline.items.map((e) => e.title)).toEqual(['appointment.completed']);
  });

  it('refuses a check-in on another day and a second completion', async () => {
    const [done] = (await h.app.inject({ method: 'GET', url: '/api/appointments?status=completed', headers: nurse.headers })).json().items;
    expect((await post(`/api/appointments/${done.id}/complete`)).statusCode).toBe(409);
  });
});

describe('stopping a session (停诊)', () => {
  it('cancels every booking, tells each patient with a link to rebook, and takes the reminders along', async () => {
    await at('2026-11-24T03:00:00.000Z');
    const [, nextTuesday] = await clinic.week('phone', '2026-11-24');
    const slot = (await clinic.session(nextTuesday!.id)).slots![0]!;
    const patient = await createPatient(h.system(), aPatient({ name: '冯兰', identifiers: [] }));
    const booked = await h.app.inject({ method: 'POST', url: '/api/appointments', headers: clinic.agent.headers, payload: { slotId: slot.id, patientId: patient.id } });
    expect(booked.statusCode, booked.body).toBe(201);
    const byNurse = await post(`/api/schedules/${nextTuesday!.id}/stop`, { reason: '外出会诊' });
    expect(byNurse.statusCode).toBe(403);
    const stopped = await post(`/api/schedules/${nextTuesday!.id}/stop`, { reason: '外出会诊' }, clinic.admin.headers);
    expect(stopped.statusCode, stopped.body).toBe(200);
    expect(stopped.json()).toMatchObject({ status: 'stopped', cancelled: 1, free: 0, stopReason: '外出会诊' });
    const messages = messagesOf(h, patient.id);
    const notice = messages.find((m) => m.purpose === 'appointment-session-stopped');
    expect(notice?.body).toContain(`https://crm.hospital.example/book?department=${clinic.departmentId}`);
    expect(messages.filter((m) => m.purpose === 'appointment-reminder').every((m) => m.status === 'cancelled')).toBe(true);
    const again = await h.app.inject({ method: 'POST', url: '/api/appointments', headers: clinic.agent.headers, payload: { slotId: slot.id, patientId: patient.id } });
    expect(Problem.parse(again.json()).code).toBe('appointments.session_stopped');
  });
});

describe('channel reserves', () => {
  it('keeps the web’s place from the phone until the release time, then opens it to all', async () => {
    await at('2026-11-24T03:00:00.000Z');
    const s = await post('/api/schedules', { doctorId: clinic.doctor.id, date: '2026-11-26', halfDay: 'afternoon', startTime: '14:00', endTime: '14:30', slotMinutes: 30, slotCapacity: 2, reserve: { web: 1, phone: 0, desk: 0 } }, clinic.admin.headers);
    const slotId = s.json().slots[0].id;
    const callers = await Promise.all(['褚一', '卫二', '蒋三'].map((name) => createPatient(h.system(), aPatient({ name, identifiers: [] }))));
    const book = (patientId: string) => h.app.inject({ method: 'POST', url: '/api/appointments', headers: clinic.agent.headers, payload: { slotId, patientId } });
    expect((await book(callers[0]!.id)).statusCode).toBe(201);
    const full = await book(callers[1]!.id);
    expect([full.statusCode, Problem.parse(full.json()).code]).toEqual([409, 'appointments.slot_full']);
    await at('2026-11-25T06:01:00.000Z'); // 24 hours before 14:00 on the 26th
    const run = await h.scheduler.runNow('appointments.release-reserves', h.system());
    expect(run.status).toBe('succeeded');
    expect((await book(callers[1]!.id)).statusCode).toBe(201);
    expect((await book(callers[2]!.id)).statusCode).toBe(409);
  });
});
