import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/lib/transaction.js';
import { getSession, weekWithSlots } from '../../src/modules/appointments/appointments.schedules.js';
import { bookIn } from '../../src/modules/appointments/appointments.service.js';
import { createPatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';
import { cardiologyClinic, messagesOf } from './clinic.js';

/*
 * The call centre books a caller from the staff pages; a department in approval mode sees a patient's request
 * waiting and confirms it, which sends the confirmation and starts the reminders.
 */
const h = await useTestHospital({ now: '2026-11-23T02:00:00.000Z' });
const clinic = await cardiologyClinic(h);
const [tuesday] = await clinic.week();
const page = (url: string, headers = clinic.agent.headers) => h.app.inject({ method: 'GET', url, headers });
const post = (url: string, fields: Record<string, string>, headers = clinic.agent.headers) =>
  h.app.inject({ method: 'POST', url, headers: { ...headers, origin: 'http://localhost:80', 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });

describe('booking for a caller from the staff pages', () => {
  it('shows the clinics with a button per free slot and books the one chosen', async () => {
    const caller = await createPatient(h.system(), aPatient({ name: '钟雪', identifiers: [] }));
    const file = await page(`/app/patients/${caller.id}`);
    expect(file.body).toContain(`/app/appointments?patientId=${caller.id}`);
    const shown = await page(`/app/appointments?patientId=${caller.id}&department=${clinic.departmentId}`);
    expect(shown.statusCode, shown.body).toBe(200);
    expect(shown.body).toContain('为患者 钟雪 预约');
    const slotId = /name="slotId" value="([^"]+)"/.exec(shown.body)![1]!;
    const booked = await post('/app/appointments/book', { patientId: caller.id, slotId, department: clinic.departmentId });
    expect(booked.statusCode, booked.body).toBe(303);
    expect((await page(String(booked.headers.location))).body).toContain('已为患者预约成功。');
    expect(messagesOf(h, caller.id)[0]).toMatchObject({ purpose: 'appointment-confirmation' });
    const again = await post('/app/appointments/book', { patientId: caller.id, slotId, department: clinic.departmentId });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('您当天已预约该医生');
  });
});

