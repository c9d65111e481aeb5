import { describe, expect, it } from 'vitest';
import { importHl7 } from '../../src/modules/imports/imports.verbs.js';
import { createPatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient, residentIdFor } from '../helpers/factories.js';
import { adt } from '../imports/hl7-fixtures.js';
import { cardiologyClinic } from './clinic.js';

/* HIS registers the patient's outpatient visit (ADT^A04) on the day: their appointment there is completed. */
const h = await useTestHospital({ now: '2026-11-23T02:00:00.000Z' });
const clinic = await cardiologyClinic(h);
const [tuesday] = await clinic.week();

describe('completion from HIS', () => {
  it('completes the day’s appointment in the department when HIS reports the outpatient visit', async () => {
    const residentId = residentIdFor('1968-04-12', 'male');
    const patient = await createPatient(h.system(), aPatient({ residentId, birthDate: '1968-04-12', gender: 'male', identifiers: [{ system: 'HIS', value: 'MRN0001' }] }));
    const slot = (await clinic.session(tuesday!.id)).slots![0]!;
    const booked = await h.app.inject({ method: 'POST', url: '/api/appointments', headers: clinic.agent.headers, payload: { slotId: slot.id, patientId: patient.id } });
    expect(booked.statusCode, booked.body).toBe(201);
    h.clock.set('2026-11-24T00:20:00.000Z');
    const message = adt({ event: 'A04', controlId: 'A04-APPT-1', patientClass: 'O', department: 'CARD', admitAt: '20261124081500+0800', residentId });
    const report = await importHl7(h.system(), Buffer.from(message), { source: 'his', channel: 'http' });
    expect(report.problems, JSON.stringify(report)).toEqual([]);
    const row = h.db.$client.prepare('SELECT status, completed_at FROM appointments WHERE id = ?').get(booked.json().id);
    expect(row).toEqual({ status: 'completed', completed_at: '2026-11-24T00:20:00.000Z' });
  });
});
