import { describe, expect, it } from 'vitest';
import { FollowupVisit } from '../../src/modules/followup/worklist/worklist.schemas.js';
import { addEncounter, createPatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';
import { cardiologyClinic } from './clinic.js';

/*
 * A cardiologist asks to see 孙建国 again. On a Tuesday, when 李明 holds his clinic, follow-up books him a place
 * through the schedule; on a Wednesday, when nobody sees patients, it leaves the re-check reminder instead.
 */
// Follow-up visits are reminded two days ahead as well as the evening before; outpatient bookings keep the default.
const h = await useTestHospital({ appointments: { remindersByType: { followup: [{ kind: 'hours', hours: 48 }, { kind: 'day-before', time: '18:00' }] } } });
const clinic = await cardiologyClinic(h);
const patient = await createPatient(h.system(), aPatient({ name: '孙建国', identifiers: [] }));

const askForVisit = async (date: string) => {
  const reply = await h.app.inject({ method: 'POST', url: `/api/patients/${patient.id}/followup-visits`, headers: clinic.admin.headers, payload: { date, departmentId: clinic.departmentId } });
  expect(reply.statusCode, reply.body).toBe(201);
  return FollowupVisit.parse(reply.json());
};

describe('a follow-up visit (复诊) asked for by a doctor', () => {
  it('is booked in the clinic held that day, with its confirmation queued', async () => {
    const visit = await askForVisit('2026-11-24');
    expect(visit).toMatchObject({ status: 'booked', appointmentId: expect.any(String) });
    const appointment = h.db.$client.prepare('SELECT patient_id, date, type, status, channel FROM appointments WHERE id = ?').get(visit.appointmentId);
    expect(appointment).toEqual({ patient_id: patient.id, date: '2026-11-24', type: 'followup', status: 'booked', channel: 'desk' });
    // 48 hours before 08:00 on the 24th has passed; the evening before (18:00 on the 23rd, 10:00Z) has not.
    const reminders = h.db.$client.prepare("SELECT scheduled_at FROM messages WHERE purpose = 'appointment-reminder' AND patient_id = ?").all(patient.id);
    expect(reminders).toEqual([{ scheduled_at: '2026-11-23T10:00:00.000Z' }]);
  });

  it('is asked for from the follow-up card of the patient page', async () => {
    // Cardiology has seen him, so its doctor sees his follow-up card and asks for the visit in her own department.
    await addEncounter(h.system(), patient.id, { class: 'outpatient', status: 'finished', departmentId: clinic.departmentId, startAt: '2026-11-20T01:00:00Z', chargesCents: 0, diagnoses: [], procedures: [] });
    const doctor = await h.signIn('doctor', { departmentId: clinic.departmentId });
    const page = await h.app.inject({ method: 'GET', url: `/app/patients/${patient.id}`, headers: { cookie: `hcrm_session=${doctor.token}` } });
    expect(page.body).toContain(`action="/app/patients/${patient.id}/followup-visits"`);
    const reply = await h.app.inject({
      method: 'POST',
      url: `/app/patients/${patient.id}/followup-visits`,
      headers: { cookie: `hcrm_session=${doctor.token}`, origin: 'http://localhost:80', 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ date: '2026-12-01' }).toString(),
    });
    expect(reply.statusCode, reply.body).toBe(303);
    expect(reply.headers.location).toBe(`/app/patients/${patient.id}?followup=visit#followup`);
    const visit = h.db.$client.prepare("SELECT status FROM followup_visits WHERE patient_id = ? AND due_date = '2026-12-01'").get(patient.id);
    expect(visit).toEqual({ status: 'booked' });
  });

  it('waits as a re-check reminder on a day without a clinic', async () => {
    const visit = await askForVisit('2026-11-25');
    expect(visit).toMatchObject({ status: 'planned', appointmentId: null });
  });
});
