import { describe, expect, it } from 'vitest';
import { Problem } from '../../src/lib/problem.js';
import { Appointment } from '../../src/modules/appointments/appointments.schemas.js';
import { createPatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient, residentIdFor } from '../helpers/factories.js';
import { cardiologyClinic, messagesOf } from './clinic.js';

/*
 * Monday 23 November 2026, 10:00 in Beijing. Cardiology publishes 李明's Tuesday-morning clinic; the call centre
 * books callers into it, and every rule of the booking desk is tried.
 */
const h = await useTestHospital({ now: '2026-11-23T02:00:00.000Z' });
const clinic = await cardiologyClinic(h);
const [tuesday, nextTuesday] = await clinic.week();

async function book(payload: object, headers = clinic.agent.headers, extra: Record<string, string> = {}) {
  return h.app.inject({ method: 'POST', url: '/api/appointments', headers: { ...headers, ...extra }, payload });
}
async function aCaller(overrides: Parameters<typeof aPatient>[0] = {}) {
  return createPatient(h.system(), aPatient({ identifiers: [], ...overrides }));
}

describe('schedules from a weekly template', () => {
  it('opens the doctor’s Tuesday sessions of the next two weeks with their slots', async () => {
    expect([tuesday?.date, nextTuesday?.date]).toEqual(['2026-11-24', '2026-12-01']);
    expect(tuesday).toMatchObject({ halfDay: 'morning', status: 'open', capacity: 8, booked: 0, startAt: '2026-11-24T00:00:00.000Z', endAt: '2026-11-24T02:00:00.000Z' });
    expect(tuesday!.doctor).toMatchObject({ name: '李明', title: 'chief', feeClass: 'expert' });
  });

  it('counts free places per channel: the web reserve is not the phone’s to take', async () => {
    expect(tuesday!.free).toBe(4);
    const [web] = await clinic.week('web');
    expect(web!.free).toBe(8);
    const slots = (await clinic.session(tuesday!.id)).slots!;
    expect(slots.map((s) => s.startAt)).toEqual(['2026-11-24T00:00:00.000Z', '2026-11-24T00:30:00.000Z', '2026-11-24T01:00:00.000Z', '2026-11-24T01:30:00.000Z']);
    expect(slots.every((s) => s.free === 1 && s.capacity === 2)).toBe(true);
  });

  it('refuses a template that reserves more than a slot holds, naming the field', async () => {
    const reply = await h.app.inject({
      method: 'POST',
      url: '/api/schedule-templates',
      headers: clinic.admin.headers,
      payload: { doctorId: clinic.doctor.id, weekday: 3, halfDay: 'morning', startTime: '08:00', endTime: '10:00', slotMinutes: 30, slotCapacity: 2, reserve: { web: 2, phone: 1, desk: 0 } },
    });
    expect(reply.statusCode).toBe(400);
    expect(Problem.parse(reply.json()).errors?.[0]).toMatchObject({ field: 'reserve' });
  });
});

describe('an agent books for a caller', () => {
  it('books a new caller by name, mobile and resident ID, and queues the confirmation and two reminders with it', async () => {
    const slot = (await clinic.session(tuesday!.id)).slots![0]!;
    const reply = await book({ slotId: slot.id, newPatient: { name: '王秀兰', phone: '13911112222', residentId: residentIdFor('1956-03-08', 'female') } });
    expect(reply.statusCode, reply.body).toBe(201);
    const appointment = Appointment.parse(reply.json());
    expect(appointment).toMatchObject({ status: 'booked', channel: 'phone', doctorName: '李明', startAt: slot.startAt, date: '2026-11-24' });
    const messages = messagesOf(h, appointment.patientId);
    expect(messages.map((m) => [m.purpose, m.status, m.scheduled_at])).toEqual([
      ['appointment-confirmation', 'queued', '2026-11-23T02:00:00.000Z'],
      ['appointment-reminder', 'queued', '2026-11-23T10:00:00.000Z'],
      ['appointment-reminder', 'queued', '2026-11-23T22:00:00.000Z'],
    ]);
    expect(messages[0]!.body).toBe('王秀兰您好，您已预约11月24日 08:00 心内科李明医生门诊，请提前15分钟到达并携带身份证。');
    const after = (await clinic.session(tuesday!.id)).slots![0]!;
    expect(after).toMatchObject({ booked: 1, free: 0 });
  });

  it('finds the caller already on file by resident ID instead of making a second file', async () => {
    const residentId = residentIdFor('1950-01-02', 'male', '110105', 77);
    const existing = await aCaller({ name: '赵建国', residentId, birthDate: '1950-01-02' });
    const slot = (await clinic.session(nextTuesday!.id)).slots![3]!;
    const reply = await book({ slotId: slot.id, newPatient: { name: '赵建国', phone: '13922223333', residentId } });
    expect(reply.statusCode, reply.body).toBe(201);
    expect(Appointment.parse(reply.json()).patientId).toBe(existing.id);
  });

  it('answers the same submission twice with the same booking (Idempotency-Key)', async () => {
    const patient = await aCaller();
    const slot = (await clinic.session(nextTuesday!.id)).slots![1]!;
    const key = { 'idempotency-key': `book-${patient.id}` };
    const first = await book({ slotId: slot.id, patientId: patient.id }, clinic.agent.headers, key);
    const second = await book({ slotId: slot.id, patientId: patient.id }, clinic.agent.headers, key);
    expect(first.statusCode, first.body).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json().id).toBe(first.json().id);
    expect((await clinic.session(nextTuesday!.id)).slots![1]!.booked).toBe(1);
  });
});

