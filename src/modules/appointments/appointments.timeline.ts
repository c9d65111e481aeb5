import type { Tx } from '../../../db/client.js';
import type { TimelineEntry } from '../patients/patients.schemas.js';
import type { TimelineProvider, TimelineQuery } from '../patients/timeline.js';
import * as repo from './appointments.repository.js';

/** Appointments on the patient's timeline: booked, and what became of them. Not clinical (agents book them). */
export const appointmentTimelineProvider: TimelineProvider = {
  kind: 'appointment',
  entries(tx: Tx, patientId: string, query: TimelineQuery): TimelineEntry[] {
    const entries: TimelineEntry[] = [];
    for (const a of repo.appointmentsOfPatient(tx, patientId)) {
      const doctor = repo.findDoctor(tx, a.doctorId)?.name ?? '';
      entries.push({ id: a.id, at: a.createdAt, kind: 'appointment', title: `appointment.${a.status}`, detail: `${doctor} · ${a.startAt}`, departmentId: a.departmentId, clinical: false });
    }
    const before = query.before;
    return entries
      .filter((e) => !before || e.at < before[0] || (e.at === before[0] && e.id < before[1]))
      .sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1))
      .slice(0, query.limit);
  },
};
