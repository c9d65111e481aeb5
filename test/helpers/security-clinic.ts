import { localDate } from '../../src/lib/clock.js';
import { inTransaction } from '../../src/lib/transaction.js';
import { createDoctor, createSession, setBookingMode } from '../../src/modules/appointments/appointments.schedules.js';
import { bookIn } from '../../src/modules/appointments/appointments.service.js';
import { createPatient } from '../../src/modules/patients/patients.service.js';
import type { TestHospital } from './app.js';
import { aPatient } from './factories.js';

/**
 * The security suite's clinic: the department takes requests for approval. Each fixtures() call adds a fresh doctor
 * with a clinic this evening (to book, check in, stop, template), a booking, a patient's request, a no-show and a
 * spare patient, so no request of the walk depends on another's.
 */
export async function securityClinic(h: TestHospital, departmentId: string) {
  const today = localDate(h.clock.now(), h.deps.timeZone);
  await setBookingMode(h.system(), departmentId, 'approval');
  let serial = 0;

  return {
    async fixtures(patientId: string) {
      serial++;
      const fresh = await createDoctor(h.system(), { departmentId, name: `安全测试医生${serial}`, title: 'attending', feeClass: 'general' });
      const session = await createSession(h.system(), { doctorId: fresh.id, date: today, halfDay: 'evening', startTime: '18:00', endTime: '19:00', slotMinutes: 30, slotCapacity: 5, reserve: { web: 0, phone: 0, desk: 0 } });
      const [slot, other] = session.slots!;
      const [requester, absent, spare] = await Promise.all([1, 2, 3].map(() => createPatient(h.system(), aPatient({ identifiers: [] }))));
      const staff = { channel: 'desk' as const, staff: { kind: 'staff' as const, id: 'security', role: 'admin' as const, departmentId: null, username: 'security' }, label: 'security' };
      const ids = inTransaction(h.deps, (tx) => {
        const booked = bookIn(tx, h.system(), staff, patientId, slot!.id, 'outpatient');
        const requested = bookIn(tx, h.system(), { channel: 'web', staff: null, label: 'patient' }, requester!.id, slot!.id, 'outpatient');
        const noShow = bookIn(tx, h.system(), staff, absent!.id, slot!.id, 'outpatient');
        return { booked: booked.id, requested: requested.id, noShow: noShow.id };
      });
      // Arranged directly: a no-show needs the session to have ended, and this clinic is still ahead.
      h.db.$client.prepare("UPDATE appointments SET status = 'no_show', no_show_at = ? WHERE id = ?").run(h.clock.now().toISOString(), ids.noShow);
      return {
        doctorId: fresh.id,
        sessionId: session.id,
        slotId: slot!.id,
        otherSlotId: other!.id,
        appointmentId: ids.booked,
        requestedAppointmentId: ids.requested,
        noShowAppointmentId: ids.noShow,
        sparePatientId: spare!.id,
      };
    },
  };
}