describe('the rules', () => {
  it('allows one booking per patient per doctor per day', async () => {
    const patient = await aCaller();
    const [a, b] = (await clinic.session(nextTuesday!.id)).slots!.slice(2);
    expect((await book({ slotId: a!.id, patientId: patient.id })).statusCode).toBe(201);
    const again = await book({ slotId: b!.id, patientId: patient.id });
    expect(again.statusCode).toBe(409);
    expect(Problem.parse(again.json())).toMatchObject({ code: 'appointments.same_doctor_same_day' });
  });

  it('refuses a slot in the past, beyond the window, in a stopped session, and an unknown one', async () => {
    const patient = await aCaller();
    const extra = (date: string, halfDay: string, start: string) =>
      h.app.inject({ method: 'POST', url: '/api/schedules', headers: clinic.admin.headers, payload: { doctorId: clinic.doctor.id, date, halfDay, startTime: start, endTime: '11:00', slotMinutes: 60, slotCapacity: 5 } });
    const today = await extra('2026-11-23', 'morning', '08:00');
    const far = await extra('2026-12-21', 'morning', '09:00');
    const stopped = await extra('2026-11-25', 'morning', '09:00');
    expect([today.statusCode, far.statusCode, stopped.statusCode]).toEqual([201, 201, 201]);
    await h.app.inject({ method: 'POST', url: `/api/schedules/${stopped.json().id}/stop`, headers: clinic.admin.headers, payload: { reason: '外出会诊' } });

    const past = await book({ slotId: today.json().slots[0].id, patientId: patient.id });
    expect([past.statusCode, Problem.parse(past.json()).code]).toEqual([400, 'appointments.in_past']);
    const beyond = await book({ slotId: far.json().slots[0].id, patientId: patient.id });
    expect([beyond.statusCode, Problem.parse(beyond.json()).code]).toEqual([400, 'appointments.beyond_window']);
    const inStopped = await book({ slotId: stopped.json().slots[0].id, patientId: patient.id });
    expect([inStopped.statusCode, Problem.parse(inStopped.json()).code]).toEqual([409, 'appointments.session_stopped']);
    const unknown = await book({ slotId: 'no-such-slot', patientId: patient.id });
    expect([unknown.statusCode, Problem.parse(unknown.json()).code]).toEqual([404, 'appointments.slot_not_found']);
  });

  it('refuses an invalid mobile number or resident ID, naming each field, and writes nothing', async () => {
    const slot = (await clinic.session(nextTuesday!.id)).slots![0]!;
    const before = h.db.$client.prepare('SELECT count(*) AS n FROM patients').get() as { n: number };
    const reply = await book({ slotId: slot.id, newPatient: { name: '钱多多', phone: '12345', residentId: '110105195603080000' } });
    expect(reply.statusCode).toBe(400);
    expect(Problem.parse(reply.json()).errors?.map((e) => e.field)).toEqual(['newPatient.phone', 'newPatient.residentId']);
    expect(h.db.$client.prepare('SELECT count(*) AS n FROM patients').get()).toEqual(before);
  });

  it('refuses a body with both or neither of patientId and newPatient, and unknown fields', async () => {
    const slot = (await clinic.session(nextTuesday!.id)).slots![0]!;
    expect((await book({ slotId: slot.id })).statusCode).toBe(400);
    expect((await book({ slotId: slot.id, patientId: 'x', extra: 1 })).statusCode).toBe(400);
  });

  it('caps the open bookings of one patient', async () => {
    const patient = await aCaller();
    const days = ['2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30', '2026-12-02'];
    const slotIds: string[] = [];
    for (const date of days) {
      const s = await h.app.inject({ method: 'POST', url: '/api/schedules', headers: clinic.admin.headers, payload: { doctorId: clinic.doctor.id, date, halfDay: 'afternoon', startTime: '14:00', endTime: '15:00', slotMinutes: 60, slotCapacity: 3 } });
      slotIds.push(s.json().slots[0].id);
    }
    const statuses = [];
    for (const slotId of slotIds) statuses.push((await book({ slotId, patientId: patient.id })).statusCode);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 409]);
  });
});

