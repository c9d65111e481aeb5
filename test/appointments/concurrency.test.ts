import { describe, expect, it } from 'vitest';
import { Problem } from '../../src/lib/problem.js';
import { createPatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';
import { cardiologyClinic } from './clinic.js';

/*
 * The last places of a popular slot, asked for by many callers at once over real HTTP: exactly the capacity
 * succeeds, everyone else hears that the slot is full, and the counters agree with the bookings.
 */
const h = await useTestHospital({ now: '2026-11-23T02:00:00.000Z' });
const clinic = await cardiologyClinic(h, { capacity: 3, reserve: { web: 0, phone: 0, desk: 0 } });
await h.app.listen({ host: '127.0.0.1', port: 0 });
const address = h.app.server.address();
const base = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';

describe('many callers for the last places', () => {
  it('books exactly the capacity and answers the rest 409 with a clear message', async () => {
    const [tuesday] = await clinic.week();
    const slot = (await clinic.session(tuesday!.id)).slots![0]!;
    const callers = [];
    for (let i = 0; i < 40; i++) callers.push(await createPatient(h.system(), aPatient({ identifiers: [] })));
    const replies = await Promise.all(
      callers.map((caller) =>
        fetch(`${base}/api/appointments`, {
          method: 'POST',
          headers: { ...clinic.agent.headers, 'content-type': 'application/json' },
          body: JSON.stringify({ slotId: slot.id, patientId: caller.id }),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as unknown })),
      ),
    );
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 409)).toHaveLength(37);
    const refusal = Problem.parse(replies.find((r) => r.status === 409)!.body);
    expect(refusal).toMatchObject({ code: 'appointments.slot_full', detail: 'This slot has no free place left for this channel; choose another time.' });

    const counts = h.db.$client.prepare('SELECT s.booked AS slotBooked, c.booked AS sessionBooked, (SELECT count(*) FROM appointments a WHERE a.slot_id = s.id AND a.status = ?) AS rows FROM slots s JOIN clinic_sessions c ON c.id = s.session_id WHERE s.id = ?').get('booked', slot.id);
    expect(counts).toEqual({ slotBooked: 3, sessionBooked: 3, rows: 3 });
    expect((await clinic.session(tuesday!.id)).free).toBe(9);
  });
});
