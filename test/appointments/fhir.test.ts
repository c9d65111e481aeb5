import { describe, expect, it } from 'vitest';
import { createPatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';
import { cardiologyClinic } from './clinic.js';

/* Another system reads the clinics and bookings as FHIR R4 Schedule, Slot and Appointment searchsets. */
const h = await useTestHospital({ now: '2026-11-23T02:00:00.000Z' });
const clinic = await cardiologyClinic(h);
const [tuesday] = await clinic.week();
const patient = await createPatient(h.system(), aPatient({ identifiers: [] }));
const slot = (await clinic.session(tuesday!.id)).slots![0]!;
const booked = await h.app.inject({ method: 'POST', url: '/api/appointments', headers: clinic.agent.headers, payload: { slotId: slot.id, patientId: patient.id } });
const get = (url: string) => h.app.inject({ method: 'GET', url, headers: clinic.admin.headers });

describe('FHIR reads', () => {
  it('lists a doctor’s sessions as Schedules with their planning horizon', async () => {
    const reply = await get(`/fhir/Schedule?actor=Practitioner/${clinic.doctor.id}&date=2026-11-24`);
    expect(reply.statusCode, reply.body).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^application\/fhir\+json/);
    const bundle = reply.json();
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
    expect(bundle.entry[0].resource).toEqual({
      resourceType: 'Schedule',
      id: tuesday!.id,
      active: true,
      actor: [{ reference: `Practitioner/${clinic.doctor.id}`, display: '李明' }],
      planningHorizon: { start: '2026-11-24T00:00:00.000Z', end: '2026-11-24T02:00:00.000Z' },
      comment: '冠心病介入治疗、高血压',
    });
  });

  it('lists a Schedule’s Slots, free or busy', async () => {
    const all = (await get(`/fhir/Slot?schedule=Schedule/${tuesday!.id}`)).json();
    expect(all.total).toBe(4);
    expect(all.entry[0].resource).toMatchObject({ resourceType: 'Slot', id: slot.id, schedule: { reference: `Schedule/${tuesday!.id}` }, status: 'free', comment: '1 of 2 places free' });
    expect((await get(`/fhir/Slot?schedule=Schedule/${tuesday!.id}&status=busy`)).json().total).toBe(0);
  });

  it('lists a patient’s Appointments with their participants', async () => {
    const bundle = (await get(`/fhir/Appointment?patient=Patient/${patient.id}`)).json();
    expect(bundle.entry[0].resource).toMatchObject({
      resourceType: 'Appointment',
      id: booked.json().id,
      status: 'booked',
      start: slot.startAt,
      end: slot.endAt,
      slot: [{ reference: `Slot/${slot.id}` }],
      participant: [{ actor: { reference: `Patient/${patient.id}` } }, { actor: { reference: `Practitioner/${clinic.doctor.id}`, display: '李明' } }],
    });
  });

  it('answers a search without its required parameters with a problem naming them', async () => {
    const reply = await get('/fhir/Appointment');
    expect(reply.statusCode).toBe(400);
    expect(reply.json()).toMatchObject({ code: 'fhir.bad_search', errors: [{ field: 'patient' }] });
    expect((await get('/fhir/Schedule?date=2026-13-01&department=x')).statusCode).toBe(400);
  });
});
