import { describe, expect, it } from 'vitest';
import { createPatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';
import { testSettings } from '../helpers/messaging.js';
import { cardiologyClinic, messagesOf } from './clinic.js';

/*
 * 李明's Tuesday is full. Two callers go on the waiting list; when a booking is cancelled the first is offered the
 * place by SMS and it is held for her; she lets it lapse, so it passes to the second, who takes it.
 */
const h = await useTestHospital({ now: '2026-11-23T02:00:00.000Z', messaging: { settings: testSettings() } });
const clinic = await cardiologyClinic(h, { capacity: 1, reserve: { web: 0, phone: 0, desk: 0 } });
const [tuesday] = await clinic.week();
const slots = (await clinic.session(tuesday!.id)).slots!;

const book = (slotId: string, patientId: string) => h.app.inject({ method: 'POST', url: '/api/appointments', headers: clinic.agent.headers, payload: { slotId, patientId } });
const linkIn = (patientId: string) => {
  const sms = messagesOf(h, patientId).find((m) => m.purpose === 'appointment-waitlist-offer');
  return sms ? new URL(/(https:\/\/\S+)/.exec(sms.body)![1]!).pathname : null;
};

describe('the waiting list', async () => {
  const booked: { id: string }[] = [];
  for (const slot of slots) {
    const patient = await createPatient(h.system(), aPatient({ identifiers: [] }));
    booked.push((await book(slot.id, patient.id)).json());
  }
  const first = await createPatient(h.system(), aPatient({ name: '韩梅', identifiers: [] }));
  const second = await createPatient(h.system(), aPatient({ name: '曹雷', identifiers: [] }));

  it('takes callers for a full day, in order', async () => {
    expect((await clinic.session(tuesday!.id)).free).toBe(0);
    for (const patient of [first, second]) {
      const joined = await h.app.inject({ method: 'POST', url: '/api/waitlist', headers: clinic.agent.headers, payload: { patientId: patient.id, doctorId: clinic.doctor.id, date: '2026-11-24' } });
      expect(joined.statusCode, joined.body).toBe(201);
      expect(joined.json()).toMatchObject({ status: 'waiting' });
      h.clock.advance(1000);
    }
  });

  it('offers a cancelled place to the first waiting, holding it for her', async () => {
    const cancelled = await h.app.inject({ method: 'POST', url: `/api/appointments/${booked[1]!.id}/cancel`, headers: clinic.agent.headers, payload: { reason: '患者来电取消' } });
    expect(cancelled.statusCode).toBe(200);
    expect((await clinic.session(tuesday!.id)).free).toBe(0); // held, not free for anyone else
    const link = linkIn(first.id);
    expect(link).toMatch(/^\/book\/offer\/[\w-]{43}$/);
    expect(messagesOf(h, first.id).find((m) => m.purpose === 'appointment-waitlist-offer')!.body).toContain('为您保留30分钟');
    expect(linkIn(second.id)).toBeNull();
    const page = await h.app.inject({ method: 'GET', url: link! });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('候补号源');
  });

  it('passes the place on when the offer lapses, and the next patient books it from the link', async () => {
    h.clock.advance(31 * 60_000);
    const run = await h.scheduler.runNow('appointments.waitlist-offers', h.system());
    expect(run.counts).toMatchObject({ expired: 1, reoffered: 1 });
    const lapsed = await h.app.inject({ method: 'GET', url: linkIn(first.id)! });
    expect(lapsed.statusCode).toBe(410);
    expect(lapsed.body).toContain('已顺延给下一位候补患者');
    const link = linkIn(second.id)!;
    const accepted = await h.app.inject({ method: 'POST', url: link, headers: { origin: 'http://localhost:80' } });
    expect(accepted.statusCode, accepted.body).toBe(303);
    expect(messagesOf(h, second.id).map((m) => m.purpose)).toContain('appointment-confirmation');
    const again = await h.app.inject({ method: 'POST', url: link, headers: { origin: 'http://localhost:80' } });
    expect(again.statusCode).toBe(409);
    const counts = h.db.$client.prepare('SELECT booked, capacity FROM slots WHERE id = ?').get(slots[1]!.id);
    expect(counts).toEqual({ booked: 1, capacity: 1 });
  });

  it('records the refill rate, and answers a tampered link as unknown', async () => {
    await clinic.refresh(); // the agent's session idled out while the offer waited
    const rate = await h.app.inject({ method: 'GET', url: '/api/waitlist/refill-rate', headers: clinic.agent.headers });
    expect(rate.json()).toEqual({ offered: 2, refilled: 1, rate: 0.5 });
    expect((await h.app.inject({ method: 'GET', url: '/book/offer/not-a-real-token' })).statusCode).toBe(404);
  });
});
