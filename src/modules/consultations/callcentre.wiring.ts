import { dirname } from 'node:path';
import type { Db } from '../../../db/client.js';
import { bookForCallerAction, bookingVisitSource, upcomingAppointmentsSection } from '../appointments/appointments.card.js';
import { contactTimelineProvider, lastContactsSection } from '../contacts/contacts.card.js';
import { complaintsSection, feedbackTimelineProvider } from '../feedback/feedback.card.js';
import { openFollowupTasksSection } from '../followup/worklist/worklist.card.js';
import { hadEncounterSince } from '../patients/patients.service.js';
import type { TimelineRegistry } from '../patients/timeline.js';
import { createCallCentreDeps, defaultCallCentreSettings, type CallCentreDeps, type CallCentreSettings } from './callcentre.deps.js';
import * as repo from './consultations.repository.js';

/**
 * The call centre's collaborators: open complaints, last contacts, open follow-up calls, coming appointments and
 * open call-backs on the caller card, with booking as its action; visits and bookings for conversion;
 * consultations, feedback and contacts on the timeline. A module adds its card section, an action
 * (`card.registerAction`) or a visit source (`visitSources`) here.
 */
export function callCentreDeps(db: Db, timeZone: string, overrides: Partial<CallCentreSettings> | undefined, timeline: TimelineRegistry): CallCentreDeps {
  const deps = createCallCentreDeps({ ...defaultCallCentreSettings(dirname(db.$client.name)), ...overrides }, timeZone);
  deps.card.register(complaintsSection);
  deps.card.register(lastContactsSection);
  deps.card.register(openFollowupTasksSection);
  deps.card.register(upcomingAppointmentsSection);
  deps.card.registerAction(bookForCallerAction);
  deps.card.register({
    key: 'callbacks',
    title: 'callcentre.card.callbacks',
    items: (tx, patientId) => repo.openCallbacksOfPatient(tx, patientId).map((c) => ({ id: c.id, at: c.callbackDueAt, text: `${c.category} · ${c.question.slice(0, 60)}`, flagged: false })),
  });
  deps.visitSources.push({ kind: 'encounter', visitedOrBookedSince: hadEncounterSince }, bookingVisitSource);
  timeline.register({
    kind: 'consultation',
    entries: (tx, patientId, query) =>
      repo.consultationsOfPatient(tx, patientId, query.before, query.limit).map((c) => ({
        id: c.id,
        at: c.createdAt,
        kind: 'consultation',
        title: `consultation.${c.channel}`,
        detail: `${c.category} · ${c.question.slice(0, 80)}`,
        departmentId: null,
        clinical: false,
      })),
  });
  timeline.register(feedbackTimelineProvider);
  timeline.register(contactTimelineProvider);
  return deps;
}
