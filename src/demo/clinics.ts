import type { ServiceContext } from '../lib/context.js';
import { inTransaction } from '../lib/transaction.js';
import { createDoctor, createTemplate, weekOf } from '../modules/appointments/appointments.schedules.js';
import { bookIn } from '../modules/appointments/appointments.service.js';
import { DOCTOR_TITLES } from './catalog.js';
import type { DemoDoctor } from './types.js';

const TITLES = { [DOCTOR_TITLES[0]]: 'chief', [DOCTOR_TITLES[1]]: 'associate_chief', [DOCTOR_TITLES[2]]: 'attending', [DOCTOR_TITLES[3]]: 'resident' } as const;

/**
 * The demo hospital's clinics: every doctor gets a profile and two half-days a week (senior doctors as expert
 * clinics), the sessions of the coming days are generated, and some patients are booked, so `npm start` shows a
 * working booking page. Deterministic from the doctors' order.
 */
export async function seedClinics(ctx: ServiceContext, doctors: readonly DemoDoctor[], staffIds: Map<string, string>, departmentIds: Map<string, string>): Promise<number> {
  const reserve = { web: 1, phone: 1, desk: 0 };
  let i = 0;
  for (const demo of doctors) {
    const title = TITLES[demo.title as keyof typeof TITLES] ?? 'attending';
    const doctor = await createDoctor(ctx, {
      departmentId: departmentIds.get(demo.departmentCode)!,
      name: demo.displayName,
      title,
      specialty: demo.specialty,
      feeClass: title === 'chief' ? 'expert' : title === 'associate_chief' && i % 3 === 0 ? 'special' : 'general',
      staffId: staffIds.get(demo.username)!,
    });
    await createTemplate(ctx, { doctorId: doctor.id, weekday: (i % 5) + 1, halfDay: 'morning', startTime: '08:00', endTime: '11:30', slotMinutes: 30, slotCapacity: 3, reserve });
    await createTemplate(ctx, { doctorId: doctor.id, weekday: ((i + 2) % 5) + 1, halfDay: 'afternoon', startTime: '14:00', endTime: '17:00', slotMinutes: 30, slotCapacity: 3, reserve });
    i++;
  }
  return bookSome(ctx, [...new Set(departmentIds.values())]);
}

/** A few bookings per department from patients with a mobile on file, through the same verb the desk uses. */
function bookSome(ctx: ServiceContext, departmentIds: string[]): number {
  const patients = (ctx.db.$client.prepare("SELECT id FROM patients WHERE phone LIKE '+861%' AND active = 1 ORDER BY id LIMIT 200").all() as { id: string }[]).map((r) => r.id);
  const desk = { channel: 'desk' as const, staff: { kind: 'staff' as const, id: ctx.actor.id, role: 'admin' as const, departmentId: null, username: 'demo' }, label: 'demo seed' };
  let booked = 0;
  for (const [d, departmentId] of departmentIds.entries()) {
    const sessions = inTransaction(ctx, (tx) => weekOf(tx, ctx, { departmentId, days: 7 }, 'desk')).filter((s) => s.status === 'open' && new Date(s.startAt) > ctx.now);
    for (let k = 0; k < Math.min(6, sessions.length) && patients.length > 0; k++) {
      const session = sessions[(k * 3) % sessions.length]!;
      const slot = ctx.db.$client.prepare('SELECT id FROM slots WHERE session_id = ? ORDER BY start_at LIMIT 1 OFFSET ?').get(session.id, k % 4) as { id: string } | undefined;
      const patientId = patients[(d * 7 + k) % patients.length]!;
      if (!slot) continue;
      try {
        // One transaction per booking: a refused one rolls back alone.
        inTransaction(ctx, (tx) => bookIn(tx, ctx, desk, patientId, slot.id, 'outpatient'));
        booked++;
      } catch {
        // A rule refused this pairing (same doctor that day, too many open): the demo simply books fewer.
      }
    }
  }
  return booked;
}
