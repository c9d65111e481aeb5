import type { Tx } from '../../../db/client.js';
import type { CallerCardAction, CallerCardSection, VisitSource } from '../consultations/callcentre.deps.js';
import { appointmentsOfPatient } from './appointments.repository.js';

const OPEN = new Set(['requested', 'booked', 'checked_in']);

/** The caller's coming appointments: what an agent is most often asked to confirm, move or cancel. */
export const upcomingAppointmentsSection: CallerCardSection = {
  key: 'appointments',
  title: 'callcentre.card.appointments',
  items: (tx, patientId, _viewer, now) =>
    appointmentsOfPatient(tx, patientId)
      .filter((a) => OPEN.has(a.status) && a.startAt >= now.toISOString())
      .reverse()
      .slice(0, 5)
      .map((a) => ({ id: a.id, at: a.startAt, text: a.status, flagged: a.status === 'requested' })),
};

/** Booking for the caller from the console: the staff booking page opened on their file. */
export const bookForCallerAction: CallerCardAction = {
  key: 'book',
  title: 'callcentre.card.book',
  href: (patientId) => `/app/appointments?patientId=${encodeURIComponent(patientId)}`,
};

/** A booking made after a consultation counts as its conversion, as a visit does. */
export const bookingVisitSource: VisitSource = {
  kind: 'booking',
  visitedOrBookedSince: (tx: Tx, patientId: string, since: string) => appointmentsOfPatient(tx, patientId, 50).some((a) => a.createdAt >= since && a.status !== 'rejected'),
};
