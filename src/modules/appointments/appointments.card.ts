import type { CallerCardAction, CallerCardSection, VisitSource } from '../consultations/callcentre.deps.js';
import { bookedSince, upcomingOfPatient } from './appointments.repository.js';

/** The caller's coming appointments: what an agent is most often asked to confirm, move or cancel. */
export const upcomingAppointmentsSection: CallerCardSection = {
  key: 'appointments',
  title: 'callcentre.card.appointments',
  items: (tx, patientId, _viewer, now) =>
    upcomingOfPatient(tx, patientId, now.toISOString(), 5).map((a) => ({ id: a.id, at: a.startAt, text: a.status, flagged: a.status === 'requested' })),
};

/** Booking for the caller from the console: the staff booking page opened on their file. */
export const bookForCallerAction: CallerCardAction = {
  key: 'book',
  title: 'callcentre.card.book',
  href: (patientId) => `/app/appointments?patientId=${encodeURIComponent(patientId)}`,
};

/** A booking made after a consultation counts as its conversion, as a visit does. */
export const bookingVisitSource: VisitSource = { kind: 'booking', visitedOrBookedSince: bookedSince };