describe('cancel and reschedule', () => {
  it('cancels: the place comes back, the reminders are cancelled and the patient is told', async () => {
    const patient = await aCaller({ name: '孙丽' });
    const slot = (await clinic.session(tuesday!.id)).slots![2]!;
    const booked = Appointment.parse((await book({ slotId: slot.id, patientId: patient.id })).json());
    const cancelled = await h.app.inject({ method: 'POST', url: `/api/appointments/${booked.id}/cancel`, headers: clinic.agent.headers, payload: { reason: '患者来电取消' } });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(Appointment.parse(cancelled.json())).toMatchObject({ status: 'cancelled', cancelReason: '患者来电取消' });
    expect(messagesOf(h, patient.id).map((m) => [m.purpose, m.status])).toEqual([
      ['appointment-confirmation', 'queued'],
      ['appointment-cancelled', 'queued'],
      ['appointment-reminder', 'cancelled'],
      ['appointment-reminder', 'cancelled'],
    ]);
    expect((await clinic.session(tuesday!.id)).slots![2]).toMatchObject({ booked: 0, free: 1 });
    const twice = await h.app.inject({ method: 'POST', url: `/api/appointments/${booked.id}/cancel`, headers: clinic.agent.headers, payload: { reason: '再次' } });
    expect(twice.statusCode).toBe(409);
  });

  it('moves a booking to another slot in one step, freeing the first', async () => {
    const patient = await aCaller();
    const [, , third, last] = (await clinic.session(tuesday!.id)).slots!;
    const booked = Appointment.parse((await book({ slotId: last!.id, patientId: patient.id })).json());
    const moved = await h.app.inject({ method: 'POST', url: `/api/appointments/${booked.id}/reschedule`, headers: clinic.agent.headers, payload: { slotId: third!.id, version: booked.version } });
    expect(moved.statusCode, moved.body).toBe(200);
    const now = Appointment.parse(moved.json());
    expect(now).toMatchObject({ status: 'booked', rescheduledFromId: booked.id });
    const old = await h.app.inject({ method: 'GET', url: `/api/appointments/${booked.id}`, headers: clinic.agent.headers });
    expect(old.json()).toMatchObject({ status: 'cancelled', cancelReason: 'rescheduled' });
    expect((await clinic.session(tuesday!.id)).slots![3]!.booked).toBe(0);
  });

  it('refuses to move a booking read at an old version (409), leaving it where it was', async () => {
    const patient = await aCaller();
    const [first, second] = (await clinic.session(nextTuesday!.id)).slots!;
    const reply = await book({ slotId: first!.id, patientId: patient.id });
    expect(reply.statusCode, reply.body).toBe(201);
    const booked = Appointment.parse(reply.json());
    const stale = await h.app.inject({ method: 'POST', url: `/api/appointments/${booked.id}/reschedule`, headers: clinic.agent.headers, payload: { slotId: second!.id, version: booked.version + 1 } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('appointments.stale_version');
    const still = await h.app.inject({ method: 'GET', url: `/api/appointments/${booked.id}`, headers: clinic.agent.headers });
    expect(still.json()).toMatchObject({ status: 'booked', slotId: first!.id });
  });
});