describe('requests in approval mode', () => {
  it('lists a patient’s request for staff and confirms it from the page', async () => {
    const mode = await h.app.inject({ method: 'PUT', url: `/api/departments/${clinic.departmentId}/booking-mode`, headers: clinic.admin.headers, payload: { mode: 'approval' } });
    expect(mode.statusCode, mode.body).toBe(200);
    const patient = await createPatient(h.system(), aPatient({ name: '邱红', identifiers: [] }));
    const slot = (await clinic.session(tuesday!.id, 'web')).slots![1]!;
    const request = inTransaction(h.deps, (tx) => bookIn(tx, h.system(), { channel: 'web', staff: null, label: 'patient:web' }, patient.id, slot.id, 'outpatient'));
    expect(request.status).toBe('requested');
    expect(messagesOf(h, patient.id).map((m) => m.purpose)).toEqual(['appointment-requested']);
    const nurse = await h.signIn('nurse', { departmentId: clinic.departmentId });
    const listed = await page('/app/appointments', nurse.headers);
    expect(listed.body).toContain(`data-appointment="${request.id}"`);
    const decided = await post(`/app/appointments/${request.id}/decide`, { action: 'approve' }, nurse.headers);
    expect(decided.statusCode, decided.body).toBe(303);
    expect(messagesOf(h, patient.id).map((m) => m.purpose)).toEqual(['appointment-requested', 'appointment-confirmation', 'appointment-reminder', 'appointment-reminder']);
    expect((await page('/app/appointments', nurse.headers)).body).not.toContain(`data-appointment="${request.id}"`);
  });

  it('keeps a view-only department’s schedule from patients but not from staff', async () => {
    await h.app.inject({ method: 'PUT', url: `/api/departments/${clinic.departmentId}/booking-mode`, headers: clinic.admin.headers, payload: { mode: 'view_only' } });
    const patient = await createPatient(h.system(), aPatient({ identifiers: [] }));
    const slot = (await clinic.session(tuesday!.id, 'web')).slots![2]!;
    expect(() => inTransaction(h.deps, (tx) => bookIn(tx, h.system(), { channel: 'web', staff: null, label: 'patient:web' }, patient.id, slot.id, 'outpatient'))).toThrow(/publishes its schedule only/);
    const byAgent = await h.app.inject({ method: 'POST', url: '/api/appointments', headers: clinic.agent.headers, payload: { slotId: slot.id, patientId: patient.id } });
    expect(byAgent.statusCode).toBe(201);
  });

  it('limits online booking after k no-shows in 90 days, but not booking by staff', async () => {
    await h.app.inject({ method: 'PUT', url: `/api/departments/${clinic.departmentId}/booking-mode`, headers: clinic.admin.headers, payload: { mode: 'direct' } });
    const patient = await createPatient(h.system(), aPatient({ identifiers: [] }));
    // Three visits missed this autumn (arranged as the no-show job leaves them).
    const slot = (await clinic.session(tuesday!.id, 'web')).slots![3]!;
    for (let i = 0; i < 3; i++) {
      h.db.$client
        .prepare("INSERT INTO appointments (id, patient_id, slot_id, session_id, doctor_id, department_id, date, start_at, type, channel, from_reserve, status, booked_by, created_at, lead_days) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'outpatient', 'web', 0, 'no_show', 'test', ?, 3)")
        .run(`missed-${i}`, patient.id, slot.id, tuesday!.id, clinic.doctor.id, clinic.departmentId, `2026-10-0${i + 1}`, `2026-10-0${i + 1}T01:00:00.000Z`, '2026-09-28T01:00:00.000Z');
    }
    expect(() => inTransaction(h.deps, (tx) => bookIn(tx, h.system(), { channel: 'web', staff: null, label: 'patient:web' }, patient.id, slot.id, 'outpatient'))).toThrow(/3 missed appointments/);
    const counted = await page(`/api/patients/${patient.id}/no-shows`);
    expect(counted.json()).toMatchObject({ noShows90Days: 3, limited: true });
    const byAgent = await h.app.inject({ method: 'POST', url: '/api/appointments', headers: clinic.agent.headers, payload: { slotId: slot.id, patientId: patient.id } });
    expect(byAgent.statusCode, byAgent.body).toBe(201);
  });
});

describe('the week on the staff booking page', () => {
  it('gives every session the slots it reports on its own, open or stopped, for each channel', async () => {
    const extra = await h.app.inject({ method: 'POST', url: '/api/schedules', headers: clinic.admin.headers, payload: { doctorId: clinic.doctor.id, date: '2026-11-26', halfDay: 'afternoon', startTime: '14:00', endTime: '15:30', slotMinutes: 30, slotCapacity: 2, reserve: { web: 1, phone: 0, desk: 0 } } });
    expect(extra.statusCode, extra.body).toBe(201);
    const stopped = await h.app.inject({ method: 'POST', url: '/api/schedules', headers: clinic.admin.headers, payload: { doctorId: clinic.doctor.id, date: '2026-11-27', halfDay: 'morning', startTime: '08:00', endTime: '09:00', slotMinutes: 30, slotCapacity: 1 } });
    expect((await h.app.inject({ method: 'POST', url: `/api/schedules/${stopped.json().id}/stop`, headers: clinic.admin.headers, payload: { reason: '停诊' } })).statusCode).toBe(200);

    for (const channel of ['phone', 'web'] as const) {
      const week = await weekWithSlots(h.system(), { departmentId: clinic.departmentId, days: 7, channel });
      expect(week.map((s) => s.id)).toEqual(expect.arrayContaining([tuesday!.id, extra.json().id, stopped.json().id]));
      const oneByOne = await Promise.all(week.map((s) => getSession(h.system(), s.id, channel)));
      expect(week).toEqual(oneByOne);
      expect(week.find((s) => s.status === 'stopped')!.slots!.every((slot) => slot.free === 0)).toBe(true);
    }
  });
});
